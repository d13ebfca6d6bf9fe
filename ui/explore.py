"""Explorer pieces: the selected segment and the rows behind a segment (drill-down)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.deliverables.export import csv_bytes
from kpis.labels import category_label
from ui.errors import md_escape
from ui.render import rows_in_words
from ui.state import TIME_FIELDS, Ctx, field_label, filter_frame, registry

SHOWN_ROWS = 200
PERIOD_STEP = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
}


def selected_segment(res: pd.DataFrame, keys: list[str], rows: list[int]) -> dict | None:
    if not rows or not keys:
        return None
    row = res.iloc[rows[0]]
    return {k: row[k] for k in keys}


def _table_for(ctx: Ctx, kpi_ids: list[str], fields: list[str]) -> str | None:
    reg = registry()
    names = [t for k in kpi_ids for t in reg.get(k).needs] + ["contacts"]
    for name in dict.fromkeys(names):
        df = ctx.table(name)
        if df is not None and all(f in df.columns for f in fields):
            return name
    return None


def drill_down(ctx: Ctx, segment: dict, kpi_ids: list[str], period) -> None:
    """The first rows (and a CSV of all rows) of the table behind the selected segment."""
    fields = [k for k in segment if k != "period"]
    name = _table_for(ctx, kpi_ids, fields)
    if name is None:
        st.info(ctx.t("no_rows"))
        return
    rows = ctx.filtered(name)
    values = {k: [str(v)] for k, v in segment.items() if k != "period" and not _na(v)}
    rows = filter_frame(rows, values, None, name)
    for k, v in segment.items():
        if k != "period" and _na(v):
            rows = rows[rows[k].isna()]
    if "period" in segment and period:
        tf = TIME_FIELDS.get(name)
        start = pd.Timestamp(segment["period"])
        rows = rows[(rows[tf] >= start) & (rows[tf] < start + PERIOD_STEP[period])]
    label = " · ".join(
        f"{field_label(k, ctx.lang)} = {category_label(k, v, ctx.lang)}" for k, v in segment.items()
    )
    st.caption(md_escape(label))
    st.caption(
        ctx.t("first_rows", n=fmt.integer(len(rows), ctx.lang), shown=min(len(rows), SHOWN_ROWS))
    )
    shown = rows.drop(columns=[c for c in ("_row", "_file") if c in rows.columns])
    st.dataframe(
        rows_in_words(shown.head(SHOWN_ROWS), ctx.lang).rename(
            columns=lambda c: field_label(c, ctx.lang)
        ),
        hide_index=True,
        key="ex_drill",
    )
    st.download_button(
        ctx.t("download_drill"),
        lambda: csv_bytes(shown, ctx.lang),
        file_name=f"pilote_{name}_segment.csv",
        mime="text/csv",
        key="ex_drill_csv",
    )


def _na(v) -> bool:
    return v is None or v == "" or (not isinstance(v, str) and pd.isna(v))


# ---------------------------------------------------------------- default KPIs

DEFAULT_KPIS = ("csat", "fcr_measured")
FALLBACK_KPIS = ("volume", "answer_rate", "service_level", "nps", "fcr", "dmt", "quality_calls")


def default_kpis(tables: dict) -> list[str]:
    """The KPIs the Explorer opens on: the computable ones of the default list (what they need
    is in the data), else the first computable of a longer list, else of the registry."""
    from kpis.views.explorer import lacking

    ok = [k for k in DEFAULT_KPIS if not lacking(tables, k)]
    if ok:
        return ok
    for k in (*FALLBACK_KPIS, *registry().ids):
        if k in registry() and not lacking(tables, k):
            return [k]
    return []


# ---------------------------------------------------------------- hours and slots


def intraday_section(ctx: Ctx) -> None:
    """Hours and slots (``kpis.views.intraday``): hour × weekday heat map or 15/30/60-min slots
    of volume, presented calls, wait or service level over the filtered contacts."""
    from kpis.views import intraday
    from ui import render
    from ui.notebook import add_to_notebook

    contacts = ctx.table("contacts")
    if contacts is None or "started_at" not in contacts.columns:
        return
    st.subheader(ctx.t("intraday_title"))
    have = set(contacts.columns)
    measures = [
        m
        for m in intraday.MEASURES
        if m == "volume" or ("answered" in have and (m == "offered" or "wait_s" in have))
    ]
    c1, c2, c3 = st.columns(3)
    measure = c1.selectbox(
        ctx.t("intraday_measure"),
        measures,
        format_func=lambda m: intraday.measure_name(m, ctx.lang),
        key="ex_intra_measure",
    )
    layout = c2.radio(
        ctx.t("intraday_layout"),
        list(intraday.LAYOUTS),
        format_func=lambda v: ctx.t("intraday_" + v),
        horizontal=True,
        key="ex_intra_layout",
    )
    params = {"measure": measure, "layout": layout}
    if layout == "intraday":
        params["slot"] = c3.selectbox(
            ctx.t("intraday_slot"),
            list(intraday.SLOTS),
            index=1,
            format_func=lambda m: f"{m} min",
            key="ex_intra_slot",
        )
    res = render.run_view(ctx, "intraday", params)
    files = [r for r in ctx.data.results if r.table == "contacts"]
    dated = [r.report["file"] for r in files if "started_at" in r.report.get("date_only", [])]
    if dated and len(dated) < len(files):  # the others carry hours: these fall at 00 h
        st.warning(md_escape(ctx.t("intraday_mixed", files=", ".join(dated))))
    if res.error:
        st.info(md_escape(res.error), icon=":material/schedule:")
        return
    render.show_sentences(res)
    sep = " : " if ctx.lang == "fr" else ": "
    st.caption(md_escape(" · ".join(f"{k}{sep}{v}" for k, v in res.numbers.items())))
    render.show_chart(res, "ex_intra_chart")
    with st.expander(ctx.t("intraday_table")):
        render.show_table(res, ctx.lang, "ex_intra_table")
    add_to_notebook(ctx, "intraday", params, key="nb_add_intraday")
