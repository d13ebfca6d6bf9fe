"""Explorer: the explorer view for each picked KPI × up to two segment fields × period — table,
chart, key numbers, drill-down to the rows behind a segment, downloads."""

import pandas as pd
import streamlit as st

from kpis.deliverables.export import csv_bytes, xlsx_bytes
from kpis.views.topn import OTHER
from ui import render
from ui.errors import md_escape
from ui.explore import default_kpis, drill_down, intraday_section, selected_segment
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
    default=default_kpis(ctx.data.tables),
    format_func=lambda k: kpi_name(k, ctx.lang),
    key="ex_kpis",
)
c1, c2, c3, c4, c5 = st.columns(5)
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
top = c5.number_input(ctx.t("top_n"), min_value=3, max_value=60, value=15, step=1, key="ex_top")
if not kpi_ids:
    st.info(ctx.t("pick_one"))
    st.stop()

by = [f for f in (by1, by2) if f != none]
period = None if period == "none" else period
params = [{"kpi": k, "by": by, "period": period, "sort": sort, "top": int(top)} for k in kpi_ids]
results = {p["kpi"]: render.run_view(ctx, "explorer", p) for p in params}
for res in results.values():
    if res.error:
        st.warning(md_escape(res.error), icon=":material/info:")
ok = {k: r for k, r in results.items() if not r.error}
if not ok:  # each view said why (what the KPI needs, or no row under the filters)
    intraday_section(ctx)
    st.stop()

# one table for every KPI: the views' tables one under the other, as text (and as numbers for
# the downloads); a selected row is a segment for the drill-down
keys = [*by, *(["period"] if period else [])]
raw = pd.concat([r.table.assign(kpi=k) for k, r in ok.items()], ignore_index=True)
screen = pd.concat(
    [
        render.screen_table(r.table, ctx.lang, units=r.units).pipe(
            lambda t, k=k: t.insert(0, ctx.t("kpi"), kpi_name(k, ctx.lang)) or t
        )
        for k, r in ok.items()
    ],
    ignore_index=True,
)
picked = st.dataframe(
    screen, hide_index=True, on_select="rerun", selection_mode="single-row", key="ex_table"
)

chart_pick = None
for kpi_id, res in ok.items():
    st.markdown(f"**{md_escape(kpi_name(kpi_id, ctx.lang))}**")
    if res.numbers:
        st.caption(md_escape(" · ".join(f"{k} : {v}" for k, v in res.numbers.items())))
    render.show_sentences(res)  # e.g. "15 premiers motifs sur 1 812 ; …"
    value = render.show_chart(res, f"ex_chart_{kpi_id}_{'_'.join(by)}")
    if value is not None and res.selection and value != OTHER[ctx.lang]:
        # a clicked bar: its segment feeds the drill-down (not the pooled "autres")
        chart_pick = {res.selection["segment"]: value}

# downloads: the same rows, numbers as numbers, headers in the page's language
table = raw[["kpi", *[c for c in raw.columns if c != "kpi"]]].assign(
    kpi=raw["kpi"].map(lambda k: kpi_name(k, ctx.lang))
)
table = table.rename(columns={c: render.header(c, ctx.lang) for c in table.columns})
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

add_to_notebook(ctx, "explorer", params)
intraday_section(ctx)

st.subheader(ctx.t("drill"))
rows = (picked or {}).get("selection", {}).get("rows", [])
segment = selected_segment(raw, keys, rows) or chart_pick
if not segment:
    st.caption(ctx.t("drill_hint"))
    st.stop()
drill_down(ctx, segment, kpi_ids, period)
