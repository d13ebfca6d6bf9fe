"""Dashboard pieces: one KPI card (value, target, status colour, CI, n, trend)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis.targets import Target, target_of, verdict
from ui.format import fmt_ci, fmt_n, fmt_value, missing
from ui.state import Ctx

DELTA_COLOR = {"higher": "normal", "lower": "inverse", "neutral": "off"}


def status_word(ctx: Ctx, value, target: Target, direction: str) -> str:
    """The card's reading against the target (``kpis.targets.verdict``): a sourceless default
    judges nothing."""
    word = verdict(None if missing(value) else value, target, direction)
    return ctx.t(word) if word else ""


def kpi_card(ctx: Ctx, kpi, row: pd.Series, trend: pd.Series | None) -> None:
    """A bordered metric: value; delta to the target coloured by the KPI's direction; a sparkline
    of the monthly values; below it, the 95 % interval, n and the target."""
    # the target on the data's scale (CSAT 1–10…); a sourceless default is not judged against
    tg = target_of(kpi.id, ctx.targets, ctx.data.tables, ctx.params)
    target = tg.value if tg.judged else None
    value = row["value"]
    delta = None if missing(value) or missing(target) else value - target
    unit = row["unit"]
    low = row["status"] == "low_sample"
    chart = None
    if trend is not None and trend.notna().sum() >= 2:
        chart = [None if missing(v) else float(v) for v in trend]
    st.metric(
        kpi.name(ctx.lang),
        fmt_value(value, unit, ctx.lang),
        delta=None if delta is None else fmt_value(delta, unit, ctx.lang, signed=True),
        # a low sample is greyed: its gap to the target is not read as good or bad
        delta_color="off" if low else DELTA_COLOR.get(kpi.direction, "off"),
        delta_description=None if delta is None else f"vs {ctx.t('target')}",
        help=kpi.definition(ctx.lang),
        border=True,
        chart_data=chart,
        chart_type="line",
    )
    parts = []
    ci = fmt_ci(row["ci_low"], row["ci_high"], unit, ctx.lang)
    if ci:
        parts.append(f"{ctx.t('ci')} {ci}")
    parts.append(f"n = {fmt_n(row['n'], ctx.lang)}")
    if not missing(target):
        parts.append(f"{ctx.t('target')} {fmt_value(target, unit, ctx.lang)}")
    word = status_word(ctx, value, tg, kpi.direction)
    if word:
        parts.append(word)
    if row["status"] == "low_sample":
        parts.append(f":material/warning: {ctx.t('low_sample')}")
    elif row["status"] == "no_data":
        parts.append(ctx.t("no_data"))
    st.caption(" · ".join(parts))
