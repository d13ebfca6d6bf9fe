"""Drawing a view's result: the one renderer every page and the notebook use — title, sentences,
key numbers, the chart spec (click events asked only when the spec declares a selection), the
tables as French or English text (``kpis.format``; headers from ``ui.i18n``) and the findings.

``run_view(ctx, view_id, params, extra_filters)`` runs a declared view on the page's data under
the sidebar filters (plus the page's own), cached on dataset + view + inputs + filters + settings;
the notebook cell "Ajouter au carnet" makes from the same inputs re-runs to the same result.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.labels import category_label, labelled_field
from kpis.views import REGISTRY, ViewResult
from kpis.views.charts import selection_of
from ui.errors import md_escape
from ui.i18n import STATUS_WORDS, column_label, value_label
from ui.state import Ctx, _engine_params, field_label, period_inputs_digest

ROW_UNIT = {"value", "ci_low", "ci_high", "target", "std_value", "std_ci_low", "std_ci_high"}
ROW_UNIT |= {"pooled", "threshold"}
DIFF = {"diff", "std_diff"}
P = {"p", "p_adj", "std_p", "std_p_adj", "p_holm"}
FRACTION = {"coverage", "p_first", "weight"}
COUNT = {"n", "docs", "detractors", "promoters", "transfers", "ho", "hno", "abandoned", "x_n"}
COUNT |= {"y_n", "rank", "rank_low", "rank_high", "kpis_scored", "thresholds_met", "m", "lag"}
COUNT |= {"numerator", "denominator", "volume"}
PERCENT = {"share", "det_share", "pro_share", "cum_share", "pct", "abandon_rate", "recontact"}
HIDDEN = {"kpi", "unit", "_row", "_file"}
SEVERITY_ICON = {"alert": "🔴", "warning": "🟠"}
MONTH = re.compile(r"\d{4}-\d{2}")


# ---------------------------------------------------------------- running a view


def settings(ctx: Ctx, extra_filters: Mapping | None = None) -> dict:
    """What a view reads from the page: engine parameters, targets, language, and the filters
    as a notebook cell keeps them (sidebar filters and period, plus the page's own)."""
    from ui.notebook import view_filters

    return {
        "params": _engine_params(ctx.params, ctx.data),
        "targets": dict(ctx.targets),
        "target_sources": dict(ctx.target_sources),
        "rules": dict(ctx.rules),
        "lang": ctx.lang,
        "filters": view_filters(ctx, extra_filters),
    }


@st.cache_data(show_spinner=False, max_entries=64)
def _run(data_key: str, view_id: str, params_json: str, settings_json: str, _tables) -> ViewResult:
    s = json.loads(settings_json)
    date = s["filters"].get("date")
    if isinstance(date, list):
        s["filters"]["date"] = tuple(date)
    return REGISTRY[view_id].run(_tables, json.loads(params_json), s)


def run_view(
    ctx: Ctx, view_id: str, params: Mapping | None = None, extra_filters: Mapping | None = None
) -> ViewResult:
    """The view ``view_id`` on the page's data (cached; see the module docstring)."""
    data_key = f"{ctx.data.id}#{period_inputs_digest(ctx.period_inputs)}"
    s = settings(ctx, extra_filters)
    tables = {**ctx.data.tables, **ctx.period_inputs}
    with st.spinner(ctx.t("computing")):
        return _run(
            data_key,
            view_id,
            json.dumps(dict(params or {}), sort_keys=True, default=str),
            json.dumps(s, sort_keys=True, default=str),
            tables,
        )


# ---------------------------------------------------------------- tables as text


def _bool_text(v, lang: str) -> str:
    return ("oui" if v else "non") if lang == "fr" else ("yes" if v else "no")


def cell_text(v, col: str, row_unit: str | None, units: Mapping, lang: str) -> str:
    """One table value as text: numbers through ``kpis.format`` by the column's unit; a category
    code in words (``telephone`` in a ``canal`` column → « Téléphone »)."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return _bool_text(bool(v), lang)
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return fmt.date(v, lang, units.get(col, "day"))
    if col == "status":
        pair = STATUS_WORDS.get(str(v))
        return pair[0 if lang == "fr" else 1] if pair else str(v)
    if not isinstance(v, (int, float, np.integer, np.floating)):
        return value_label(col, v, lang) or str(category_label(col, v, lang))
    unit = units.get(col)
    if unit == "row" or (unit is None and (col in ROW_UNIT or MONTH.fullmatch(col))):
        unit = row_unit or ""
    elif unit is None and col in DIFF:
        unit = "diff"
    if unit == "diff":
        return fmt.diff(v, row_unit or "", lang)
    if unit == "p" or (unit is None and col in P):
        return fmt.p_value(v, lang)
    if unit == "fraction" or (unit is None and col in FRACTION):
        return fmt.percent(100 * float(v), lang)
    if unit is None and col in COUNT:
        unit = "count"
    if unit is None and col in PERCENT:
        unit = "%"
    if unit:
        return fmt.value(v, unit, lang)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return fmt.number(v, lang, 2)


def rows_in_words(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Data rows for the screen (a drill-down): category codes in words (``canal``:
    ``telephone`` → « Téléphone »); the frame itself, and so its downloads, keep the codes."""
    cols = [c for c in rows.columns if labelled_field(str(c))]
    if not cols:
        return rows
    words = {c: rows[c].astype(object).map(lambda v, c=c: category_label(c, v, lang)) for c in cols}
    return rows.assign(**{str(c): s for c, s in words.items()})


def header(col: str, lang: str, labels: Mapping | None = None) -> str:
    """A column's header in ``lang``: the view's own label, the result column's, the field's;
    a month column ("2026-03") as the month's name ("mars 2026")."""
    if labels and col in labels:
        return labels[col]
    if MONTH.fullmatch(col):
        return fmt.date(col + "-01", lang, "month")
    return column_label(col, lang) or field_label(col, lang)


def screen_table(
    table: pd.DataFrame,
    lang: str,
    *,
    units: Mapping | None = None,
    labels: Mapping | None = None,
    keep: tuple[str, ...] = (),
) -> pd.DataFrame:
    """A result table as text for the screen: values through ``kpis.format`` (``1 234,5 %``,
    ``5 min 12 s``), headers in ``lang``; the raw ``kpi`` id and ``unit`` go (each value says
    its unit) unless in ``keep``."""
    units = dict(units or {})
    if table is None or table.empty and not len(table.columns):
        return pd.DataFrame()
    hidden = HIDDEN - set(keep)
    if "indicateur" not in table.columns:
        hidden -= {"kpi"}
    if "field" in table.columns and "value" in table.columns:  # evidence rows: {field, value}
        fields = table["field"].astype(object).tolist()
        table = table.assign(
            value=[
                category_label(str(f), v, lang) if isinstance(v, str) else v
                for f, v in zip(fields, table["value"].astype(object), strict=True)
            ],
            field=[field_label(str(f), lang) if isinstance(f, str) else f for f in fields],
        )
    cols = [c for c in table.columns if c not in hidden]
    row_units = (
        table["unit"].astype(object).tolist() if "unit" in table.columns else [None] * len(table)
    )
    out = {}
    for c in cols:
        values = table[c].tolist()
        out[header(str(c), lang, labels)] = [
            cell_text(v, str(c), None if u is None or u != u else str(u), units, lang)
            for v, u in zip(values, row_units, strict=True)
        ]
    frame = pd.DataFrame(out, columns=list(out))
    if "kpi" in cols and "indicateur" not in table.columns:
        from ui.state import kpi_name

        frame[header("kpi", lang, labels)] = [kpi_name(k, lang) for k in table["kpi"]]
    return frame


# ---------------------------------------------------------------- drawing


def show_numbers(res: ViewResult, per_row: int = 4) -> None:
    """The key numbers as metrics (label, value)."""
    items = list(res.numbers.items())
    for i in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, (label, value) in zip(cols, items[i : i + per_row], strict=False):
            col.metric(label, value, border=True)


def show_sentences(res: ViewResult, *, warn: bool = True) -> None:
    """The result's sentences: warnings as warnings (``warn``), the rest as captions."""
    for s in res.sentences:
        if warn and s.get("kind") == "warning":
            st.warning(md_escape(s["text"]), icon=":material/warning:")
        else:
            st.caption(md_escape(s["text"]))


def show_chart(res: ViewResult, key: str):
    """Draw ``res.chart``; when its spec declares a selection (and only then), return the value
    of the clicked mark's field (``res.selection["field"]``), else None."""
    if not res.chart:
        return None
    name = selection_of(res.chart) if res.selection else None
    if not name:
        st.vega_lite_chart(spec=res.chart, key=key)
        return None
    event = st.vega_lite_chart(spec=res.chart, key=key, on_select="rerun", selection_mode=name)
    points = ((event or {}).get("selection") or {}).get(name) or []
    if not points:
        return None
    return points[0].get(res.selection["field"])


def show_table(res: ViewResult, lang: str, key: str, *, labels: Mapping | None = None, **kw):
    """The result table as text; ``kw`` goes to ``st.dataframe`` (e.g. row selection)."""
    table = screen_table(res.table, lang, units=res.units, labels={**res.labels, **(labels or {})})
    if table.empty:
        return None
    return st.dataframe(table, hide_index=True, key=key, **kw)


def show_extras(res: ViewResult, lang: str, key: str, expanded: bool = False) -> None:
    for name, table in res.extra_tables.items():
        with st.expander(name, expanded=expanded):
            chart = res.extra_charts.get(name)
            if chart:
                st.vega_lite_chart(spec=chart, key=f"{key}_chart_{name}")
            shown = screen_table(pd.DataFrame(table), lang, units=res.units, labels=res.labels)
            st.dataframe(shown, hide_index=True, key=f"{key}_{name}")
    for name, chart in res.extra_charts.items():
        if name not in res.extra_tables:
            st.markdown(f"**{md_escape(name)}**")
            st.vega_lite_chart(spec=chart, key=f"{key}_chart_{name}")


def show_findings(res: ViewResult, ctx: Ctx, key: str, *, empty: str | None = None) -> None:
    """The findings panel: one expander per finding (text, its chart, its evidence table)."""
    if not res.findings:
        if empty:
            st.caption(empty)
        return
    for i, f in enumerate(res.findings):
        text = f["text_fr"] if ctx.lang == "fr" else f["text_en"]
        icon = SEVERITY_ICON.get(f.get("severity"), "ℹ️")
        is_finding = f.get("kind", "finding") == "finding"
        with st.expander(md_escape(f"{icon} {text[:110]}…"), expanded=is_finding):
            st.markdown(md_escape(text))
            if f.get("chart_spec"):
                st.vega_lite_chart(spec=f["chart_spec"], key=f"{key}_finding_{i}")
            rows = (f.get("evidence") or {}).get("table")
            if rows:
                st.dataframe(
                    screen_table(pd.DataFrame(rows), ctx.lang),
                    hide_index=True,
                    key=f"{key}_finding_table_{i}",
                )


def show(
    ctx: Ctx,
    res: ViewResult,
    *,
    key: str,
    title: bool = True,
    numbers: bool = True,
    table: bool = True,
    extras: bool = True,
    findings: bool = True,
):
    """A whole result: title, sentences, numbers, chart, table, extra tables, findings. Returns
    the clicked chart value (see ``show_chart``), or None; an error is said and nothing else."""
    if title and res.title:
        st.subheader(md_escape(res.title))
    if res.error:
        st.info(md_escape(res.error), icon=":material/info:")
        return None
    show_sentences(res)
    if numbers and res.numbers:
        show_numbers(res)
    picked = show_chart(res, f"{key}_chart")
    if table:
        show_table(res, ctx.lang, f"{key}_table")
    if extras:
        show_extras(res, ctx.lang, key)
    if findings and res.findings:
        st.markdown("**" + ("Constats" if ctx.lang == "fr" else "Findings") + "**")
        show_findings(res, ctx, key)
    return picked
