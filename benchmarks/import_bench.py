"""Import benchmark: a French CSV export and a Parquet file through Pilote's pipeline, beside
DuckDB reading the same files.

    .venv/bin/python -m benchmarks.import_bench --sizes 100000,1000000,5000000

Pilote's import does more than parse: it detects encoding/separator/date order, validates every
row (reasons, duplicates, scales), normalises channel labels and pseudonymises customer ids.
DuckDB's side only parses the file into a table (typed columns), so the ratio is an upper bound
of what a bare parser costs against the full pipeline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks.sizes import results_per_size

HEADERS = {
    "started_at": "Date du contact",
    "contact_id": "Id contact",
    "customer_id": "Id client",
    "canal": "Canal",
    "motif": "Motif",
    "niveau": "Niveau",
    "agent_id": "Conseiller",
    "provider": "Prestataire",
    "answered": "Décroché",
    "wait_s": "Temps d'attente",
    "talk_s": "Durée de communication",
    "hold_s": "Mise en attente",
    "acw_s": "Post-appel",
    "transferred": "Transfert",
    "resolved_first_contact": "Résolu au premier contact",
}
MAPPING = (
    "table: contacts\ncolumns:\n"
    + "".join(f'  {k}: "{v}"\n' for k, v in HEADERS.items())
    + 'formats:\n  started_at: "%d/%m/%Y %H:%M:%S"\n'
)


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    """The synthetic contacts as a French CSV (';', decimal comma, dd/mm/yyyy, oui/non) and as
    Parquet with the same text columns."""
    import numpy as np
    import pandas as pd

    from benchmarks import synthetic

    c = synthetic.contacts(n)[list(HEADERS)]
    out = pd.DataFrame({"started_at": c["started_at"].dt.strftime("%d/%m/%Y %H:%M:%S")})
    out["contact_id"] = "CT" + c["contact_id"]
    out["customer_id"] = "CLI-" + c["customer_id"].astype("str")
    for col in ("canal", "motif", "niveau", "agent_id", "provider"):
        out[col] = c[col].astype("str")
    for col in ("answered", "transferred", "resolved_first_contact"):
        out[col] = np.where(c[col].isna(), "", np.where(c[col].fillna(False), "oui", "non"))
    for col in ("wait_s", "talk_s", "hold_s", "acw_s"):
        out[col] = c[col].map(lambda v: "" if v != v else f"{v:.1f}".replace(".", ","))
    out = out.rename(columns=HEADERS)
    csv_path = folder / f"contacts_{n}.csv"
    out.to_csv(csv_path, sep=";", index=False, encoding="utf-8")
    pq_path = folder / f"contacts_{n}.parquet"
    out.to_parquet(pq_path, index=False)
    return csv_path, pq_path


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run_size(n: int, repeat: int) -> dict:
    import duckdb

    from kpis.io.mapping import load_mapping
    from kpis.io.pipeline import import_file

    mapping = load_mapping(MAPPING)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, pq_path = write_files(n, Path(tmp))
        res = import_file(csv_path, mapping=mapping)
        assert res.report["rows_used"] == n, res.report["set_aside"]
        pilote_csv = best(lambda: import_file(csv_path, mapping=mapping), repeat)
        pilote_pq = best(lambda: import_file(pq_path, mapping=mapping), repeat)
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        sql_csv = (
            f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{csv_path}', delim=';', "
            "decimal_separator=',', header=true, timestampformat='%d/%m/%Y %H:%M:%S')"
        )
        sql_pq = f"CREATE OR REPLACE TABLE p AS SELECT * FROM read_parquet('{pq_path}')"
        duck_csv = best(lambda: con.execute(sql_csv), repeat)
        duck_pq = best(lambda: con.execute(sql_pq), repeat)
        size_mb = csv_path.stat().st_size / 1e6
    return {
        "n": n,
        "csv_mb": round(size_mb, 1),
        "pilote_csv_s": round(pilote_csv, 2),
        "duckdb_csv_s": round(duck_csv, 2),
        "ratio_csv": round(pilote_csv / duck_csv, 2),
        "pilote_parquet_s": round(pilote_pq, 2),
        "duckdb_parquet_s": round(duck_pq, 2),
        "ratio_parquet": round(pilote_pq / duck_pq, 2),
    }


def main(argv=None) -> int:
    rows = results_per_size(
        argv, __doc__, "benchmarks.import_bench", run_size, "100000,1000000,5000000", 2
    )
    if rows is None:
        return 0
    print(
        "| contacts | CSV MB | Pilote CSV s | DuckDB CSV s | ratio | Pilote Parquet s "
        "| DuckDB Parquet s | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['csv_mb']} | {r['pilote_csv_s']} | {r['duckdb_csv_s']} | "
            f"{r['ratio_csv']} | {r['pilote_parquet_s']} | {r['duckdb_parquet_s']} | "
            f"{r['ratio_parquet']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
