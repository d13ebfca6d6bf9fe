"""End to end: French CSV exports → every KPI, Pilote beside DuckDB.

    .venv/bin/python -m benchmarks.end_to_end [--sizes 1000000,5000000] [--repeat 2]

The files: the synthetic contacts (every field the suite reads) and their survey answers written
as a French export — ';', decimal comma, 'dd/mm/yyyy HH:MM:SS', 'oui'/'non', French headers.

- Pilote: ``import_file`` on both files (detection, parsing, validation of every row with
  reasons, duplicate ids, channel labels, keyed-hash pseudonymisation of customer ids), then the
  full suite: every registered KPI overall, by canal × motif × niveau and by month (recontact
  flags computed once inside).
- DuckDB: ``read_csv`` of both files into native tables (typed columns, 'oui'/'non' to booleans,
  customer ids hashed to integers as Pilote's pseudonyms are),
  then the same suite in SQL as ``benchmarks.run`` (recontact flags materialised once, then one
  aggregate query per grouping for contacts, one for the motif shares, one for surveys).

Reported: best of ``--repeat`` for each side, the split import / suite, and the ratio. Each size
runs in its own subprocess. DuckDB is a benchmark-only dependency.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

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


def french_csv(frame: pd.DataFrame, headers: dict, path: Path) -> None:
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
    out.to_csv(path, sep=";", decimal=",", date_format=DATE_FORMAT, index=False)


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    from benchmarks import synthetic

    contacts = synthetic.contacts(n)
    surveys = synthetic.surveys(contacts)
    c_path, s_path = folder / f"contacts_{n}.csv", folder / f"enquetes_{n}.csv"
    french_csv(contacts, CONTACT_HEADERS, c_path)
    french_csv(surveys, SURVEY_HEADERS, s_path)
    return c_path, s_path


def pilote_run(c_path: Path, s_path: Path, c_map, s_map) -> tuple[float, float, dict]:
    from benchmarks.run import GROUPINGS
    from kpis import recontact
    from kpis.engine import compute
    from kpis.io.pipeline import combine, import_file

    t0 = time.perf_counter()
    results = [import_file(c_path, mapping=c_map), import_file(s_path, mapping=s_map)]
    tables = combine(results)
    t1 = time.perf_counter()
    recontact.clear_cache()
    for kw in GROUPINGS.values():
        compute(tables, **kw)
    t2 = time.perf_counter()
    used = {r.table: r.report["rows_used"] for r in results}
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


def run_size(n: int, repeat: int) -> dict:
    import duckdb

    from benchmarks.run import duckdb_check, duckdb_check_ids
    from kpis.engine import compute
    from kpis.io.mapping import load_mapping

    c_map = load_mapping(mapping_yaml("contacts", CONTACT_HEADERS, ("started_at", "resolved_at")))
    s_map = load_mapping(mapping_yaml("surveys", SURVEY_HEADERS, ("answered_at",)))
    with tempfile.TemporaryDirectory() as tmp:
        c_path, s_path = write_files(n, Path(tmp))
        pil = []
        for _ in range(repeat):
            imp, suite, (used, tables) = pilote_run(c_path, s_path, c_map, s_map)
            pil.append((imp + suite, imp, suite))
        assert used["contacts"] == n, used
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        duck = []
        for _ in range(repeat):
            imp, suite = duckdb_run(con, c_path, s_path)
            duck.append((imp + suite, imp, suite))
        check = duckdb_check(con, compute(tables, list(duckdb_check_ids())))
        sizes = round((c_path.stat().st_size + s_path.stat().st_size) / 1e6, 1)
    p, d = min(pil), min(duck)
    return {
        "n": n,
        "csv_mb": sizes,
        "pilote_s": {"total": round(p[0], 2), "import": round(p[1], 2), "suite": round(p[2], 2)},
        "duckdb_s": {"total": round(d[0], 2), "import": round(d[1], 2), "suite": round(d[2], 2)},
        "ratio": round(p[0] / d[0], 2),
        "same_figures_as_duckdb": check,
    }


def main(argv=None) -> int:
    rows = results_per_size(
        argv, __doc__, "benchmarks.end_to_end", run_size, "100000,1000000,5000000", 2
    )
    if rows is None:
        return 0
    print(
        "| contacts | CSV MB | Pilote import s | Pilote suite s | Pilote total s "
        "| DuckDB import s | DuckDB suite s | DuckDB total s | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p, d = r["pilote_s"], r["duckdb_s"]
        print(
            f"| {r['n']:,} | {r['csv_mb']} | {p['import']} | {p['suite']} | {p['total']} | "
            f"{d['import']} | {d['suite']} | {d['total']} | {r['ratio']} |"
        )
    for r in rows:
        same = r["same_figures_as_duckdb"]
        print(f"{r['n']:,}: same figures as DuckDB: {all(same.values())} {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
