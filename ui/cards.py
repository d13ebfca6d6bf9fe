"""Dashboard pieces: one KPI card (value, target, status colour, CI, n, trend) drawn from a row
of the dashboard view's table; every number through ``kpis.format``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.references import kpi_reference_text
from kpis.targets import Target, verdict
from ui.errors import md_escape
from ui.state import Ctx

DELTA_COLOR = {"higher": "normal", "lower": "inverse", "neutral": "off"}


def status_word(ctx: Ctx, value, target: Target, direction: str) -> str:
    """The card's reading against the target (``kpis.targets.verdict``): a sourceless default
    judges nothing."""
    word = verdict(None if fmt.is_missing(value) else value, target, direction)
    return ctx.t(word) if word else ""


def delta_text(delta, unit: str, lang: str) -> str:
    """The gap to the target as ``kpis.format.diff`` says it, with an ASCII minus sign so that
    ``st.metric`` reads its direction (it looks for a leading "-")."""
    return fmt.diff(delta, unit, lang).replace(fmt.MINUS, "-")


def reference_part(ctx: Ctx, kpi) -> str:
    """ "Repère public : 85,0 % (source, 2020, méthode, pays)" for a KPI with a published figure
    (``kpis.references``), on the data's score scale; "" otherwise. Shown beside the target,
    never as it, and never judging the value."""
    text = kpi_reference_text(kpi.id, ctx.lang, ctx.data.tables, ctx.params)
    return f"{ctx.t('public_ref')} {text}" if text else ""


def change_line(ctx: Ctx, kpi, change: pd.Series | None, current: str) -> str:
    """The card's change vs the previous period: "juin 2026 : 95,6 % · −3,2 pts vs mai 2026
    (IC 95 % […])", green / red by the KPI's direction when it moved after Holm's correction;
    a low sample says so and is never coloured."""
    if change is None or fmt.is_missing(change.get("current_value")):
        return ""
    sep = " : " if ctx.lang == "fr" else ": "
    text = f"{current}{sep}{fmt.value(change['current_value'], kpi.unit, ctx.lang)}"
    if change.get("change_text"):
        text += f" · {change['change_text']}"
    text = md_escape(text)
    if bool(change.get("low_sample")):
        return f"{text} · :material/warning: {ctx.t('low_sample')}"
    if bool(change.get("moved")) and kpi.direction in ("higher", "lower"):
        good = (float(change["diff"]) > 0) == (kpi.direction == "higher")
        return f":{'green' if good else 'red'}[{text}]"
    return text


def kpi_card(
    ctx: Ctx,
    kpi,
    row: pd.Series,
    trend: pd.Series | None,
    change: pd.Series | None = None,
    current: str = "",
) -> None:
    """A bordered metric: value; gap to the row's target coloured by the KPI's direction; a
    sparkline of the monthly values; below it, the 95 % interval, n and the target. The row's
    target is on the data's scale and present only when it has a source (else "pas de cible")."""
    target = row.get("target")
    target = None if fmt.is_missing(target) else float(target)
    source = str(row.get("target_source") or "none") if target is not None else "none"
    tg = Target(kpi.id, target, source)
    value = row["value"]
    missing = fmt.is_missing(value) or fmt.is_missing(target)
    delta = None if missing else float(value) - float(target)
    unit = row["unit"]
    low = row["status"] == "low_sample"
    chart = None
    if trend is not None and trend.notna().sum() >= 2:
        chart = [float(v) for v in trend if not fmt.is_missing(v)]  # months with a value
    st.metric(
        kpi.name(ctx.lang),
        fmt.value(value, unit, ctx.lang),
        delta=None if delta is None else delta_text(delta, unit, ctx.lang),
        # a low sample is greyed: its gap to the target is not read as good or bad
        delta_color="off" if low else DELTA_COLOR.get(kpi.direction, "off"),
        delta_description=None if delta is None else f"vs {ctx.t('target')}",
        help=kpi.definition(ctx.lang),
        border=True,
        chart_data=chart,
        chart_type="line",
    )
    parts = []
    ci = fmt.interval(row["ci_low"], row["ci_high"], unit, ctx.lang)
    if ci:
        parts.append(f"{ctx.t('ci')} {ci}")
    population = row.get("population")  # "sur 18 662 appels entrants présentés"
    on = "sur" if ctx.lang == "fr" else "over"
    parts.append(f"{on} {population}" if population else fmt.n_text(row["n"], ctx.lang))
    if not fmt.is_missing(target):
        parts.append(f"{ctx.t('target')} {fmt.value(target, unit, ctx.lang)}")
    word = status_word(ctx, value, tg, kpi.direction)
    if word:
        parts.append(word)
    if ref := reference_part(ctx, kpi):  # after the target's reading: it is not judged
        parts.append(ref)
    if row["status"] == "low_sample":
        parts.append(f":material/warning: {ctx.t('low_sample')}")
    elif row["status"] == "no_data":
        parts.append(ctx.t("no_data"))
    st.caption(" · ".join(parts))
    line = change_line(ctx, kpi, change, current)
    if line:
        st.caption(line)
