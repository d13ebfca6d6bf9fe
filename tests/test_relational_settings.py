"""The relational executor's DuckDB settings and its reading of numeric yes/no codes.

- A compute connection on a DuckDB base gets a memory limit (2GB by default, ``memory=`` or
  ``PILOTE_DUCKDB_MEMORY``), a thread count when asked, a spill directory next to the base and
  ``preserve_insertion_order`` off: read back from DuckDB itself (``current_setting``).
- A warehouse table may hold a yes/no field as numbers (0/2 codes): any non-zero number is yes,
  a missing one is no, as in the in-memory engine (which casts the column to boolean).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from kpis import engine
from kpis.relational.connect import connect
from kpis.relational.executor import compute as relational_compute
from kpis.relational.source import from_frames


def _setting(source, name: str):
    return source.con.con.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def _as_duckdb_says(memory: str) -> str:
    """How DuckDB itself prints a memory limit (``1GB`` → ``953.6 MiB``)."""
    con = duckdb.connect(config={"memory_limit": memory})
    try:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "mini.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE contacts AS SELECT 1 AS _pos, 'telephone' AS canal")
    con.close()
    return path


def test_compute_connection_has_a_memory_limit_spill_directory_and_no_insertion_order(
    base, monkeypatch
):
    monkeypatch.delenv("PILOTE_DUCKDB_MEMORY", raising=False)
    monkeypatch.delenv("PILOTE_DUCKDB_THREADS", raising=False)
    src = connect(str(base))
    assert _setting(src, "memory_limit") == _as_duckdb_says("2GB")
    assert _setting(src, "temp_directory") == f"{base}.tmp"
    assert _setting(src, "preserve_insertion_order") is False


def test_memory_limit_and_threads_from_the_environment_or_the_arguments(base, monkeypatch):
    monkeypatch.setenv("PILOTE_DUCKDB_MEMORY", "1GB")
    monkeypatch.setenv("PILOTE_DUCKDB_THREADS", "1")
    src = connect(f"duckdb://{base}")
    assert _setting(src, "memory_limit") == _as_duckdb_says("1GB") == "953.6 MiB"
    assert _setting(src, "threads") == 1
    src.con.disconnect()  # DuckDB opens a file with one configuration at a time
    src = connect(str(base), memory="300MB", threads=2)  # the arguments win
    assert _setting(src, "memory_limit") == _as_duckdb_says("300MB")
    assert _setting(src, "threads") == 2


# resolved_first_contact as a warehouse's numeric codes:
# row  code  → known  yes
# 0    1       ✓      ✓
# 1    2       ✓      ✓   (non-zero: yes; the old `= 1` read it as no)
# 2    0       ✓
# 3    NULL           (missing: neither known nor yes)
# 4    2       ✓      ✓
# 5    0       ✓
# FCR = 3 ÷ 5 = 60 %
CODES = pd.DataFrame(
    {
        "contact_id": [f"C{i}" for i in range(6)],
        "customer_id": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
        "started_at": pd.date_range("2026-01-05 09:00", periods=6, freq="h"),
        "canal": ["telephone", "telephone", "email", "email", "chat", "chat"],
        "resolved_first_contact": pd.array([1, 2, 0, None, 2, 0], dtype="Int64"),
    }
)


@pytest.mark.parametrize("by", [[], ["canal"]])
def test_numeric_yes_no_codes_any_non_zero_is_yes_as_in_memory(by):
    kw = {"by": by, "params": {"min_n": 1}}
    memory = engine.compute({"contacts": CODES}, ["fcr"], **kw)
    got = relational_compute(from_frames({"contacts": CODES}), ["fcr"], **kw)
    if not by:
        assert (memory["value"].iloc[0], memory["n"].iloc[0]) == (60.0, 5)
        assert (got["value"].iloc[0], got["n"].iloc[0]) == (60.0, 5)
    else:  # chat 1/2, email 0/1, telephone 2/2
        assert list(got["canal"].astype(str)) == ["chat", "email", "telephone"]
        assert list(got["value"]) == list(memory["value"]) == [50.0, 0.0, 100.0]
        assert list(got["n"]) == list(memory["n"]) == [2, 1, 2]


# Segments are numbered on the distinct segments then joined back: a missing canal is a segment
# of its own, last, as in memory.
# row  canal      first-contact resolution
# 0    missing    yes
# 1    telephone  no
# 2    email      yes
# 3    missing    yes
# 4    chat       no
# 5    email      yes
# → chat 0/1, email 2/2, telephone 0/1, missing 2/2
MISSING = pd.DataFrame(
    {
        "contact_id": [f"C{i}" for i in range(6)],
        "customer_id": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
        "started_at": pd.date_range("2026-01-05 09:00", periods=6, freq="h"),
        "canal": [None, "telephone", "email", None, "chat", "email"],
        "resolved_first_contact": pd.array([True, False, True, True, False, True]),
    }
)


def test_a_missing_segment_value_is_a_segment_of_its_own_and_comes_last():
    kw = {"by": ["canal"], "params": {"min_n": 1}}
    memory = engine.compute({"contacts": MISSING}, ["fcr"], **kw)
    got = relational_compute(from_frames({"contacts": MISSING}), ["fcr"], **kw)
    assert list(got["canal"].iloc[:3].astype(str)) == ["chat", "email", "telephone"]
    assert pd.isna(got["canal"].iloc[3]) and pd.isna(memory["canal"].iloc[3])
    assert list(got["value"]) == list(memory["value"]) == [0.0, 100.0, 0.0, 100.0]
    assert list(got["n"]) == list(memory["n"]) == [1, 2, 1, 2]
