"""Import benchmark: a French CSV export and a Parquet file through Pilote's pipeline, beside
Polars and DuckDB reading the same files (each when installed: the ``bench`` extra).

    .venv/bin/python -m benchmarks.import_bench --sizes 100000,1000000,5000000

Pilote's import does more than parse: it detects encoding/separator/date order, validates every
row (reasons, duplicates, scales), normalises channel labels and pseudonymises customer ids.
Polars' and DuckDB's sides only parse the file into a table (typed columns: decimal comma, the
date format, 'oui'/'non' to booleans), so the ratio is an upper bound of what a bare parser
costs against the full pipeline.
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


def polars_csv(csv_path: Path):
    """Polars' idiomatic read of the French export: typed dates and booleans."""
    import polars as pl

    df = pl.read_csv(csv_path, separator=";", decimal_comma=True)
    date = HEADERS["started_at"]
    bools = [HEADERS[k] for k in ("answered", "transferred", "resolved_first_contact")]
    return df.with_columns(
        pl.col(date).str.to_datetime("%d/%m/%Y %H:%M:%S"), *[pl.col(b) == "oui" for b in bools]
    )


def run_size(n: int, repeat: int) -> dict:
    import importlib.util

    from kpis.io.mapping import load_mapping
    from kpis.io.pipeline import import_file

    mapping = load_mapping(MAPPING)
    out: dict = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, pq_path = write_files(n, Path(tmp))
        res = import_file(csv_path, mapping=mapping)
        assert res.report["rows_used"] == n, res.report["set_aside"]
        out["csv_mb"] = round(csv_path.stat().st_size / 1e6, 1)
        out["pilote_csv_s"] = best(lambda: import_file(csv_path, mapping=mapping), repeat)
        out["pilote_parquet_s"] = best(lambda: import_file(pq_path, mapping=mapping), repeat)
        if importlib.util.find_spec("polars"):
            import polars as pl

            out["polars_csv_s"] = best(lambda: polars_csv(csv_path), repeat)
            out["polars_parquet_s"] = best(lambda: pl.read_parquet(pq_path), repeat)
        if importlib.util.find_spec("duckdb"):
            import duckdb

            con = duckdb.connect()
            con.execute("SET threads TO 2")
            sql_csv = (
                f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{csv_path}', delim=';', "
                "decimal_separator=',', header=true, timestampformat='%d/%m/%Y %H:%M:%S')"
            )
            sql_pq = f"CREATE OR REPLACE TABLE p AS SELECT * FROM read_parquet('{pq_path}')"
            out["duckdb_csv_s"] = best(lambda: con.execute(sql_csv), repeat)
            out["duckdb_parquet_s"] = best(lambda: con.execute(sql_pq), repeat)
    for kind in ("csv", "parquet"):
        for other in ("polars", "duckdb"):
            if f"{other}_{kind}_s" in out:
                ratio = out[f"pilote_{kind}_s"] / out[f"{other}_{kind}_s"]
                out[f"ratio_{kind}_vs_{other}"] = round(ratio, 2)
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def main(argv=None) -> int:
    rows = results_per_size(
        argv, __doc__, "benchmarks.import_bench", run_size, "100000,1000000,5000000", 2
    )
    if rows is None:
        return 0
    cols = ["n", "csv_mb"] + [
        f"{e}_{k}_s" for k in ("csv", "parquet") for e in ("pilote", "polars", "duckdb")
    ]
    cols += [f"ratio_{k}_vs_{e}" for k in ("csv", "parquet") for e in ("polars", "duckdb")]
    cols = [c for c in cols if any(c in r for r in rows)]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---:|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
