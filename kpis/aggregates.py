"""KPIs from per-period aggregates (the ``periods`` table: one row per period of an ACD report).

Some exports carry no call rows, only totals and averages per period. Rates are then ratios of
summed counts (a Wilson interval still holds: each call is one trial); averages are weighted by
the calls they average over — ASA and talk time by answered calls, waiting time and service level
by offered calls — never a plain mean of the period averages. Without per-call values there is no
spread, so averages get no confidence interval, and the detail says so.

    answer_rate   = Σ answered_n ÷ Σ offered_n × 100
    abandon_rate  = Σ abandoned_n ÷ Σ offered_n × 100   (abandoned_n = offered_n − answered_n
                                                          when the column is absent)
    service_level = Σ (service_level_pct × offered_n) ÷ Σ offered_n   (estimated count)
    asa           = Σ (asa_s × answered_n) ÷ Σ answered_n
    dmc           = Σ (talk_avg_s × answered_n) ÷ Σ answered_n
    avg_wait      = Σ (wait_avg_s × offered_n) ÷ Σ offered_n
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpis.stats import wilson_interval


def wilson(k: float, n: float) -> tuple[float, float]:
    lo, hi = wilson_interval(k, n)
    return float(lo), float(hi)


NO_SPREAD = "aggregated input: no per-call spread, so no interval"
SUPPORTED = (
    "offered",
    "handled",
    "abandoned",
    "answer_rate",
    "abandon_rate",
    "service_level",
    "asa",
    "dmc",
    "avg_wait",
)
UNITS = {
    "offered": "count",
    "handled": "count",
    "abandoned": "count",
    "answer_rate": "%",
    "abandon_rate": "%",
    "service_level": "%",
    "asa": "s",
    "dmc": "s",
    "avg_wait": "s",
}

# what each count runs over: the export's offered (or answered) calls
POPULATION = {k: "acd_offered" for k in SUPPORTED} | {"asa": "acd_answered", "dmc": "acd_answered"}


def _row(kpi, value, num, den, ci=(np.nan, np.nan), status="ok", detail=""):
    return {
        "kpi": kpi,
        "value": value,
        "numerator": num,
        "denominator": den,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "n": den if den == den else num,
        "unit": UNITS.get(kpi, ""),
        "status": status,
        "low_sample": False,
        "detail": detail,
        "population_id": POPULATION.get(kpi, ""),
        "median": np.nan,
        "median_ci_low": np.nan,
        "median_ci_high": np.nan,
    }


def _not_computable(kpi: str, detail: str) -> dict:
    return _row(kpi, np.nan, np.nan, np.nan, status="not_computable", detail=detail)


def compute_from_periods(
    periods: pd.DataFrame,
    kpi_ids: Sequence[str],
    by: Sequence[str] = (),
    period: str | None = None,
    filters: Mapping | None = None,
) -> pd.DataFrame:
    """The ``compute`` result shape for KPIs that per-period aggregates support."""
    blockers = []
    if by:
        blockers.append(f"segments {list(by)} are not in per-period aggregates")
    if period:
        blockers.append("per-period aggregates are not split by period here")
    if filters:
        blockers.append(f"filters on {list(filters)} cannot apply to per-period aggregates")
    f = periods
    cols = set(f.columns)
    offered = f["offered_n"].sum() if "offered_n" in cols else np.nan
    answered = f["answered_n"].sum() if "answered_n" in cols else np.nan
    if "abandoned_n" in cols:
        abandoned = f["abandoned_n"].sum()
    else:
        abandoned = offered - answered
    rows = []
    for kpi in kpi_ids:
        if blockers:
            rows.append(_not_computable(kpi, "; ".join(blockers)))
            continue
        if kpi not in SUPPORTED:
            rows.append(_not_computable(kpi, "needs contacts (per-period aggregates only)"))
            continue
        rows.append(_one(kpi, f, cols, offered, answered, abandoned))
    return pd.DataFrame(rows)


def _weighted(f, cols, value_col, weight, kpi, what):
    if value_col not in cols or not np.isfinite(weight) or weight <= 0:
        return _not_computable(kpi, f"needs periods.{value_col} and a count to weight it")
    w = f["answered_n"] if what == "answered" else f["offered_n"]
    ok = f[value_col].notna() & w.notna()
    total = float((f.loc[ok, value_col] * w[ok]).sum())
    den = float(w[ok].sum())
    return _row(
        kpi,
        total / den,
        total,
        den,
        detail=f"mean of {value_col} weighted by {what} calls; {NO_SPREAD}",
    )


def _one(kpi, f, cols, offered, answered, abandoned) -> dict:
    if kpi in ("offered", "handled", "abandoned"):
        count = {"offered": offered, "handled": answered, "abandoned": abandoned}[kpi]
        if not np.isfinite(count):
            return _not_computable(kpi, "needs periods.offered_n / answered_n")
        return _row(kpi, float(count), float(count), np.nan, detail="sum over periods")
    if kpi in ("answer_rate", "abandon_rate"):
        num = answered if kpi == "answer_rate" else abandoned
        if not (np.isfinite(num) and np.isfinite(offered)) or offered <= 0:
            return _not_computable(kpi, "needs periods.offered_n and answered_n")
        detail = "sum of counts over periods"
        if (
            kpi == "abandon_rate"
            and "abandoned_n" in cols
            and abs(answered + abandoned - offered) > 0
        ):
            detail += "; answered + abandoned ≠ offered (overflow or callbacks?)"
        lo, hi = wilson(float(num), float(offered))
        return _row(
            kpi,
            100 * num / offered,
            float(num),
            float(offered),
            (100 * lo, 100 * hi),
            detail=detail,
        )
    if kpi == "service_level":
        if "service_level_pct" not in cols or not np.isfinite(offered):
            return _not_computable(kpi, "needs periods.service_level_pct and offered_n")
        ok = f["service_level_pct"].notna() & f["offered_n"].notna()
        num = float((f.loc[ok, "service_level_pct"] * f.loc[ok, "offered_n"]).sum() / 100)
        den = float(f.loc[ok, "offered_n"].sum())
        lo, hi = wilson(round(num), den)
        return _row(
            kpi,
            100 * num / den,
            num,
            den,
            (100 * lo, 100 * hi),
            detail="period service levels weighted by offered calls (estimated count; "
            "the export does not say whether its base is offered or answered)",
        )
    if kpi == "asa":
        return _weighted(f, cols, "asa_s", answered, kpi, "answered")
    if kpi == "dmc":
        return _weighted(f, cols, "talk_avg_s", answered, kpi, "answered")
    return _weighted(f, cols, "wait_avg_s", offered, kpi, "offered")  # avg_wait
