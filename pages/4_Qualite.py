"""Qualité: notes d'écoute and picking — by grid item, agent, evaluator; coverage; distribution."""

import streamlit as st

from ui import charts
from ui.cards import kpi_card
from ui.errors import md_escape
from ui.format import result_columns
from ui.notebook import add_to_notebook
from ui.quality import item_scores
from ui.state import field_label, kpi_name, registry, setup

ctx = setup("nav_quality")
st.title(ctx.t("quality_title"))
evals = ctx.filtered("evaluations")
if evals is None:
    st.info(ctx.t("no_evaluations"))
    st.stop()

c1, c2, c3 = st.columns(3)
kpi_id = c1.selectbox(
    ctx.t("kpi"),
    ["quality_calls", "quality_written"],
    format_func=lambda k: kpi_name(k, ctx.lang),
    key="q_kpi",
)
grids = ["*", *sorted(evals["grid"].dropna().astype("str").unique())] if "grid" in evals else ["*"]
grid = c2.selectbox(
    ctx.t("grid"), grids, key="q_grid", format_func=lambda g: ctx.t("all") if g == "*" else g
)
low_pct = c3.slider("Seuil « faible » (% du max) / low threshold", 50, 95, 70, key="q_low")
extra = {} if grid == "*" else {"grid": [grid]}
if grid != "*":
    evals = evals[evals["grid"].astype("str") == grid]
if evals.empty:
    st.info(ctx.t("no_rows"))
    st.stop()

overall = ctx.compute([kpi_id, "eval_coverage"], extra_filters=extra)
cols = st.columns(2)
for col, (_, row) in zip(cols, overall.iterrows(), strict=False):
    with col:
        kpi_card(ctx, registry().get(row["kpi"]), row, None)

st.subheader(ctx.t("by_item"))
items = item_scores(evals, f"{ctx.data.id}|{ctx.filters}|{ctx.date_range}|{grid}", low_pct)
if items.empty:
    st.caption(ctx.t("no_rows"))
else:
    low = items[items["low"]]
    if len(low):
        st.warning(md_escape(ctx.t("low_items", th=low_pct, items=", ".join(low["item"]))))
    st.altair_chart(charts.ranked_bars(items, "item", "value", flag="low", title=ctx.t("mean")))
    st.dataframe(items, hide_index=True, column_config=result_columns(ctx.t))

left, right = st.columns(2)
for col, fld, title in ((left, "agent_id", "by_agent"), (right, "evaluator", "by_evaluator")):
    with col:
        st.subheader(ctx.t(title))
        res = ctx.compute([kpi_id], by=[fld], extra_filters=extra)
        res = res[res["status"].isin(["ok", "low_sample"])]
        if res.empty:
            st.caption(ctx.t("no_rows"))
            continue
        below = res["value"] < ctx.targets.get(kpi_id, float("-inf"))
        st.altair_chart(
            charts.ranked_bars(
                res.assign(low=below), fld, "value", flag="low", title=kpi_name(kpi_id, ctx.lang)
            )
        )
        st.caption(ctx.t("below_target"))

st.subheader(ctx.t("per_agent_period"))
cov = ctx.compute(["eval_coverage"], by=["agent_id"], period="month", extra_filters=extra)
cov = cov[cov["status"] != "not_computable"].dropna(subset=["value"])
if len(cov):
    st.altair_chart(
        charts.heatmap(cov, "period", "agent_id", title=ctx.t("evaluations"), unit="count")
    )
    st.caption(f"{kpi_name('eval_coverage', ctx.lang)} — {field_label('agent_id', ctx.lang)}")

st.subheader(ctx.t("distribution"))
if {"score", "max_score"} <= set(evals.columns):
    pct = 100 * evals["score"] / evals["max_score"]
    st.altair_chart(charts.histogram(pct, title=ctx.t("score_pct")))
    st.caption(f"n = {pct.notna().sum()}")

add_to_notebook(
    ctx, "quality", {"kpis": [kpi_id, "eval_coverage"], "by": "agent_id"}, extra_filters=extra
)
