"""Comparaison prestataires: the comparison view — raw vs mix-standardised KPIs with intervals
and n, tests against the pooled value and pairwise (corrected), merges stated, and a weighted
scorecard with P(rank 1) from the weights and thresholds edited here."""

import streamlit as st

from kpis.compare import CORRECTIONS, default_kpis, default_strata
from kpis.views import comparison as view
from ui import compare_view as cv
from ui import render
from ui.errors import md_escape
from ui.notebook import add_to_notebook
from ui.state import field_label, kpi_name, registry, setup

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

kpis = st.multiselect(
    ctx.t("pick_kpis"),
    registry().ids,
    default=default_kpis(ctx.data.tables, ctx.params),  # the one default set (CLI, audit too)
    format_func=lambda k: kpi_name(k, ctx.lang),
    key="cmp_kpis",
)
mapped = default_strata(ctx.data.tables)
strata = st.multiselect(
    ctx.t("cmp_strata"),
    mapped,
    default=mapped,
    format_func=lambda f: field_label(f, ctx.lang),
    key="cmp_strata",
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

results = st.container()  # filled once the scorecard inputs below are read

st.subheader(ctx.t("cmp_scorecard"))
st.caption(ctx.t("cmp_score_help", n=cv.N_BOOT))
inputs = st.data_editor(
    cv.score_inputs(ctx, kpis),
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
params = {
    "kpis": list(kpis),
    "min_cell": int(min_cell),
    "strata": list(strata),
    "correction": correction,
    **({"providers": picked} if picked else {}),
    "weights": weights,
    "thresholds": thresholds,
    "n_boot": cv.N_BOOT,
}
res = render.run_view(ctx, "comparison", params)
if res.error:
    results.warning(md_escape(res.error), icon=":material/info:")
    st.stop()

with results:
    render.show_numbers(res, per_row=2)
    st.subheader(ctx.t("cmp_table"))
    raw = {"value": ctx.t("cmp_raw"), "ci_low": ctx.t("cmp_raw_low")}
    raw["ci_high"] = ctx.t("cmp_raw_high")
    render.show_table(res, ctx.lang, "cmp_table", labels=raw)
    merges = res.extra_tables.get(view.name(view.MERGES, ctx.lang))
    if merges is not None and len(merges):
        per = merges["indicateur"].value_counts(sort=False)
        detail = ", ".join(f"{k} ({v})" for k, v in per.items())
        st.caption(md_escape(ctx.t("cmp_merges", detail=detail)))
    else:
        st.caption(ctx.t("cmp_no_merge"))
    st.subheader(ctx.t("cmp_chart"))
    render.show_chart(res, "cmp_chart")
    st.subheader(ctx.t("cmp_findings"))
    for kid in kpis:
        said = [s["text"] for s in res.sentences if s.get("kpi") == kid and s["kind"] != "method"]
        said = [s for s in said if s]
        if said:
            st.markdown(f"**{md_escape(kpi_name(kid, ctx.lang))}**")
            st.markdown("\n".join("- " + md_escape(s) for s in said))
    with st.expander(ctx.t("cmp_method")):
        for s in res.sentences:
            if s["kind"] == "method":
                st.markdown("- " + md_escape(s["text"]))
        if merges is not None and len(merges):
            st.dataframe(render.screen_table(merges, ctx.lang), hide_index=True)
        st.markdown(f"**{ctx.t('cmp_pairwise')}**")
        pairwise = res.extra_tables[view.name(view.PAIRWISE, ctx.lang)]
        st.dataframe(render.screen_table(pairwise, ctx.lang), hide_index=True)

score = res.extra_tables.get(view.name(view.SCORECARD, ctx.lang))
if score is None:
    st.info(ctx.t("cmp_no_weight"))
else:
    order = ["rank", "provider", "score", "score_ci_low", "score_ci_high", "p_first"]
    order += [c for c in score.columns if c not in order]
    st.dataframe(render.screen_table(score[order], ctx.lang), hide_index=True, key="cmp_ranking")
    said = [s["text"] for s in res.sentences if s["kind"] == "score"]
    st.markdown("\n".join("- " + md_escape(s) for s in said))

add_to_notebook(ctx, "comparison", params)
