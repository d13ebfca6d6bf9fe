"""Pilote only (no DuckDB): the suite and the re-filter of ``benchmarks.run``, median of 3.

    python -m benchmarks.suite_time [n]      # default 1,000,000 contacts

Prints wall and CPU seconds (CPU time moves less when other processes share the machine).
"""

import sys, time
from benchmarks import synthetic
from benchmarks.run import GROUPINGS, REFILTER
from kpis import recontact
from kpis.engine import compute

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
c = synthetic.contacts(n)
s = synthetic.surveys(c)
tables = {"contacts": c, "surveys": s}
small = synthetic.contacts(2000)
st = {"contacts": small, "surveys": synthetic.surveys(small)}
for kw in GROUPINGS.values():
    compute(st, **kw)


def timed(f):
    w, p = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - w, time.process_time() - p


def suite():
    recontact.clear_cache()
    for kw in GROUPINGS.values():
        compute(tables, **kw)


S = sorted(timed(suite) for _ in range(3))
R = sorted(timed(lambda: compute(tables, filters=REFILTER)) for _ in range(3))
med = lambda xs, i: sorted(x[i] for x in xs)[1]
print(
    f"RESULT suite_wall {med(S, 0):.3f} suite_cpu {med(S, 1):.3f} refilter_wall {med(R, 0) * 1000:.0f} refilter_cpu {med(R, 1) * 1000:.0f}"
)
