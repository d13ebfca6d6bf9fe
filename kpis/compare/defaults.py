"""The one default of the provider comparison, shared by the page, the CLI and the deliverables:
the KPI set, its weights and the strata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kpis.compare.cells import default_strata

# Measured FCR rather than declared (``default_kpis`` falls back to declared FCR without it).
DEFAULT_KPIS = (
    "fcr_measured",
    "recontact_rate",
    "csat",
    "dmt",
    "service_level",
    "transfer_rate",
)


def default_kpis(tables: Mapping[str, pd.DataFrame], params: Mapping | None = None) -> list[str]:
    """``DEFAULT_KPIS`` the tables can compute; declared FCR stands in for measured FCR only
    when the measured one is not computable."""
    from kpis.engine import compute

    wanted = [*DEFAULT_KPIS, "fcr"]
    res = compute(tables, wanted, params=params)
    ok = set(res.loc[res["status"] != "not_computable", "kpi"])
    out = [k for k in DEFAULT_KPIS if k in ok]
    if "fcr_measured" not in ok and "fcr" in ok:
        out.insert(0, "fcr")
    return out


def default_weights(kpis: Sequence[str] = DEFAULT_KPIS) -> dict[str, float]:
    """Equal weights (1) on each KPI."""
    return {k: 1.0 for k in kpis}


__all__ = ["DEFAULT_KPIS", "default_kpis", "default_strata", "default_weights"]
