"""Altair chart builders: bars with CI whiskers, heatmaps, lines over time, histograms.

Inputs are small frames of engine results; labels are passed in by the pages (fr/en). Vega-Lite
renders text as text (never HTML), so user labels (motifs, agents) are safe here.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

BLUE = "#1F4E79"
GREY = "#9AA5B1"
RED = "#B03A2E"
SELECTION = "segment"


def _fmt(unit: str) -> str:
    return ",.0f" if unit in ("count", "currency") else ",.1f"


def bars_ci(
    df: pd.DataFrame,
    segment: str,
    *,
    value: str = "value",
    title: str = "",
    unit: str = "",
    seg_title: str = "",
    color: str | None = None,
    selectable: bool = True,
) -> alt.LayerChart:
    """Horizontal bars, one per segment, with the 95 % interval as a whisker; a click selects."""
    data = df.assign(_seg=df[segment].astype("str"))
    sort = list(data["_seg"])
    y = alt.Y("_seg:N", sort=sort, title=seg_title or segment)
    tooltip = [
        alt.Tooltip("_seg:N", title=seg_title or segment),
        alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title or value),
        alt.Tooltip("ci_low:Q", format=_fmt(unit), title="IC bas / CI low"),
        alt.Tooltip("ci_high:Q", format=_fmt(unit), title="IC haut / CI high"),
        alt.Tooltip("n:Q", format=",.0f", title="n"),
    ]
    base = alt.Chart(data).encode(y=y)
    bar = base.mark_bar(color=BLUE).encode(
        x=alt.X(f"{value}:Q", title=f"{title} ({unit})" if unit else title),
        tooltip=tooltip,
        **({"color": alt.Color(f"{color}:N")} if color else {}),
    )
    if selectable:
        pick = alt.selection_point(name=SELECTION, fields=["_seg"], on="click")
        bar = bar.add_params(pick).encode(
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45))
        )
    whisker = base.mark_rule(color=RED, strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q")
    height = max(160, 30 * len(data))
    return alt.layer(bar, whisker).properties(height=height)


def heatmap(
    df: pd.DataFrame, x: str, y: str, *, value: str = "value", title: str = "", unit: str = ""
) -> alt.LayerChart:
    """Two segment fields as a grid; the cell shows the value, the tooltip adds n and the CI."""
    data = df.assign(_x=df[x].astype("str"), _y=df[y].astype("str"))
    base = alt.Chart(data).encode(x=alt.X("_x:N", title=x), y=alt.Y("_y:N", title=y))
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=title, scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("_x:N", title=x),
            alt.Tooltip("_y:N", title=y),
            alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title),
            alt.Tooltip("ci_low:Q", format=_fmt(unit)),
            alt.Tooltip("ci_high:Q", format=_fmt(unit)),
            alt.Tooltip("n:Q", format=",.0f"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text(f"{value}:Q", format=_fmt(unit)))
    return alt.layer(cells, text).properties(height=max(180, 26 * data["_y"].nunique()))


def lines(
    df: pd.DataFrame,
    *,
    period: str = "period",
    value: str = "value",
    color: str | None = None,
    title: str = "",
    unit: str = "",
) -> alt.LayerChart:
    """A value over time with its interval as a band (one line per ``color`` value)."""
    data = df.assign(_c=df[color].astype("str")) if color else df
    enc = {"color": alt.Color("_c:N", title=color)} if color else {}
    base = alt.Chart(data).encode(x=alt.X(f"{period}:T", title=""), **enc)
    band = base.mark_area(opacity=0.18).encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y(f"{value}:Q", title=f"{title} ({unit})" if unit else title),
        tooltip=[
            alt.Tooltip(f"{period}:T"),
            alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title),
            alt.Tooltip("ci_low:Q", format=_fmt(unit)),
            alt.Tooltip("ci_high:Q", format=_fmt(unit)),
            alt.Tooltip("n:Q", format=",.0f"),
        ],
    )
    return alt.layer(band, line).properties(height=280)


def histogram(values: pd.Series, *, title: str = "", bins: int = 20) -> alt.Chart:
    data = pd.DataFrame({"v": values.dropna().astype(float)})
    return (
        alt.Chart(data)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("v:Q", bin=alt.Bin(maxbins=bins), title=title),
            y=alt.Y("count():Q", title="n"),
            tooltip=[alt.Tooltip("count():Q", title="n")],
        )
        .properties(height=220)
    )


def ranked_bars(
    df: pd.DataFrame, label: str, value: str, *, flag: str | None = None, title: str = ""
) -> alt.LayerChart:
    """Bars sorted by value with CI whiskers; rows where ``flag`` is true are drawn in red."""
    data = df.assign(_l=df[label].astype("str")).sort_values(value, ascending=False)
    color = (
        alt.condition(f"datum['{flag}']", alt.value(RED), alt.value(BLUE))
        if flag
        else alt.value(BLUE)
    )
    base = alt.Chart(data).encode(y=alt.Y("_l:N", sort=list(data["_l"]), title=""))
    bar = base.mark_bar().encode(
        x=alt.X(f"{value}:Q", title=title),
        color=color,
        tooltip=[
            alt.Tooltip("_l:N", title=label),
            alt.Tooltip(f"{value}:Q", format=",.1f"),
            alt.Tooltip("n:Q", format=",.0f"),
        ],
    )
    layers = [bar]
    if {"ci_low", "ci_high"} <= set(data.columns):
        layers.append(base.mark_rule(color=GREY).encode(x="ci_low:Q", x2="ci_high:Q"))
    return alt.layer(*layers).properties(height=max(160, 28 * len(data)))
