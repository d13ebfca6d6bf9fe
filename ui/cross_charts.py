"""Altair builders for the cross-analyses page and the findings' chart specs (no Streamlit here,
so deliverables can reuse them). Vega-Lite renders text as text, so user labels are safe."""

from __future__ import annotations

import altair as alt
import pandas as pd

BLUE = "#1F4E79"
GREY = "#9AA5B1"
RED = "#B03A2E"
POINT = "point"


def quadrant_scatter(
    df: pd.DataFrame,
    label: str,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    x_target: float | None = None,
    y_target: float | None = None,
) -> alt.LayerChart:
    """One point per segment sized by volume, with targets as quadrant lines; a click selects."""
    data = df.assign(_label=df[label].astype("str"))
    sel = alt.selection_point(name=POINT, fields=["_label"])
    pts = (
        alt.Chart(data)
        .mark_circle(opacity=0.75)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            size=alt.Size("n:Q", title="n"),
            color=alt.condition(sel, alt.value(BLUE), alt.value(GREY)),
            tooltip=[
                "_label:N",
                alt.Tooltip(f"{x}:Q", format=",.1f"),
                alt.Tooltip(f"{y}:Q", format=",.1f"),
                "n:Q",
            ],
        )
        .add_params(sel)
    )
    layers = [pts]
    if x_target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"t": [x_target]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(x="t:Q")
        )
    if y_target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"t": [y_target]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(y="t:Q")
        )
    return alt.layer(*layers)


def bars_ci(
    df: pd.DataFrame,
    x: str,
    y: str = "value",
    *,
    lo: str | None = "ci_low",
    hi: str | None = "ci_high",
    target: float | None = None,
    highlight=None,
    title: str = "",
) -> alt.LayerChart:
    """Bars per category with 95 % whiskers, an optional target rule and a highlighted bar."""
    data = df.assign(_x=df[x].astype("str"), _hl=df[x].astype("str") == str(highlight))
    sel = alt.selection_point(name=POINT, fields=["_x"])
    base = alt.Chart(data).encode(y=alt.Y("_x:N", sort=None, title=x))
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X(f"{y}:Q", title=title or y),
            color=alt.condition("datum._hl", alt.value(RED), alt.value(BLUE)),
            tooltip=["_x:N", alt.Tooltip(f"{y}:Q", format=",.2f")],
        )
        .add_params(sel)
    )
    layers = [bars]
    if lo and hi and lo in df and hi in df:
        layers.append(base.mark_rule(color="black").encode(x=f"{lo}:Q", x2=f"{hi}:Q"))
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"t": [target]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(x="t:Q")
        )
    return alt.layer(*layers)


def lines(df: pd.DataFrame, x: str, ys: list[str], *, title: str = "") -> alt.Chart:
    """Several series over time on independent y scales (e.g. volume and recontact)."""
    charts = [
        alt.Chart(df)
        .mark_line(point=True, color=c)
        .encode(
            x=alt.X(f"{x}:T", title=""), y=alt.Y(f"{y}:Q", title=y), tooltip=[f"{x}:T", f"{y}:Q"]
        )
        for y, c in zip(ys, [BLUE, RED, GREY], strict=False)
    ]
    return alt.layer(*charts).resolve_scale(y="independent").properties(title=title)


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, *, title: str = "") -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O"),
            y=alt.Y(f"{y}:O"),
            color=alt.Color(f"{value}:Q", title=title),
            tooltip=[f"{x}:O", f"{y}:O", alt.Tooltip(f"{value}:Q", format=",.1f"), "n:Q"],
        )
    )


def finding_chart(finding) -> alt.Chart | None:
    """The chart of a finding, from its spec and evidence table."""
    spec, table = finding.chart or {}, finding.table
    if table is None or table.empty or not spec.get("x") or spec.get("x") not in table:
        return None
    x, y = spec["x"], spec.get("y", "value")
    if y not in table:
        return None
    if spec.get("type") in ("trend", "dual_trend", "multi_trend") and x == "period":
        ys = [c for c in (y, spec.get("y2")) if c and c in table]
        if spec.get("color") and spec["color"] in table:
            return (
                alt.Chart(table)
                .mark_line(point=True)
                .encode(x=alt.X("period:T", title=""), y=f"{y}:Q", color=f"{spec['color']}:N")
            )
        return lines(table, "period", ys)
    return bars_ci(
        table,
        x,
        y,
        lo=spec.get("lo"),
        hi=spec.get("hi"),
        target=spec.get("target"),
        highlight=spec.get("highlight"),
    )
