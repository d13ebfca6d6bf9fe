"""Explorer: KPIs × up to two segment fields × period; table, chart, drill-down, downloads."""

import streamlit as st

from kpis.deliverables.export import csv_bytes, xlsx_bytes
from ui import charts
from ui.errors import md_escape
from ui.explore import drill_down, result_table, selected_segment
from ui.format import result_columns
from ui.notebook import add_to_notebook
from ui.state import field_label, kpi_name, registry, segment_fields, setup

ctx = setup("nav_explorer")
st.title(ctx.t("explorer_title"))
reg = registry()
fields = segment_fields(ctx.data)
if not ctx.data.tables:
    st.info(ctx.t("no_contacts"))
    st.stop()

kpi_ids = st.multiselect(
    ctx.t("pick_kpis"),
    reg.ids,
    default=["csat", "fcr_measured"],
    format_func=lambda k: kpi_name(k, ctx.lang),
    key="ex_kpis",
)
c1, c2, c3, c4 = st.columns(4)
none = "—"
fmt_field = lambda f: ctx.t("none") if f == none else field_label(f, ctx.lang)  # noqa: E731
by1 = c1.selectbox(
    ctx.t("segment1"),
    [none, *fields],
    index=1 if fields else 0,
    format_func=fmt_field,
    key="ex_by1",
)
by2 = c2.selectbox(
    ctx.t("segment2"), [none, *[f for f in fields if f != by1]], format_func=fmt_field, key="ex_by2"
)
period = c3.selectbox(
    ctx.t("period"),
    ["none", "month", "week", "day"],
    format_func=lambda p: ctx.t("period_none" if p == "none" else p),
    key="ex_period",
)
sort = c4.selectbox(
    ctx.t("sort"),
    ["segment", "value_desc", "value_asc"],
    format_func=lambda s: ctx.t("sort_" + s),
    key="ex_sort",
)
if not kpi_ids:
    st.info(ctx.t("pick_one"))
    st.stop()

by = [f for f in (by1, by2) if f != none]
period = None if period == "none" else period
res = ctx.compute(kpi_ids, by=by, period=period)
for row in res[res["status"] == "not_computable"].drop_duplicates("kpi").itertuples():
    st.warning(md_escape(f"{kpi_name(row.kpi, ctx.lang)} : {row.detail}"), icon=":material/info:")
res = res[res["status"] != "not_computable"]
if res.empty:
    st.info(ctx.t("no_rows"))
    st.stop()
if sort != "segment":
    res = res.sort_values(["kpi", "value"], ascending=[True, sort == "value_asc"])

keys = [*by, *(["period"] if period else [])]
table = result_table(ctx, res, keys)
picked = st.dataframe(
    table,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="ex_table",
    column_config=result_columns(ctx.t),
)

chart_pick = None
for kpi_id in kpi_ids:
    part = res[res["kpi"] == kpi_id]
    if part.empty:
        continue
    title, unit = kpi_name(kpi_id, ctx.lang), part["unit"].iloc[0]
    st.markdown(f"**{title}**")
    if period:
        if len(by) == 2:  # one line per pair of segment values
            pair = part[by[0]].astype("str") + " · " + part[by[1]].astype("str")
            part = part.assign(**{" · ".join(by): pair})
        color = " · ".join(by) if by else None
        chart = charts.lines(part, color=color, title=title, unit=unit)
    elif len(by) == 2:
        chart = charts.heatmap(part, by[0], by[1], title=title, unit=unit)
    elif by:
        chart = charts.bars_ci(
            part, by[0], title=title, unit=unit, seg_title=field_label(by[0], ctx.lang)
        )
    else:
        chart = charts.bars_ci(part, "kpi", title=title, unit=unit, selectable=False)
    selectable = len(by) == 1 and not period
    event = st.altair_chart(
        chart,
        key=f"ex_chart_{kpi_id}_{'_'.join(by)}",
        on_select="rerun" if selectable else "ignore",
    )
    points = (event or {}).get("selection", {}).get(charts.SELECTION) if selectable else None
    if points:  # a clicked bar: its segment feeds the drill-down
        chart_pick = {by[0]: points[0]["_seg"]}

d1, d2 = st.columns(2)
d1.download_button(
    ctx.t("download_csv"),
    csv_bytes(table, ctx.lang),
    file_name="pilote_explorer.csv",
    mime="text/csv",
)


d2.download_button(
    ctx.t("download_xlsx"),
    lambda: xlsx_bytes(table, ctx.lang),  # built only when the button is clicked
    file_name="pilote_explorer.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

add_to_notebook(ctx, "explorer", [{"kpi": k, "by": by, "period": period} for k in kpi_ids])

st.subheader(ctx.t("drill"))
rows = (picked or {}).get("selection", {}).get("rows", [])
segment = selected_segment(res, keys, rows) or chart_pick
if not segment:
    st.caption(ctx.t("drill_hint"))
    st.stop()
drill_down(ctx, res, segment, kpi_ids, period)
