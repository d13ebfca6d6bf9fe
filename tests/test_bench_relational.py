"""The relational benchmark at a small N (no time asserted): the export is written block by
block and is what the generator says (every contact once, ids over the whole file, times in
order across blocks), and every step runs in its own measured process."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks import relational as bench
from kpis.relational.load import load_csv

N = 20_000


def test_export_streamed_in_blocks(tmp_path):
    c_path, s_path = bench.write_exports(N, tmp_path, block=7_000)
    with open(c_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == N and header[0] == "Date du contact"
    assert "Date du contact" not in [r[0] for r in body]  # the header written once
    ids = [r[header.index("Id contact")] for r in body]
    assert ids[0] == "CT0" and ids[-1] == f"CT{N - 1}" and len(set(ids)) == N
    days = [r[0][6:10] + r[0][3:5] + r[0][0:2] + r[0][11:] for r in body]
    assert days == sorted(days)  # blocks follow each other in time
    assert days[0].startswith("20260101") and days[-1] < "20270101"
    # customers drawn over the whole population: some come back in another block
    cust = [r[header.index("Id client")] for r in body]
    assert set(cust[:7_000]) & set(cust[14_000:])
    db = tmp_path / "b.duckdb"
    c_map, s_map = bench.mappings(tmp_path)
    rep = load_csv(c_path, db, mapping=str(c_map), block_rows=5_000)
    assert (rep.rows_in, rep.rows_used, rep.rows_set_aside, rep.blocks) == (N, N, 0, 4)
    rep = load_csv(s_path, db, mapping=str(s_map), block_rows=5_000)
    assert rep.table == "surveys" and rep.rows_used == rep.rows_in > 0


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="/usr/bin/time absent")
def test_benchmark_runs_each_step(tmp_path):
    res = bench.run(N, tmp_path / "b", block_rows=8_000)
    steps = res["steps"]
    want = ["generate", "load contacts", "load surveys"]
    want += ["compute"] if bench.executor_available() else []
    assert list(steps) == want
    assert all(s["peak_rss_mb"] > 0 and s["s"] > 0 for s in steps.values())
    load = steps["load contacts"]["out"]["load"]
    assert (load["rows_in"], load["rows_used"], load["blocks"]) == (N, N, 3)
    assert res["csv_mb"] > 0 and res["duckdb_mb"] > 0
    assert not list((tmp_path / "b").glob(f"*_{N}.*"))  # files deleted afterwards
