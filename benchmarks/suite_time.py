"""Pilote only (no DuckDB): the suite and the re-filter of ``benchmarks.run``, median of 3.

    python -m benchmarks.suite_time [n]      # default 1,000,000 contacts

Prints wall and CPU seconds (CPU time moves less when other processes share the machine).
"""

from __future__ import annotations

import sys
import time

from benchmarks import synthetic
from benchmarks.run import GROUPINGS, REFILTER
from kpis import recontact
from kpis.engine import compute


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def median_of(runs: list[tuple[float, float]], i: int) -> float:
    return sorted(r[i] for r in runs)[len(runs) // 2]


def main(n: int) -> None:
    c = synthetic.contacts(n)
    tables = {"contacts": c, "surveys": synthetic.surveys(c)}
    small = synthetic.contacts(2000)
    for kw in GROUPINGS.values():  # warm-up: imports and first calls
        compute({"contacts": small, "surveys": synthetic.surveys(small)}, **kw)

    def suite():
        recontact.clear_cache()
        for kw in GROUPINGS.values():
            compute(tables, **kw)

    s = [timed(suite) for _ in range(3)]
    r = [timed(lambda: compute(tables, filters=REFILTER)) for _ in range(3)]
    print(
        f"RESULT n={n} suite_wall {median_of(s, 0):.3f} suite_cpu {median_of(s, 1):.3f} "
        f"refilter_wall {median_of(r, 0) * 1000:.0f} refilter_cpu {median_of(r, 1) * 1000:.0f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
