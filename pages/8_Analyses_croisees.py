"""Analyses croisées: the ready-made cross-analysis views (a chart and its findings panel) and the
free pairing of any KPI with any KPI by any segment. Clicking a point or a bar (when the chart
declares a selection) drills down to its contacts. The views take the whole tables and the
sidebar filters (recontacts are found among every contact, as on the dashboard)."""

import streamlit as st

from kpis import crossviews as cv
from kpis.labels import category_label
from kpis.views import REGISTRY
from ui import render
from ui.errors import md_escape
from ui.notebook import add_to_notebook
from ui.state import field_label, kpi_name, registry, segment_fields, setup

ctx = setup("nav_cross")
fr = ctx.lang == "fr"
st.title("Analyses croisées" if fr else "Cross-analyses")
if "contacts" not in ctx.data.tables:
    st.info("Importez d'abord un export de contacts." if fr else "Import a contacts export first.")
    st.stop()

options = [k.split(".", 1)[1] for k in REGISTRY if k.startswith("cross.")]
choice = st.radio(
    "Analyse" if fr else "Analysis",
    options,
    horizontal=True,
    format_func=lambda k: REGISTRY[f"cross.{k}"].title(ctx.lang),
    key="cross_analysis",
)
view = REGISTRY[f"cross.{choice}"]
present = set(segment_fields(ctx.data))
params: dict = {}
if choice == "free":
    ids = registry().ids
    fields = [f for f in view.input("by").options if f in present] or sorted(present)
    c1, c2, c3, c4 = st.columns(4)
    name = lambda k: kpi_name(k, ctx.lang)  # noqa: E731
    params["x"] = c1.selectbox(
        "X", ids, index=ids.index("fcr"), format_func=name, key="cross_free_x"
    )
    params["y"] = c2.selectbox(
        "Y", ids, index=ids.index("recontact_rate_contacts"), format_func=name, key="cross_free_y"
    )
    params["by"] = c3.selectbox(
        "Segment", fields, format_func=lambda f: field_label(f, ctx.lang), key="cross_free_by"
    )
    period = c4.selectbox(
        ctx.t("period"),
        ["none", "week", "month"],
        format_func=lambda p: ctx.t("period_none" if p == "none" else p),
        key="cross_free_period",
    )
    params["period"] = None if period == "none" else period
elif any(i.name == "by" for i in view.inputs):
    by = view.input("by")
    fields = [f for f in by.options if f in present or f == "week"]
    params["by"] = st.selectbox(
        "Par" if fr else "By",
        fields,
        index=fields.index(by.default) if by.default in fields else 0,
        format_func=lambda f: ctx.t("week") if f == "week" else field_label(f, ctx.lang),
        key=f"cross_by_{choice}",
    )

res = render.run_view(ctx, view.id, params)
st.subheader(md_escape(res.title))
if res.error:
    st.info(
        ("Données insuffisantes pour cette analyse : " if fr else "Not enough data: ") + res.error,
        icon=":material/info:",
    )
else:
    render.show_sentences(res)
    render.show_numbers(res)
    picked = render.show_chart(res, f"cross_chart_{choice}")
    if picked is not None:  # the clicked point or bar: the contacts behind it
        seg = res.selection["segment"]
        rows = cv.drill(ctx.data.tables, {seg: picked}, filters=ctx.engine_filters)
        shown = str(category_label(seg, picked, ctx.lang))  # the code in words
        st.subheader(("Contacts : " if fr else "Contacts: ") + md_escape(shown))
        rows = rows.drop(columns=[c for c in ("_row", "_file") if c in rows.columns])
        st.dataframe(
            render.rows_in_words(rows, ctx.lang).rename(columns=lambda c: field_label(c, ctx.lang)),
            hide_index=True,
            key="cross_drill",
        )
    elif res.selection:
        st.caption(
            "Cliquez un point ou une barre pour voir ses contacts."
            if fr
            else "Click a point or a bar to see its contacts."
        )
    # a keyed container: drawn after the chart, it tells a browser the analysis is complete
    with st.container(key=f"cross_data_{choice}"), st.expander("Données" if fr else "Data"):
        render.show_table(res, ctx.lang, f"cross_table_{choice}")
    render.show_extras(res, ctx.lang, f"cross_{choice}")

st.subheader("Constats" if fr else "Findings")
render.show_findings(
    res,
    ctx,
    f"cross_{choice}",
    empty="Aucun constat pour cette analyse." if fr else "No finding for this analysis.",
)

add_to_notebook(ctx, "crossview", {"analysis": choice, **params})
