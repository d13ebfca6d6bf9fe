"""End to end: French CSV exports → every KPI, Pilote beside Polars and DuckDB.

    .venv/bin/python -m benchmarks.end_to_end [--sizes 1000000,5000000] [--repeat 3]

The files: the synthetic contacts (every field the suite reads, 20 columns, high-cardinality
agent and customer columns) and their survey answers written as a French export — ';', decimal
comma, 'dd/mm/yyyy HH:MM:SS', 'oui'/'non', French headers.

- Pilote: ``import_file`` on both files (detection, parsing, validation of every row with
  reasons, duplicate ids, channel labels, keyed-hash pseudonymisation of customer ids), then the
  full suite: every registered KPI overall, by canal × motif × niveau and by month (recontact
  flags computed once inside).
- Polars (``benchmarks.polars_suite``): ``pl.read_csv`` with the French options, then the same
  suite as expressions (recontact flags by a window, one aggregation per grouping).
- Polars with checks (``benchmarks.polars_checked``): the read with a subset of the checks
  Pilote's import makes (every column as text, then each cell typed and checked, rows set aside
  with a reason), then the same Polars suite on the rows kept: a lower bound of a validated
  import written in Polars. The ratios' "faster engine" is the faster of Polars' and DuckDB's
  fastest pipelines, not this one.
- DuckDB: ``read_csv`` of both files into native tables (typed columns, 'oui'/'non' to booleans,
  customer ids hashed to integers as Pilote's pseudonyms are),
  then the same suite in SQL as ``benchmarks.run`` (recontact flags materialised once, then one
  aggregate query per grouping for contacts, one for the motif shares, one for surveys).

Each engine's process imports only what its own pipeline needs (the Polars process loads neither
pandas nor NumPy through this harness). Each run is a fresh process under ``/usr/bin/time -v``
(whole process = wall time of that process, imports included; peak RSS = its maximum resident set
size); the engines alternate within each of ``--repeat`` rounds (the order rotates), and the table
reports medians and the ratios of the medians from the same run. Polars and DuckDB use 2 threads.
With the environment variable ``BENCH_DATA_DIR`` set, the files are written there once and reused.
Polars and DuckDB are benchmark-only dependencies (the ``bench`` extra)."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.import_bench import HEADERS as IMPORT_HEADERS
from benchmarks.sizes import results_per_size

CONTACT_HEADERS = {  # the 15 columns of the import benchmark, plus the ticket/outcome fields
    **IMPORT_HEADERS,
    "ticket_id": "Id ticket",
    "resolved_at": "Date de résolution",
    "converted": "Vente",
    "selfcare_redirected": "Redirigé selfcare",
    "avoidable": "Évitable",
}
SURVEY_HEADERS = {
    "answered_at": "Date de réponse",
    "contact_id": "Id contact",
    "canal": "Canal",
    "motif": "Motif",
    "provider": "Prestataire",
    "csat_score": "Note satisfaction",
    "nps_score": "Note recommandation",
    "ces_score": "Note effort",
    "resolved_declared": "Résolu (déclaratif)",
}
DATE_FORMAT = "%d/%m/%Y %H:%M:%S"
BOOLS = {
    "answered",
    "transferred",
    "resolved_first_contact",
    "converted",
    "selfcare_redirected",
    "avoidable",
    "resolved_declared",
}


def mapping_yaml(table: str, headers: dict, dates: tuple[str, ...]) -> str:
    cols = "".join(f'  {k}: "{v}"\n' for k, v in headers.items())
    fmts = "".join(f'  {d}: "{DATE_FORMAT}"\n' for d in dates)
    return f"table: {table}\ncolumns:\n{cols}formats:\n{fmts}"


def french_csv(frame, headers: dict, path, with_header: bool = True) -> None:
    """The frame as a French export at ``path`` (a path, or an open text file to append to:
    ``with_header=False`` for the blocks after the first)."""
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for field, header in headers.items():
        col = frame[field]
        if field in BOOLS:
            out[header] = np.where(col.isna(), "", np.where(col.fillna(False), "oui", "non"))
        elif field == "customer_id":
            out[header] = "CLI-" + col.astype("str")
        elif field in ("contact_id", "ticket_id"):
            out[header] = np.where(col.isna(), "", "CT" + col.fillna("").astype("str"))
        else:
            out[header] = col
    out.to_csv(path, sep=";", decimal=",", date_format=DATE_FORMAT, index=False, header=with_header)


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    """The two French exports of ``n`` contacts in ``folder`` (reused when ``folder`` already
    holds them: the files are the same for a given ``n``, seeded)."""
    import numpy as np
    import pandas as pd

    from benchmarks import synthetic

    c_path, s_path = folder / f"contacts_{n}.csv", folder / f"enquetes_{n}.csv"
    if c_path.exists() and s_path.exists():
        return c_path, s_path
    contacts = synthetic.contacts(n)
    n_agents = max(20, n // 100)  # high-cardinality: 10,000 agents per million contacts
    agents = np.random.default_rng(2).integers(0, n_agents, n)
    contacts["agent_id"] = pd.Categorical.from_codes(agents, [f"A{i:06d}" for i in range(n_agents)])
    surveys = synthetic.surveys(contacts)
    for frame, headers, path in (
        (contacts, CONTACT_HEADERS, c_path),
        (surveys, SURVEY_HEADERS, s_path),
    ):
        part = path.with_suffix(".part")  # a file cut short is never reused
        french_csv(frame, headers, part)
        part.rename(path)
    return c_path, s_path


def pilote_run(c_path: Path, s_path: Path, c_map, s_map) -> tuple[float, float, dict]:
    from benchmarks.run import GROUPINGS
    from kpis import recontact
    from kpis.engine import compute
    from kpis.io.columns import release_memory
    from kpis.io.pipeline import combine, import_file

    t0 = time.perf_counter()
    results = [import_file(c_path, mapping=c_map), import_file(s_path, mapping=s_map)]
    tables = combine(results)
    used = {r.table: r.report["rows_used"] for r in results}
    del results  # the source cells and set-aside rows are not needed by the suite
    release_memory()  # ... and the memory they held goes back to the system
    t1 = time.perf_counter()
    recontact.clear_cache()
    for kw in GROUPINGS.values():
        compute(tables, **kw)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, (used, tables)


def _bool(header: str) -> str:
    return f"""CASE "{header}" WHEN 'oui' THEN true WHEN 'non' THEN false END"""


def duckdb_run(con, c_path: Path, s_path: Path) -> tuple[float, float]:
    from benchmarks.run import GROUPINGS, duckdb_flags, duckdb_suite

    def select(headers: dict) -> str:
        cols = []
        for field, header in headers.items():
            expr = _bool(header) if field in BOOLS else f'"{header}"'
            if field == "customer_id":  # an integer key, as Pilote's pseudonym
                expr = f'hash("{header}")'
            cols.append(f"{expr} AS {field}")
        return ", ".join(cols)

    def read(path: Path) -> str:
        return (
            f"read_csv('{path}', delim=';', decimal_separator=',', header=true, "
            f"timestampformat='{DATE_FORMAT}', all_varchar=false)"
        )

    t0 = time.perf_counter()
    con.execute(
        f"CREATE OR REPLACE TABLE contacts_df AS SELECT row_number() OVER () + 1 AS _row, "
        f"{select(CONTACT_HEADERS)} FROM {read(c_path)}"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE surveys_df AS SELECT {select(SURVEY_HEADERS)} FROM {read(s_path)}"
    )
    t1 = time.perf_counter()
    duckdb_flags(con)
    for g in GROUPINGS.values():
        duckdb_suite(con, g)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def polars_run(c_path: Path, s_path: Path, checked: bool = False) -> tuple[float, float, int]:
    """Polars' fastest read (nothing checked), or with ``checked`` the read with a subset of
    Pilote's checks (``benchmarks.polars_checked``); then the same Polars suite."""
    from benchmarks import polars_suite as ps
    from benchmarks.groupings import GROUPINGS

    t0 = time.perf_counter()
    if checked:
        from benchmarks.polars_checked import read_checked

        contact_dates = ("started_at", "resolved_at")
        c = read_checked(c_path, CONTACT_HEADERS, BOOLS, contact_dates, DATE_FORMAT, "contacts")[0]
        s = read_checked(s_path, SURVEY_HEADERS, BOOLS, ("answered_at",), DATE_FORMAT, "surveys")[0]
    else:
        c = ps.read_french_csv(
            c_path, CONTACT_HEADERS, BOOLS, ("started_at", "resolved_at"), DATE_FORMAT
        )
        s = ps.read_french_csv(s_path, SURVEY_HEADERS, BOOLS, ("answered_at",), DATE_FORMAT)
    t1 = time.perf_counter()
    c, last = ps.flags(c)
    for g in GROUPINGS.values():
        ps.suite(c, s, last, g)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(c)


def one_engine(engine: str, c_path: Path, s_path: Path) -> dict:
    """Inside a fresh process: import and suite of one engine (seconds, rows read)."""
    if engine == "pilote":
        from kpis.io.mapping import load_mapping

        c_map = load_mapping(
            mapping_yaml("contacts", CONTACT_HEADERS, ("started_at", "resolved_at"))
        )
        s_map = load_mapping(mapping_yaml("surveys", SURVEY_HEADERS, ("answered_at",)))
        imp, suite, (used, _tables) = pilote_run(c_path, s_path, c_map, s_map)
        rows = used["contacts"]
    elif engine == "polars":
        imp, suite, rows = polars_run(c_path, s_path)
    elif engine == "polars_checked":
        imp, suite, rows = polars_run(c_path, s_path, checked=True)
    else:
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads TO 2")
        imp, suite = duckdb_run(con, c_path, s_path)
        rows = con.execute("SELECT count(*) FROM contacts_df").fetchone()[0]
    return {"import": imp, "suite": suite, "rows": rows}


ENGINES = ("pilote", "polars", "duckdb", "polars_checked")
PEERS = ("polars", "duckdb")  # the "faster engine" of the ratios: their fastest pipelines


def available_engines() -> tuple[str, ...]:
    """Pilote and whichever of Polars and DuckDB is installed (the ``bench`` extra)."""
    import importlib.util

    return tuple(e for e in ENGINES if e == "pilote" or importlib.util.find_spec(e.split("_")[0]))


_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def timed_process(engine: str, c_path: Path, s_path: Path) -> dict:
    """One fresh process under ``/usr/bin/time -v``: its import/suite split, wall time, peak RSS."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "benchmarks.end_to_end"]
    cmd += ["--engine", engine, str(c_path), str(s_path)]
    env = {**os.environ, "POLARS_MAX_THREADS": "2"}
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - t
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process"] = wall
    res["rss_mb"] = int(_RSS.search(out.stderr).group(1)) / 1024
    return res


def run_size(n: int, repeat: int) -> dict:
    engines = available_engines()
    k = len(engines)
    keep = os.environ.get("BENCH_DATA_DIR")  # a folder to keep (and reuse) the files in
    with tempfile.TemporaryDirectory() as tmp:
        c_path, s_path = write_files(n, Path(keep or tmp))
        runs: dict[str, list[dict]] = {e: [] for e in engines}
        for r in range(repeat):
            order = engines[r % k :] + engines[: r % k]  # alternate who goes first
            for engine in order:
                res = timed_process(engine, c_path, s_path)
                assert res["rows"] == n, (engine, res)
                runs[engine].append(res)
        sizes = round((c_path.stat().st_size + s_path.stat().st_size) / 1e6, 1)
    med = {
        e: {
            k: round(statistics.median(x[k] for x in rs), 2)
            for k in ("import", "suite", "process", "rss_mb")
        }
        for e, rs in runs.items()
    }
    others = [e for e in engines if e != "pilote"]
    ratios = {}
    for key in ("import", "suite", "process", "rss_mb"):
        ratios[key] = {f"vs_{e}": round(med["pilote"][key] / med[e][key], 2) for e in others}
        peers = [e for e in others if e in PEERS]
        if peers:
            best = min(med[e][key] for e in peers)
            ratios[key]["vs_faster"] = round(med["pilote"][key] / best, 2)
    return {"n": n, "csv_mb": sizes, "rounds": repeat, "median": med, "ratio": ratios}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--engine"]:  # one fresh measured process
        print(json.dumps(one_engine(argv[1], Path(argv[2]), Path(argv[3]))))
        return 0
    rows = results_per_size(argv, __doc__, "benchmarks.end_to_end", run_size, "1000000", 3)
    if rows is None:
        return 0
    print(
        "| contacts | engine | import s | suite s | whole process s | peak RSS MB |\n"
        "|---:|---|---:|---:|---:|---:|"
    )
    for r in rows:
        for e, m in r["median"].items():
            print(
                f"| {r['n']:,} | {e} | {m['import']} | {m['suite']} | {m['process']} "
                f"| {m['rss_mb']:.0f} |"
            )
    print("\n| contacts | Pilote ÷ | import | suite | whole process | peak RSS |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        q = r["ratio"]
        for other in q["import"]:
            print(
                f"| {r['n']:,} | {other[3:]} | {q['import'][other]} | {q['suite'][other]} "
                f"| {q['process'][other]} | {q['rss_mb'][other]} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
