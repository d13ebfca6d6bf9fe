"""Loading the engine does not import scipy, statsmodels, python-pptx or vl-convert: they load on
first use (kpis.lazy), so the CLI, the import and the app start without their cost."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "scipy.stats", "statsmodels", "pptx", "vl_convert")


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


def test_first_use_loads_scipy_and_gives_its_numbers():
    code = (
        "from kpis.stats.intervals import wilson_interval\n"
        "lo, hi = wilson_interval(40, 100, conf=0.90)\n"
        "assert abs(lo - 0.3231) < 1e-3 and abs(hi - 0.4822) < 1e-3, (lo, hi)"
    )
    # Wilson by hand: z = 1.6449, centre 0.40263, half-width 0.07956 → [0.3231 ; 0.4822]
    # a 90 % interval needs the normal quantile (1.6449): scipy.stats is loaded then, not before
    assert "scipy.stats" in loaded_after(code)
