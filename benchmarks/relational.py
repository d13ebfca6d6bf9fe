"""Past memory: a generated export of N contacts loaded into DuckDB and computed there.

    .venv/bin/python -m benchmarks.relational --n 50000000 [--dir /tmp/pilote-bench]

Three steps, each a fresh process under ``/usr/bin/time -v`` (wall time, peak RSS):

1. ``generate``: the benchmarks' synthetic contacts (``benchmarks.synthetic``) and their survey
   answers written as the French exports of ``benchmarks.end_to_end`` (';', decimal comma,
   'dd/mm/yyyy HH:MM:SS', 'oui'/'non'), streamed to disk one block of contacts at a time (never
   the whole export in memory): a year of contacts, block after block in time, customers drawn
   over the whole population (so recontacts cross blocks), contact ids numbered over the file.
2. ``load``: ``pilote load`` of the contacts, then of the surveys, into one DuckDB file (the
   import's checks and pseudonymisation, block by block).
3. ``compute``: the KPI suite through the relational executor on that file (every registered KPI
   overall, by canal × motif × niveau, and by month, as ``benchmarks.end_to_end``).

The export and the database are deleted afterwards unless ``--keep``.

``--step compute --profile`` on a kept base (``--dir`` holding ``pilote_N.duckdb``) also prints,
per grouping, the queries' count and total time and the slowest ones; ``--queries FILE`` writes
every SQL query with its time. ``PILOTE_DUCKDB_MEMORY`` / ``PILOTE_DUCKDB_THREADS`` set the
compute connection's memory limit and threads (``kpis.relational.source.duckdb_config``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BLOCK = 1_000_000
DAYS = 365
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def write_exports(n: int, folder: Path, block: int = BLOCK, days: int = DAYS, seed: int = 0):
    """The contacts and surveys CSV exports of ``n`` contacts, written block by block."""
    from benchmarks import synthetic
    from benchmarks.end_to_end import CONTACT_HEADERS, SURVEY_HEADERS

    folder.mkdir(parents=True, exist_ok=True)
    c_path, s_path = folder / f"contacts_{n}.csv", folder / f"enquetes_{n}.csv"
    k = max(1, math.ceil(n / block))
    span = np.timedelta64(days * 86_400 // k, "s")  # each block covers its slice of the year
    base = np.datetime64("2026-01-01T00:00:00", "ns")
    rng = np.random.default_rng(seed)
    n_agents = max(20, n // 100)
    with open(c_path, "wb") as fc, open(s_path, "wb") as fs:
        for i in range(k):
            size = min(block, n - i * block)
            c = synthetic.contacts(size, seed=seed + 1 + i, days=1)
            # the block's day stretched over its slice of the year, after the blocks before it
            start = c["started_at"].to_numpy()
            moved = base + span * i + ((start - base) * (span / np.timedelta64(1, "D")))
            moved = moved.astype("datetime64[s]").astype("datetime64[ns]")
            c["resolved_at"] = moved + (c["resolved_at"].to_numpy() - start)
            c["started_at"] = moved
            ids = np.arange(i * block, i * block + size).astype(str)
            c["contact_id"] = pd.array(ids, dtype="str")
            c["ticket_id"] = pd.array(np.where(c["ticket_id"].isna(), None, ids), dtype="str")
            c["customer_id"] = pd.array(rng.integers(0, max(n // 4, 1), size), dtype="Int64")
            agents = rng.integers(0, n_agents, size)
            c["agent_id"] = pd.Categorical.from_codes(
                agents, [f"A{j:06d}" for j in range(n_agents)]
            )
            s = synthetic.surveys(c, seed=seed + 10_000 + i)
            _french_block(c, CONTACT_HEADERS, fc, i == 0)
            _french_block(s, SURVEY_HEADERS, fs, i == 0)
    return c_path, s_path


def _french_block(frame: pd.DataFrame, headers: dict, out, header: bool) -> None:
    """One block as ``benchmarks.end_to_end.french_csv`` writes it (';', decimal comma,
    'dd/mm/yyyy HH:MM:SS', 'oui'/'non', CT/CLI- prefixed ids), formatted by Arrow (pandas'
    ``to_csv`` would take most of an hour at 50M rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from benchmarks.end_to_end import BOOLS, DATE_FORMAT

    cols = {}
    for field, name in headers.items():
        col = frame[field]
        if field in BOOLS:
            arr = pa.array(col.astype("boolean"), type=pa.bool_(), from_pandas=True)
            text = pc.if_else(arr, "oui", "non")
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            arr = pa.array(col.astype("datetime64[s]"), from_pandas=True)
            text = pc.strftime(arr, format=DATE_FORMAT)
        elif field in ("contact_id", "ticket_id", "customer_id"):
            arr = pa.array(col.astype("str"), type=pa.string(), from_pandas=True)
            prefix = "CLI-" if field == "customer_id" else "CT"
            text = pc.binary_join_element_wise(prefix, arr, "")
        elif not pd.api.types.is_numeric_dtype(col.dtype):  # categories, labels
            text = pa.array(col.astype(object), type=pa.string(), from_pandas=True)
        else:  # numbers: one decimal, a comma
            arr = pa.array(col.to_numpy(dtype=float), from_pandas=True)
            text = pc.replace_substring(
                pc.cast(pc.round(arr, 1), pa.string()), pattern=".", replacement=","
            )
        cols[name] = text
    table = pa.table(cols)
    if header:
        out.write((";".join(cols) + "\n").encode("utf-8"))
    opts = pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none")
    pacsv.write_csv(table, out, write_options=opts)


def mappings(folder: Path) -> tuple[Path, Path]:
    from benchmarks.end_to_end import CONTACT_HEADERS, SURVEY_HEADERS, mapping_yaml

    c_map, s_map = folder / "contacts.mapping.yaml", folder / "enquetes.mapping.yaml"
    c_map.write_text(
        mapping_yaml("contacts", CONTACT_HEADERS, ("started_at", "resolved_at")), "utf-8"
    )
    s_map.write_text(mapping_yaml("surveys", SURVEY_HEADERS, ("answered_at",)), "utf-8")
    return c_map, s_map


class QueryLog:
    """Every query the DuckDB Ibis backend runs (``execute``, ``to_pyarrow``, ``create_table``
    of a cached view): (seconds, kind, SQL), while the ``with`` block lasts."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str, str]] = []

    def __enter__(self):
        from ibis.backends.duckdb import Backend

        self._saved = {k: getattr(Backend, k) for k in ("execute", "to_pyarrow", "create_table")}
        for kind, fn in self._saved.items():
            setattr(Backend, kind, self._timed(kind, fn))
        return self

    def __exit__(self, *exc) -> None:
        from ibis.backends.duckdb import Backend

        for kind, fn in self._saved.items():
            setattr(Backend, kind, fn)

    def _timed(self, kind, fn):
        def run(backend, expr, *args, **kwargs):
            t = time.perf_counter()
            out = fn(backend, expr, *args, **kwargs)
            took = time.perf_counter() - t
            try:
                sql = str(backend.compile(expr.as_table())) if hasattr(expr, "as_table") else ""
            except Exception:  # noqa: BLE001 - a log line, never a failure
                sql = ""
            self.rows.append((took, kind, sql or f"{kind} {expr!s:.200}"))
            return out

        return run

    def summary(self, top: int = 5) -> dict:
        slow = sorted(self.rows, key=lambda r: -r[0])[:top]
        return {
            "queries": len(self.rows),
            "query_s": round(sum(r[0] for r in self.rows), 1),
            "slowest": [f"{s:.2f}s {k}: {' '.join(q.split())[:160]}" for s, k, q in slow],
        }


def compute_suite(db: Path, profile: bool = False, queries: Path | None = None) -> dict:
    """Every registered KPI, overall / by canal × motif × niveau / by month, on the DuckDB file,
    one ``compute`` call per grouping (the executor batches the KPIs of a table into a few
    queries). Each grouping's time goes to stderr as soon as it is known."""
    from benchmarks.run import GROUPINGS
    from kpis.engine import registry_records
    from kpis.relational.connect import connect
    from kpis.relational.executor import compute

    source = connect(str(db))
    ids = [r["id"] for r in registry_records("en")]
    rows: dict = {"kpis": len(ids)}
    for name, kw in {"overall": {}, **{k: v for k, v in GROUPINGS.items() if v}}.items():
        t, cpu = time.perf_counter(), time.process_time()
        log = QueryLog()
        with log if profile or queries else contextlib.nullcontext():  # logging compiles twice
            result = compute(source, ids, **kw)
        rows[name] = {
            "rows": len(result),
            "ok": int((result["status"] == "ok").sum()),
            "s": round(time.perf_counter() - t, 1),
            "cpu_s": round(time.process_time() - cpu, 1),  # every thread's: steadier when shared
        }
        if profile:
            rows[name].update(log.summary())
        if queries is not None:
            with open(queries, "a", encoding="utf-8") as out:
                for took, kind, sql in log.rows:
                    out.write(f"-- {name}: {took:.3f} s ({kind})\n{sql}\n\n")
        print(json.dumps({name: rows[name]}), file=sys.stderr, flush=True)
    return rows


def executor_available() -> bool:
    """Whether the relational executor (``kpis.relational.executor``) is there."""
    import importlib.util

    return importlib.util.find_spec("kpis.relational.executor") is not None


def timed(args: list[str]) -> dict:
    """One step in a fresh process under ``/usr/bin/time -v``."""
    cmd = ["/usr/bin/time", "-v", sys.executable, *args]
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if out.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    rss = int(_RSS.search(out.stderr).group(1)) / 1024
    try:
        said = json.loads(out.stdout)
    except json.JSONDecodeError:
        said = out.stdout.strip()
    return {"s": round(wall, 1), "peak_rss_mb": round(rss), "out": said}


def run(n: int, folder: Path, block_rows: int, keep: bool = False) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"pilote_{n}.duckdb"
    db.unlink(missing_ok=True)
    steps = {}
    try:
        steps["generate"] = timed(
            [
                "-m",
                "benchmarks.relational",
                "--step",
                "generate",
                "--n",
                str(n),
                "--dir",
                str(folder),
            ]
        )
        c_path, s_path = folder / f"contacts_{n}.csv", folder / f"enquetes_{n}.csv"
        sizes = {"csv_mb": round((c_path.stat().st_size + s_path.stat().st_size) / 1e6)}
        c_map, s_map = mappings(folder)
        for name, path, mp in (("load contacts", c_path, c_map), ("load surveys", s_path, s_map)):
            steps[name] = timed(
                ["-m", "kpis", "--lang", "en", "load", str(path), "--mapping", str(mp),
                 "--db", str(db), "--block-rows", str(block_rows), "--format", "json"]
            )  # fmt: skip
        sizes["duckdb_mb"] = round(db.stat().st_size / 1e6)
        if executor_available():
            cmd = ["-m", "benchmarks.relational", "--step", "compute", "--n", str(n)]
            steps["compute"] = timed([*cmd, "--dir", str(folder)])
    finally:
        if not keep:
            for p in folder.glob(f"*_{n}.*"):
                p.unlink()
            shutil.rmtree(folder / f"pilote_{n}.duckdb.tmp", ignore_errors=True)
    return {"n": n, "block_rows": block_rows, **sizes, "steps": steps}


def table(result: dict) -> str:
    lines = ["| step | wall s | peak RSS MB |", "|---|---:|---:|"]
    for name, st in result["steps"].items():
        lines.append(f"| {name} | {st['s']} | {st['peak_rss_mb']:,} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="benchmarks.relational", description=__doc__)
    p.add_argument("--n", type=int, default=50_000_000)
    p.add_argument("--dir", default="/tmp/pilote-bench-relational")
    p.add_argument("--block-rows", type=int, default=500_000, dest="block_rows")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--step", choices=["generate", "compute"], help=argparse.SUPPRESS)
    p.add_argument("--profile", action="store_true", help="compute: slowest queries")
    p.add_argument("--queries", help="compute: write every SQL query and its time here")
    args = p.parse_args(argv)
    folder = Path(args.dir)
    if args.step == "generate":
        write_exports(args.n, folder)
        return 0
    if args.step == "compute":
        db = folder / f"pilote_{args.n}.duckdb"
        queries = Path(args.queries) if args.queries else None
        print(json.dumps(compute_suite(db, args.profile, queries)))
        return 0
    result = run(args.n, folder, args.block_rows, args.keep)
    print(json.dumps(result, indent=2))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
