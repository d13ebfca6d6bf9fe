# Two entry points for a fresh machine (Python 3.11, pip, Debian packages):
#   make run   — create .venv if missing, install, open the app on the sample data
#   make test  — create .venv if missing, install with dev extras, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench bench-relational coverage coverage-compare install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/streamlit run app.py

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m benchmarks.run --repeat 3
	$(BIN)/python -m benchmarks.import_bench
	$(BIN)/python -m benchmarks.end_to_end

# 50M contacts generated to disk, loaded into DuckDB (pilote load), computed there (~10 GB of
# disk in $(BENCH_DIR) while it runs, deleted afterwards)
BENCH_N ?= 50000000
BENCH_DIR ?= /tmp/pilote-bench-relational
bench-relational: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.relational --n $(BENCH_N) --dir $(BENCH_DIR)

coverage: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.coverage --reps 4000

coverage-compare: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.coverage_compare --replicates 100

clean:
	rm -rf $(VENV) build *.egg-info
