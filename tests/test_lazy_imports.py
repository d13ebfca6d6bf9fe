"""Loading the engine does not import scipy, statsmodels, python-pptx or vl-convert: they load on
first use (kpis.lazy), so the CLI, the import and the app start without their cost."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "scipy.special", "scipy.stats", "statsmodels", "pptx", "vl_convert")


def loaded_after(code: str) -> list[str]:
    """The heavy modules present in sys.modules after running ``code`` in a fresh interpreter."""
    report = f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"import sys, json\n{code}\n{report}"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_engine_import_and_rules_load_no_heavy_module():
    code = (
        "import kpis.engine, kpis.io.pipeline, kpis.rules.runner, kpis.compare, kpis.cli\n"
        "import kpis.stats, kpis.deliverables.audit"
    )
    assert loaded_after(code) == []


def test_first_use_loads_scipy_special_and_gives_its_numbers():
    code = (
        "from kpis.stats.intervals import wilson_interval\n"
        "lo, hi = wilson_interval(40, 100, conf=0.90)\n"
        "assert abs(lo - 0.3231) < 1e-3 and abs(hi - 0.4822) < 1e-3, (lo, hi)"
    )
    # Wilson by hand: z = 1.6449, centre 0.40263, half-width 0.07956 → [0.3231 ; 0.4822]
    # a 90 % interval needs the normal quantile (1.6449): scipy.special is loaded then, not before,
    # and not scipy.stats (0.8 s to load, against 0.2 s)
    loaded = loaded_after(code)
    assert "scipy.special" in loaded and "scipy.stats" not in loaded


def test_every_kpi_on_the_sample_needs_no_scipy_stats():
    """The engine's intervals (Wilson, cluster, t, Hall, bootstrap, median order statistics) take
    their quantiles from scipy.special: computing every KPI, overall, by canal and by month,
    loads no scipy.stats (which only the binomial, contingency and one-sample t tests need)."""
    code = (
        "from kpis.engine import compute\n"
        "from kpis.io.sample import load_sample\n"
        "t, _ = load_sample()\n"
        "for kw in ({}, {'by': ['canal']}, {'period': 'month'}):\n"
        "    out = compute(t, **kw)\n"
        "assert len(out) > 0\n"
        "assert out['ci_low'].notna().any()"
    )
    loaded = loaded_after(code)
    assert "scipy.special" in loaded and "scipy.stats" not in loaded, loaded
