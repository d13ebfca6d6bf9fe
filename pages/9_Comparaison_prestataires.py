"""Comparaison prestataires: raw vs mix-standardised KPIs with intervals and n, tests against the
pooled value and pairwise (corrected), merges stated, and a weighted scorecard with P(rank 1)."""

import streamlit as st

from kpis.compare import CORRECTIONS
from kpis.errors import PiloteError
from ui import compare_view as cv
from ui.errors import md_escape, show_error
from ui.notebook import add_to_notebook, view_filters
from ui.state import _engine_params, kpi_name, period_inputs_digest, registry, setup

ctx = setup("nav_compare")
st.title(ctx.t("cmp_title"))
providers = cv.providers_in(ctx)
if not providers:
    st.info(ctx.t("cmp_no_provider"))
    st.stop()
picked = list(ctx.filters.get("provider") or [])  # the sidebar filter, else every provider
if len(picked or providers) < 2:
    st.info(ctx.t("cmp_too_few", found=", ".join(picked or providers)))
    st.stop()
st.caption(ctx.t("cmp_intro"))

overall = ctx.compute(cv.PAGE_KPIS)
computable = [
    k for k in cv.PAGE_KPIS if k in set(overall[overall["status"] != "not_computable"]["kpi"])
]
kpis = st.multiselect(
    ctx.t("pick_kpis"),
    registry().ids,
    default=computable,
    format_func=lambda k: kpi_name(k, ctx.lang),
    key="cmp_kpis",
)
c1, c2 = st.columns(2)
min_cell = c1.number_input(ctx.t("cmp_min_cell"), 5, 1000, 30, step=5, key="cmp_min_cell")
correction = c2.selectbox(
    ctx.t("cmp_correction"),
    CORRECTIONS,
    format_func=lambda c: {"holm": "Holm", "bh": "Benjamini-Hochberg"}[c],
    key="cmp_correction",
)
if not kpis:
    st.info(ctx.t("pick_one"))
    st.stop()

filters = view_filters(ctx)
params = _engine_params(ctx.params, ctx.data)
data_key = f"{ctx.data.id}#{period_inputs_digest(ctx.period_inputs)}"
try:
    with st.spinner(ctx.t("computing")):
        comp = cv.comparison(
            data_key,
            tuple(kpis),
            int(min_cell),
            correction,
            filters,
            params,
            tuple(picked),
            _tables={**ctx.data.tables, **ctx.period_inputs},
        )
except PiloteError as exc:
    show_error(exc, ctx.lang)
    st.stop()

st.subheader(ctx.t("cmp_table"))
st.dataframe(cv.comparison_table(ctx, comp), hide_index=True, column_config=cv.table_config(ctx))
statement, merges = cv.merges_summary(ctx, comp)
st.caption(md_escape(statement))

st.subheader(ctx.t("cmp_chart"))
charts = [c for c in (cv.kpi_chart(ctx, comp, k) for k in kpis) if c is not None]
cols = st.columns(2)
for i, chart in enumerate(charts):
    cols[i % 2].altair_chart(chart)

st.subheader(ctx.t("cmp_findings"))
for kid in kpis:
    said = [s[ctx.lang] for s in comp.sentences if s.get("kpi") == kid and s["kind"] != "method"]
    if said:
        st.markdown(f"**{md_escape(kpi_name(kid, ctx.lang))}**")
        st.markdown("\n".join("- " + md_escape(s) for s in said))
with st.expander(ctx.t("cmp_method")):
    for s in comp.sentences:
        if s["kind"] == "method":
            st.markdown("- " + md_escape(s[ctx.lang]))
    if len(merges):
        st.dataframe(merges, hide_index=True)
    st.markdown(f"**{ctx.t('cmp_pairwise')}**")
    st.dataframe(comp.pairwise, hide_index=True)

st.subheader(ctx.t("cmp_scorecard"))
st.caption(ctx.t("cmp_score_help", n=cv.N_BOOT))
inputs = st.data_editor(
    cv.score_inputs(ctx, comp),
    hide_index=True,
    disabled=["kpi", ctx.t("kpi")],
    column_config=cv.score_config(ctx),
    key=cv.score_key(kpis),
)
weights = {
    r.kpi: float(r.weight) for r in inputs.itertuples() if r.weight == r.weight and r.weight > 0
}
thresholds = {
    r.kpi: {"value": float(r.threshold), "label": str(r.label or "")}
    for r in inputs.itertuples()
    if r.kpi in weights and r.threshold == r.threshold
}
sc = None
if not weights:
    st.info(ctx.t("cmp_no_weight"))
else:
    sc = cv.ranked(
        repr((data_key, kpis, min_cell, correction, filters, params, picked)),
        weights,
        thresholds,
        cv.N_BOOT,
        _comp=comp,
    )
    st.dataframe(cv.score_table(ctx, sc), hide_index=True, key="cmp_ranking")
    st.markdown("\n".join("- " + md_escape(s) for s in sc.text(ctx.lang)))

add_to_notebook(
    ctx,
    "comparison",
    {
        "kpis": list(kpis),
        "min_cell": int(min_cell),
        "correction": correction,
        **({"providers": picked} if picked else {}),
        "weights": weights,
        "thresholds": thresholds,
        "n_boot": cv.N_BOOT,
    },
)
