"""Vega-Lite spec builders (dicts, via Altair): the one chart that a page draws
(``st.vega_lite_chart``) and a deliverable renders offline (vl-convert). Vega-Lite draws text as
text, never HTML, so user labels (motifs, agents) are safe. Numbers follow the language through
``config.locale`` (``1 234,5`` in French).

A chart that can be clicked declares one selection parameter (``SEGMENT`` on field ``_seg`` for
bars, ``POINT`` on ``_label`` for scatters); ``selection_of(spec)`` says which, so a page asks
for click events only when the spec declares a selection.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from kpis.labels import category_label, cell_label, field_label, labelled_field

BLUE = "#1F4E79"
GREY = "#9AA5B1"
RED = "#B03A2E"
SEGMENT = "segment"
POINT = "point"
FMT = {"count": ",.0f", "currency": ",.2f", "s": ",.0f"}

FR_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", " €"]},
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],  # fmt: skip
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],  # fmt: skip
    },
}


def _fmt(unit: str) -> str:
    return FMT.get(unit, ",.1f")


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """Plain columns for a spec: text keys, floats, ISO dates (no categories, no NA objects)."""
    out = pd.DataFrame(index=range(len(df)))
    for c in df.columns:
        s = df[c].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.astype(object).map(lambda v: "" if pd.isna(v) else str(bool(v)))
        elif pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(
            s.dtype, pd.CategoricalDtype
        ):
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype(object).map(lambda v: "" if v is None or v is pd.NA else str(v))
            out.loc[s.isna().to_numpy(), c] = ""
    return out


def shown(values, fld: str, lang: str = "fr") -> list[str]:
    """The values of segment field ``fld`` as the chart shows them: category codes in words
    (``kpis.labels.category_label``); a pair column "canal · niveau" word by word."""
    values = [str(v) for v in values]
    fields = fld.split(" · ") if isinstance(fld, str) else []
    if not any(labelled_field(f) for f in fields):
        return values
    if len(fields) == 1:
        return [str(category_label(fld, v, lang)) for v in values]
    return [cell_label(v, fields, lang) for v in values]


def spec(chart, lang: str = "fr") -> dict:
    """The Altair chart as a Vega-Lite dict, with the language's number and date locale. The
    width fits the page; the height is the plot's own (``fit-x``: a page's default ``fit``
    would squeeze the bars of a short chart under its title and axes), facets keep ``pad``."""
    d = chart.to_dict()
    if "facet" not in d:
        d.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    if lang == "fr":
        d.setdefault("config", {})["locale"] = FR_LOCALE
    return d


def selection_of(chart_spec: Mapping | None) -> str | None:
    """The name of the spec's click selection parameter, or None when it declares none."""
    if not chart_spec:
        return None
    params = list(chart_spec.get("params") or [])
    for layer in chart_spec.get("layer") or []:
        params += list(layer.get("params") or [])
    for p in params:
        if isinstance(p, Mapping) and "select" in p:
            return str(p.get("name"))
    return None


def _ci_words(lang: str) -> tuple[str, str]:
    return ("IC bas", "IC haut") if lang == "fr" else ("CI low", "CI high")


def _ci_n_tips(data: pd.DataFrame, unit: str, lang: str) -> tuple[list, bool]:
    """The tooltips of the 95 % interval (when the data has one) and of n, and whether the data
    has an interval to draw."""
    has_ci = {"ci_low", "ci_high"} <= set(data.columns) and data["ci_low"].notna().any()
    tips = []
    if has_ci:
        tips += [
            alt.Tooltip("ci_low:Q", format=_fmt(unit), title=_ci_words(lang)[0]),
            alt.Tooltip("ci_high:Q", format=_fmt(unit), title=_ci_words(lang)[1]),
        ]
    if "n" in data.columns:
        tips.append(alt.Tooltip("n:Q", format=",.0f", title="n"))
    return tips, bool(has_ci)


def _unit_title(title: str, unit: str) -> str:
    """ "Niveau de service (%)"; a count needs no unit word."""
    return f"{title} ({unit})" if unit and title and unit != "count" else title


LABEL_LIMIT = 220  # px: a longer label ends with "…", its tooltip carries it whole


def cat_axis(n: int = 0, *, along_x: bool = False, longest: int = 0) -> alt.Axis:
    """A nominal axis whose every label is drawn (``labelOverlap`` off: Vega-Lite would skip
    some); on x, labels turn 45° when they would not fit flat; a label longer than
    ``LABEL_LIMIT`` px is cut with "…" (the mark's tooltip gives it whole)."""
    kw: dict = {"labelOverlap": False, "labelLimit": LABEL_LIMIT}
    if along_x:
        kw["labelLimit"] = 140
        if n * max(longest, 1) * 7 > 800:  # ~7 px a character: they would not fit flat
            kw["labelAngle"] = -45
    return alt.Axis(**kw)


def _titled(title: str, note: str = ""):
    """A chart title with an optional subtitle (e.g. the top-N note)."""
    return alt.TitleParams(text=title, subtitle=note) if note else title


def bars_ci(
    df: pd.DataFrame,
    segment: str,
    *,
    value: str = "value",
    title: str = "",
    unit: str = "",
    seg_title: str = "",
    color: str | None = None,
    target: float | None = None,
    highlight=None,
    selectable: bool = False,
    note: str = "",
    lang: str = "fr",
) -> dict:
    """Horizontal bars, one per segment, the 95 % interval as a whisker, an optional target rule
    and highlighted bar; ``selectable``: a click selects the segment (parameter ``SEGMENT``).
    Every segment label is drawn (``cat_axis``); the height grows with the number of bars;
    ``note`` is a subtitle (e.g. "15 premiers motifs sur 1 812 ; …")."""
    seg_title = seg_title or field_label(segment, lang) or segment  # a label, not a field id
    data = frame(df).assign(_seg=df[segment].astype("str").to_numpy())  # the code (a click)
    data["_seg_text"] = shown(data["_seg"], segment, lang)  # its words (axis, tooltip)
    if "_hl" in df.columns:  # a column of booleans says which bars to highlight
        data["_hl"] = df["_hl"].astype(bool).to_numpy()
    else:
        data["_hl"] = data["_seg"] == str(highlight)
    y = alt.Y(
        "_seg_text:N",
        sort=list(dict.fromkeys(data["_seg_text"])),
        title=seg_title or segment,
        axis=cat_axis(data["_seg_text"].nunique()),
    )
    tip = [alt.Tooltip("_seg_text:N", title=seg_title or segment)]
    tip.append(alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title or value))
    extra, has_ci = _ci_n_tips(data, unit, lang)
    tip += extra
    base = alt.Chart(data).encode(y=y)
    enc = {"x": alt.X(f"{value}:Q", title=_unit_title(title, unit)), "tooltip": tip}
    if color:
        data[color] = shown(data[color], color, lang)
        enc["color"] = alt.Color(f"{color}:N", title=None)
        enc["yOffset"] = alt.YOffset(f"{color}:N")
    else:
        enc["color"] = alt.condition("datum._hl", alt.value(RED), alt.value(BLUE))
    bar = base.mark_bar().encode(**enc)
    if selectable:
        pick = alt.selection_point(name=SEGMENT, fields=["_seg"], on="click")
        bar = bar.add_params(pick).encode(
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45))
        )
    layers = [bar]
    if has_ci:
        whisker = base.mark_rule(color="black", strokeWidth=1.5).encode(
            x="ci_low:Q", x2="ci_high:Q"
        )
        if color:
            whisker = whisker.encode(yOffset=alt.YOffset(f"{color}:N"))
        layers.append(whisker)
    if target is not None and target == target:
        layers.append(
            alt.Chart(pd.DataFrame({"t": [float(target)]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(x="t:Q")
        )
    rows = data["_seg_text"].nunique() * (data[color].nunique() if color else 1)
    chart = alt.layer(*layers).properties(
        title=_titled(title, note), width=480, height=max(160, 24 * rows)
    )
    return spec(chart, lang)


MAX_LINES = 5  # more series than this: one small panel per series (a legend of 10 colours
# over daily points cannot be read)


def lines(
    df: pd.DataFrame,
    *,
    period: str = "period",
    value: str = "value",
    color: str | None = None,
    title: str = "",
    unit: str = "",
    note: str = "",
    lang: str = "fr",
) -> dict:
    """A value over time with its interval as a band, one line per ``color`` value; more than
    ``MAX_LINES`` series: one small panel per series (rows, shared time axis, the series' name
    whole beside it); points only when there are few periods; ``note``: a subtitle."""
    data = frame(df)
    if color:
        data[color] = shown(data[color], color, lang)
    series = data[color].nunique() if color else 1
    panels = series > MAX_LINES
    enc = {}
    if color and not panels:
        legend = alt.Legend(labelLimit=LABEL_LIMIT, columns=1, symbolLimit=0)
        enc["color"] = alt.Color(f"{color}:N", title=None, legend=legend, sort=None)
    base = (alt.Chart() if panels else alt.Chart(data)).encode(
        x=alt.X(f"{period}:T", title=""), **enc
    )
    tip = [alt.Tooltip(f"{period}:T"), alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title)]
    if color:
        tip.insert(0, alt.Tooltip(f"{color}:N"))
    layers = []
    extra, has_ci = _ci_n_tips(data, unit, lang)
    if has_ci:
        layers.append(base.mark_area(opacity=0.18).encode(y="ci_low:Q", y2="ci_high:Q"))
    tip += extra
    points = data[period].nunique() <= 60
    y_title = "" if panels else _unit_title(title, unit)
    layers.append(
        base.mark_line(point=points).encode(y=alt.Y(f"{value}:Q", title=y_title), tooltip=tip)
    )
    if not panels:
        chart = alt.layer(*layers).properties(title=_titled(title, note), width=520, height=280)
        return spec(chart, lang)
    header = alt.Header(labelAngle=0, labelAlign="left", labelLimit=LABEL_LIMIT, title=None)
    chart = (
        alt.layer(*layers)
        .properties(width=560, height=70)
        .facet(row=alt.Row(f"{color}:N", header=header, sort=None), data=data)
        .properties(title=_titled(_unit_title(title, unit), note))
    )
    return spec(chart, lang)


def two_series(df: pd.DataFrame, x: str, ys: list[tuple[str, str]], *, title: str, lang="fr"):
    """Two series over time on independent y scales (e.g. volume and recontact rate)."""
    data = frame(df)
    charts = [
        alt.Chart(data)
        .mark_line(point=True, color=c)
        .encode(
            x=alt.X(f"{x}:T", title=""),
            y=alt.Y(f"{y}:Q", title=label),
            tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=",.1f", title=label)],
        )
        for (y, label), c in zip(ys, [BLUE, RED], strict=False)
    ]
    chart = alt.layer(*charts).resolve_scale(y="independent")
    return spec(chart.properties(title=title, width=520, height=280), lang)


def heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    value: str = "value",
    title: str = "",
    unit: str = "",
    x_title: str = "",
    y_title: str = "",
    x_sort: list | None = None,
    y_sort: list | None = None,
    note: str = "",
    lang: str = "fr",
) -> dict:
    """Two fields as a grid; the cell shows the value, the tooltip adds the interval and n.
    Every label is drawn (``cat_axis``: x labels turn when many); the grid grows with the
    number of columns and rows; ``x_sort`` / ``y_sort``: the order of the labels."""
    data = frame(df).assign(_x=shown(df[x], x, lang), _y=shown(df[y], y, lang))
    nx, ny = data["_x"].nunique(), data["_y"].nunique()
    longest = int(data["_x"].str.len().max()) if len(data) else 0
    base = alt.Chart(data).encode(
        x=alt.X(
            "_x:O",
            title=x_title or x,
            sort=shown(x_sort, x, lang) if x_sort else None,
            axis=cat_axis(nx, along_x=True, longest=longest),
        ),
        y=alt.Y(
            "_y:O",
            title=y_title or y,
            sort=shown(y_sort, y, lang) if y_sort else "ascending",
            axis=cat_axis(ny),
        ),
    )
    tip = [alt.Tooltip("_x:O", title=x_title or x), alt.Tooltip("_y:O", title=y_title or y)]
    tip.append(alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title or value))
    tip += [alt.Tooltip(f"{c}:Q", format=_fmt(unit)) for c in ("ci_low", "ci_high") if c in data]
    if "n" in data.columns:
        tip.append(alt.Tooltip("n:Q", format=",.0f"))
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=title, scale=alt.Scale(scheme="blues")), tooltip=tip
    )
    layers = [cells]
    if data["_x"].nunique() <= 24:
        v = pd.to_numeric(data[value], errors="coerce")
        mid = float((v.min() + v.max()) / 2) if v.notna().any() else 0.0
        layers.append(
            base.mark_text(fontSize=10).encode(
                text=alt.Text(f"{value}:Q", format=_fmt(unit)),
                color=alt.condition(
                    f"datum['{value}'] > {mid}", alt.value("white"), alt.value("black")
                ),
            )
        )
    height, width = max(180, 26 * ny), max(520, 22 * nx)
    chart = alt.layer(*layers).properties(title=_titled(title, note), width=width, height=height)
    return spec(chart, lang)


def scatter(
    df: pd.DataFrame,
    label: str,
    *,
    x: str = "x_value",
    y: str = "y_value",
    x_title: str,
    y_title: str,
    x_target: float | None = None,
    y_target: float | None = None,
    title: str = "",
    lang: str = "fr",
) -> dict:
    """One point per segment sized by n, targets as quadrant lines; a click selects (``POINT``)."""
    data = frame(df).assign(_label=df[label].astype("str").to_numpy())  # the code (a click)
    data["_label_text"] = shown(data["_label"], label, lang)  # its words (tooltip)
    sel = alt.selection_point(name=POINT, fields=["_label"], on="click")
    pts = (
        alt.Chart(data)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            size=alt.Size("n:Q", title="n"),
            color=alt.condition(sel, alt.value(BLUE), alt.value(GREY)),
            tooltip=[
                alt.Tooltip("_label_text:N", title=field_label(label, lang) or label),
                alt.Tooltip(f"{x}:Q", format=",.1f", title=x_title),
                alt.Tooltip(f"{y}:Q", format=",.1f", title=y_title),
                alt.Tooltip("n:Q", format=",.0f"),
            ],
        )
        .add_params(sel)
    )
    layers = [pts]
    for enc, t in (("x", x_target), ("y", y_target)):
        if t is not None and t == t:
            layers.append(
                alt.Chart(pd.DataFrame({"t": [float(t)]}))
                .mark_rule(color=RED, strokeDash=[4, 4])
                .encode(**{enc: "t:Q"})
            )
    return spec(alt.layer(*layers).properties(title=title, width=480, height=340), lang)


def ranked_bars(
    df: pd.DataFrame,
    label: str,
    value: str,
    *,
    flag: str | None = None,
    title: str = "",
    label_title: str = "",
    lang: str = "fr",
) -> dict:
    """Bars sorted by value with interval whiskers; rows where ``flag`` is true are red."""
    src = df.assign(_flag=df[flag].astype(bool).astype(float)) if flag else df
    data = frame(src).assign(_l=shown(df[label], label, lang))
    data = data.sort_values(value, ascending=False)
    color = (
        alt.condition("datum._flag > 0", alt.value(RED), alt.value(BLUE))
        if flag
        else alt.value(BLUE)
    )
    axis = cat_axis(len(data))
    base = alt.Chart(data).encode(
        y=alt.Y("_l:N", sort=list(data["_l"]), title=label_title, axis=axis)
    )
    tip = [alt.Tooltip("_l:N", title=label_title or label)]
    tip.append(alt.Tooltip(f"{value}:Q", format=",.1f", title=title or value))
    if "n" in data.columns:
        tip.append(alt.Tooltip("n:Q", format=",.0f"))
    layers = [base.mark_bar().encode(x=alt.X(f"{value}:Q", title=title), color=color, tooltip=tip)]
    if {"ci_low", "ci_high"} <= set(data.columns) and data["ci_low"].notna().any():
        layers.append(base.mark_rule(color=GREY).encode(x="ci_low:Q", x2="ci_high:Q"))
    height = max(160, 22 * len(data))
    return spec(alt.layer(*layers).properties(title=title, width=460, height=height), lang)


def histogram(values: pd.Series, *, title: str = "", bins: int = 20, lang: str = "fr") -> dict:
    data = pd.DataFrame({"v": pd.to_numeric(values, errors="coerce").dropna().astype(float)})
    chart = (
        alt.Chart(data)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("v:Q", bin=alt.Bin(maxbins=bins), title=title),
            y=alt.Y("count():Q", title="n"),
            tooltip=[alt.Tooltip("count():Q", title="n")],
        )
    )
    return spec(chart.properties(width=460, height=220), lang)


def rates_overview(table: pd.DataFrame, *, title: str, lang: str = "fr") -> dict:
    """The dashboard's rates (%): value, 95 % interval and target tick per KPI."""
    data = frame(table[["indicateur", "value", "ci_low", "ci_high", "target"]])
    base = alt.Chart(data)
    y = alt.Y("indicateur:N", sort=None, title=None, axis=cat_axis(len(data)))
    tip = [
        alt.Tooltip("indicateur:N", title=" "),
        alt.Tooltip("value:Q", format=",.1f", title="%"),
        alt.Tooltip("target:Q", format=",.1f", title="cible / target"),
    ]
    chart = alt.layer(
        base.mark_bar(color=BLUE).encode(
            y=y, x=alt.X("value:Q", title="%", scale=alt.Scale(domain=[0, 100])), tooltip=tip
        ),
        base.mark_rule(color="black").encode(y=y, x="ci_low:Q", x2="ci_high:Q"),
        base.mark_tick(color=RED, thickness=2).encode(y=y, x="target:Q"),
    )
    return spec(chart.properties(title=title, width=480, height=max(160, 22 * len(data))), lang)


def raw_vs_adjusted(
    data: pd.DataFrame, *, title: str, x_title: str, pooled: float | None, lang: str = "fr"
) -> dict:
    """One KPI: raw and mix-adjusted value per provider side by side, each with its whisker,
    the pooled value as a dashed rule. ``data``: provider, series, value, ci_low, ci_high, n."""
    d = frame(data)
    series = list(dict.fromkeys(d["series"]))
    color = alt.Color(
        "series:N", title=None, scale=alt.Scale(domain=series, range=[GREY, BLUE][: len(series)])
    )
    base = alt.Chart(d).encode(
        y=alt.Y("provider:N", title=None, axis=cat_axis()),
        yOffset=alt.YOffset("series:N", sort=series),
    )
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False)),
        color=color,
        tooltip=[
            alt.Tooltip("provider:N"),
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("value:Q", format=",.1f"),
            alt.Tooltip("ci_low:Q", format=",.1f"),
            alt.Tooltip("ci_high:Q", format=",.1f"),
            alt.Tooltip("n:Q", format=",.0f"),
        ],
    )
    layers = [base.mark_rule(strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q", color=color)]
    layers.append(points)
    if pooled is not None and pooled == pooled:
        layers.append(
            alt.Chart(pd.DataFrame({"pooled": [float(pooled)]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(x="pooled:Q")
        )
    height = 60 * d["provider"].nunique() + 40
    return spec(alt.layer(*layers).properties(title=title, width=420, height=height), lang)


def finding_spec(finding, lang: str = "fr") -> dict | None:
    """The chart of a rule's finding, from its chart hints (x, y, lo, hi, target, highlight)
    and its evidence table; None when the finding has no drawable table."""
    hints, table = finding.chart or {}, finding.table
    if table is None or table.empty or not hints.get("x") or hints.get("x") not in table:
        return None
    x, y = hints["x"], hints.get("y", "value")
    if y not in table:
        return None
    if hints.get("type") in ("trend", "dual_trend", "multi_trend") and x == "period":
        y2 = hints.get("y2")
        if hints.get("color") and hints["color"] in table:
            data = table
            if hints["color"] == "kpi":  # KPI ids in the legend: their names
                from kpis.views.base import kpi_name

                data = table.assign(kpi=table["kpi"].map(lambda k: kpi_name(str(k), lang)))
            return lines(data, value=y, color=hints["color"], lang=lang)
        if y2 and y2 in table:
            return two_series(table, "period", [(y, y), (y2, y2)], title="", lang=lang)
        return lines(table, value=y, lang=lang)
    data = table.copy()
    if x == "kpi":  # KPI ids on the axis: their names
        from kpis.views.base import kpi_name

        data["kpi"] = data["kpi"].map(lambda k: kpi_name(str(k), lang))
    lo, hi = hints.get("lo"), hints.get("hi")
    if lo in data and hi in data:
        data = data.rename(columns={lo: "ci_low", hi: "ci_high"})
    else:
        data = data.drop(columns=[c for c in ("ci_low", "ci_high") if c in data])
    return bars_ci(
        data,
        x,
        value=y,
        title=axis_word(y, lang),
        seg_title=axis_word(x, lang),
        target=hints.get("target"),
        highlight=hints.get("highlight"),
        lang=lang,
    )


# the evidence columns the rules chart (x and y of their chart hints), as axis titles
AXIS_WORDS = {
    "kpi": ("Indicateur", "KPI"),
    "did": ("Différence de différences", "Difference in differences"),
    "gap": ("Écart", "Gap"),
    "share": ("Part", "Share"),
    "recontact": ("Recontact", "Recontact"),
    "unknown_pct": ("Issue inconnue (%)", "Unknown outcome (%)"),
    "rise": ("Hausse", "Rise"),
    "per_demand": ("Contacts par demande", "Contacts per demand"),
    "n": ("Effectif", "Count"),
    "cost": ("Coût", "Cost"),
    "churn": ("Attrition", "Churn"),
    "agents_needed": ("Conseillers nécessaires", "Agents needed"),
    "value": ("Valeur", "Value"),
    "segment": ("Segment", "Segment"),
    "measure": ("Mesure", "Measure"),
    "item": ("Item de la grille", "Grid item"),
    "hour": ("Heure", "Hour"),
    "driver": ("Source d'effort", "Effort driver"),
    "slot": ("Créneau", "Slot"),
}


def axis_word(col: str, lang: str) -> str:
    """A finding chart's axis title: the evidence column's word, else the field's label."""
    pair = AXIS_WORDS.get(col)
    if pair:
        return pair[0 if lang == "fr" else 1]
    return field_label(col, lang) or col


def columns(
    df: pd.DataFrame,
    x: str,
    *,
    value: str = "value",
    title: str = "",
    unit: str = "",
    x_title: str = "",
    note: str = "",
    lang: str = "fr",
) -> dict:
    """Vertical bars in the frame's order (e.g. intraday slots), the 95 % interval as a whisker;
    every x label drawn (turned 45° when many)."""
    data = frame(df).assign(_x=shown(df[x], x, lang))
    order = list(dict.fromkeys(data["_x"]))
    axis = cat_axis(len(order), along_x=True)
    if len(order) > 60:  # e.g. 96 quarter-hours: every other label (the tooltip names each)
        axis = alt.Axis(**{**axis.to_dict(), "values": order[::2]})
    base = alt.Chart(data).encode(x=alt.X("_x:N", sort=order, title=x_title or x, axis=axis))
    tip = [alt.Tooltip("_x:N", title=x_title or x)]
    tip.append(alt.Tooltip(f"{value}:Q", format=_fmt(unit), title=title or value))
    extra, has_ci = _ci_n_tips(data, unit, lang)
    tip += extra
    y = alt.Y(f"{value}:Q", title=_unit_title(title, unit))
    layers = [base.mark_bar(color=BLUE).encode(y=y, tooltip=tip)]
    if has_ci:
        layers.append(base.mark_rule(color="black").encode(y="ci_low:Q", y2="ci_high:Q"))
    width = max(520, 16 * len(order))
    chart = alt.layer(*layers).properties(title=_titled(title, note), width=width, height=280)
    return spec(chart, lang)
