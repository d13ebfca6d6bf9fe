"""Business outcomes (KPI_REFERENCE.md section 6), from the ``customer_base`` period input.

``customer_base``: ``period_start, period_end, start, new, lost, end, renewals_due, renewed`` (one
row per period). Over several periods in one segment: start = the first period's start, end =
the last period's end, and the flows (new, lost, renewals_due, renewed) are summed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.definitions._base import Agg
from kpis.registry import KPI

G = "business"
NEEDS = ("period_start", "start", "new", "lost", "end")


def _first_last(v, field: str, last: bool) -> np.ndarray:
    """Per segment, Σ field over the rows of its first (or last) period_start."""
    x = pd.DataFrame(
        {"g": v.seg.codes, "t": v.df["period_start"].to_numpy(), "x": v.values(field)}
    ).dropna(subset=["x", "t"])
    per = x.groupby(["g", "t"])["x"].sum().reset_index().sort_values(["g", "t"])
    pick = per.groupby("g")["x"].last() if last else per.groupby("g")["x"].first()
    return pick.reindex(range(v.seg.ngroups)).to_numpy("float64")


def retention(env, p):
    v = env.view("customer_base", ("period_start", "start", "new", "end"))
    start = _first_last(v, "start", last=False)
    end = _first_last(v, "end", last=True)
    new = v.seg.sum(v.values("new"))
    return Agg(
        "ratio",
        num=np.nan_to_num(end - new, nan=0.0),
        den=np.nan_to_num(start),
        keys=v.seg.groups,
        detail="(end of last period − Σ new) ÷ start of first period",
        empty="no customers at the start",
    )


def churn(env, p):
    v = env.view("customer_base", ("period_start", "start", "lost"))
    start = _first_last(v, "start", last=False)
    return Agg(
        "ratio",
        num=v.seg.sum(v.values("lost")),
        den=np.nan_to_num(start),
        keys=v.seg.groups,
        detail="Σ lost ÷ start of first period",
        empty="no customers at the start",
    )


def renewal_rate(env, p):
    v = env.view("customer_base", ("renewals_due", "renewed"))
    return Agg(
        "ratio",
        num=v.seg.sum(v.values("renewed")),
        den=v.seg.sum(v.values("renewals_due")),
        keys=v.seg.groups,
        detail="Σ renewed ÷ Σ renewals_due",
        empty="no subscription up for renewal",
    )


KPIS = [
    KPI(
        "retention",
        "Taux de rétention",
        "Retention rate",
        G,
        "(Clients en fin de période − nouveaux clients de la période) ÷ clients en début de "
        "période × 100 (table customer_base ; sur plusieurs périodes : fin de la dernière, "
        "somme des nouveaux, début de la première).",
        "(Customers at period end − new customers in the period) ÷ customers at period start "
        "× 100 (customer_base table; over several periods: last end, summed new, first start).",
        "100 × (end − new) ÷ start",
        "%",
        "higher",
        90.0,
        {"customer_base": ("period_start", "start", "new", "end")},
        {},
        "custom",
        population="customer_base",
        compute=retention,
    ),
    KPI(
        "churn",
        "Perte de clients (churn)",
        "Customer churn",
        G,
        "Clients perdus dans la période ÷ clients en début de période × 100 (table customer_base).",
        "Customers lost in the period ÷ customers at period start × 100 (customer_base table).",
        "100 × Σ lost ÷ start",
        "%",
        "lower",
        10.0,
        {"customer_base": ("period_start", "start", "lost")},
        {},
        "custom",
        population="customer_base",
        compute=churn,
    ),
    KPI(
        "renewal_rate",
        "Taux de renouvellement",
        "Renewal rate",
        G,
        "Abonnements renouvelés ÷ abonnements arrivés à échéance × 100 (table customer_base : "
        "renewals_due, renewed).",
        "Renewed subscriptions ÷ subscriptions up for renewal × 100 (customer_base table: "
        "renewals_due, renewed).",
        "100 × Σ renewed ÷ Σ renewals_due",
        "%",
        "higher",
        80.0,
        {"customer_base": ("renewals_due", "renewed")},
        {},
        "custom",
        population="renewals_due",
        compute=renewal_rate,
    ),
]
