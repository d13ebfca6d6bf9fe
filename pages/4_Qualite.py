"""Qualité: the quality view — notes d'écoute and picking by grid item, agent and evaluator;
coverage per agent and month; the score distribution."""

import streamlit as st

from kpis.views import quality as view
from ui import render
from ui.errors import md_escape
from ui.notebook import add_to_notebook
from ui.state import kpi_name, setup

ctx = setup("nav_quality")
st.title(ctx.t("quality_title"))
evals = ctx.table("evaluations")
if evals is None:
    st.info(ctx.t("no_evaluations"))
    st.stop()

c1, c2, c3 = st.columns(3)
kpi_id = c1.selectbox(
    ctx.t("kpi"), list(view.KPIS), format_func=lambda k: kpi_name(k, ctx.lang), key="q_kpi"
)
grids = ["*", *sorted(evals["grid"].dropna().astype("str").unique())] if "grid" in evals else ["*"]
grid = c2.selectbox(
    ctx.t("grid"), grids, key="q_grid", format_func=lambda g: ctx.t("all") if g == "*" else g
)
low_pct = c3.slider(ctx.t("low_threshold"), 50, 95, 70, key="q_low")
params = {"kpi": kpi_id, "grid": grid, "low_pct": int(low_pct)}
res = render.run_view(ctx, "quality", params)
if res.error:
    st.info(md_escape(res.error))
    st.stop()

render.show_numbers(res)
if res.population:
    st.caption(res.population)
st.subheader(ctx.t("by_item"))
render.show_sentences(res)
render.show_chart(res, "q_items_chart")
render.show_table(res, ctx.lang, "q_items")

left, right = st.columns(2)
for col, pair, title in (
    (left, view.BY_AGENT, "by_agent"),
    (right, view.BY_EVALUATOR, "by_evaluator"),
):
    with col:
        st.subheader(ctx.t(title))
        chart = res.extra_charts.get(view.name(pair, ctx.lang))
        if chart is None:
            st.caption(ctx.t("no_rows"))
            continue
        st.vega_lite_chart(spec=chart, key=f"q_{title}")
        st.caption(ctx.t("below_target"))

for pair in (view.COVERAGE, view.DISTRIBUTION):
    chart = res.extra_charts.get(view.name(pair, ctx.lang))
    if chart is not None:
        st.subheader(view.name(pair, ctx.lang))
        st.vega_lite_chart(spec=chart, key=f"q_{pair[1]}")

add_to_notebook(ctx, "quality", params)
