"""Analyses croisées: ready-made cross-analyses (a chart and its findings panel), and a free
pairing of any KPI with any KPI by any segment. Clicking a point drills down to its contacts.
The analyses and their findings take the whole tables and the sidebar filters (recontacts are
found among every contact, as on the dashboard)."""

import pandas as pd
import streamlit as st

from kpis import crossviews as cv
from kpis.rules import run_rules
from ui.cross_charts import bars_ci, finding_chart, heatmap, lines, quadrant_scatter
from ui.notebook import add_to_notebook
from ui.state import kpi_name, registry, segment_fields, setup

ctx = setup("nav_cross")
fr = ctx.lang == "fr"
st.title("Analyses croisées" if fr else "Cross-analyses")
if "contacts" not in ctx.data.tables:
    st.info("Importez d'abord un export de contacts." if fr else "Import a contacts export first.")
    st.stop()

tables = ctx.data.tables  # whole: each analysis applies the filters itself
filters = ctx.engine_filters
params = {k: v for k, v in ctx.params.items() if k in {n for q in registry() for n in q.params}}


@st.cache_data(show_spinner=False, max_entries=16)
def findings(dataset_id: str, filters_key, params_key, targets_key, _tables, _filters, _params):
    # whole tables + filters, as the analyses: recontacts are found among every contact
    return run_rules(_tables, _params, {"targets": dict(targets_key)}, filters=_filters)


found = findings(
    ctx.data.id,
    repr(filters),
    repr(params),
    tuple(sorted(ctx.targets.items())),
    tables,
    filters,
    params,
)
labels = {k: (v[0] if fr else v[1]) for k, v in cv.ANALYSES.items()}
choice = st.radio(
    "Analyse" if fr else "Analysis",
    [*labels, "free"],
    horizontal=True,
    format_func=lambda k: labels.get(k, "Libre" if fr else "Free pairing"),
)
tg = ctx.targets
selected = None
try:
    if choice == "fcr_recontact":
        by = st.selectbox("Par" if fr else "By", ["motif", "agent_id", "week"])
        df = cv.fcr_recontact(tables, by, params, filters=filters)
        label = "period" if by == "week" else by
        chart = quadrant_scatter(
            df,
            label,
            "x_value",
            "y_value",
            x_title=kpi_name("fcr", ctx.lang),
            y_title=kpi_name("recontact_rate_contacts", ctx.lang),
            x_target=tg.get("fcr"),
            y_target=tg.get("recontact_rate_contacts"),
        )
    elif choice == "declared_measured":
        df = cv.declared_measured(tables, "provider", params, filters=filters)
        chart = bars_ci(df.assign(label=df["provider"] + " · " + df["kpi"]), "label")
    elif choice == "wait_abandon":
        df = cv.wait_abandon(tables, filters=filters)
        chart = heatmap(df, "hour", "weekday", "abandon_rate", title="abandon %")
    elif choice == "volume_recontact":
        df, lags = cv.volume_recontact(tables, params, filters=filters)
        chart = lines(df, "period", ["volume", "recontact"])
        st.dataframe(lags, hide_index=True)
    elif choice == "dmt_motif":
        df = cv.dmt_by(tables, "motif", filters=filters)
        chart = bars_ci(df, "motif")
    elif choice == "transfer_motif":
        df = cv.transfer_motif(tables, params, filters=filters)
        chart = bars_ci(df.drop_duplicates("motif"), "motif", target=tg.get("transfer_rate"))
    elif choice == "csat_fcr":
        df = cv.csat_fcr(tables, "motif", params, filters=filters)
        chart = quadrant_scatter(
            df,
            "motif",
            "x_value",
            "y_value",
            x_title=kpi_name("fcr_survey", ctx.lang),
            y_title=kpi_name("csat", ctx.lang),
            x_target=tg.get("fcr_survey"),
            y_target=tg.get("csat"),
        )
    elif choice == "avoidable_pareto":
        df = cv.avoidable_pareto(tables, params, filters=filters)
        chart = bars_ci(df, "motif", "share", lo=None, hi=None)
    elif choice == "ho_hno":
        df = cv.ho_hno(tables, params, filters=filters)
        chart = bars_ci(df, "canal", target=tg.get("ho_hno"))
    else:
        ids = registry().ids
        c1, c2, c3 = st.columns(3)
        kx = c1.selectbox("X", ids, index=ids.index("fcr"))
        ky = c2.selectbox("Y", ids, index=ids.index("recontact_rate_contacts"))
        seg = c3.selectbox("Segment", segment_fields(ctx.data))
        df = cv.pairing(tables, kx, ky, seg, params, filters=filters)
        chart = quadrant_scatter(
            df,
            seg,
            "x_value",
            "y_value",
            x_title=kpi_name(kx, ctx.lang),
            y_title=kpi_name(ky, ctx.lang),
            x_target=tg.get(kx),
            y_target=tg.get(ky),
        )
except (KeyError, ValueError) as exc:
    st.info(
        (
            "Données insuffisantes pour cette analyse : "
            if fr
            else "Not enough data for this analysis: "
        )
        + str(exc)
    )
    st.stop()

if df is None or df.empty:
    st.info("Aucune donnée pour cette analyse." if fr else "No data for this analysis.")
    st.stop()
event = st.altair_chart(chart, on_select="rerun", key=f"chart_{choice}")
points = (event.selection.get("point") if event and event.selection else None) or []
if points:
    picked = points[0].get("_label") or points[0].get("_x")
    seg_field = next(
        (
            c
            for c in df.columns
            if c in ("motif", "agent_id", "provider", "canal", "period", *segment_fields(ctx.data))
        ),
        None,
    )
    if picked is not None and seg_field:
        rows = cv.drill(tables, {seg_field: picked}, filters=filters)
        st.subheader(("Contacts : " if fr else "Contacts: ") + str(picked))
        st.dataframe(rows, hide_index=True)

with st.expander("Données" if fr else "Data"):
    st.dataframe(df, hide_index=True)

st.subheader("Constats" if fr else "Findings")
rules = set(cv.ANALYSES.get(choice, ("", "", tuple(f.rule for f in found)))[2])
panel = [f for f in found if f.rule in rules]
if not panel:
    st.caption("Aucun constat pour cette analyse." if fr else "No finding for this analysis.")
for f in panel:
    icon = {"alert": "🔴", "warning": "🟠"}.get(f.severity, "ℹ️")
    with st.expander(f"{icon} {f.text(ctx.lang)[:110]}…", expanded=f.is_finding):
        st.write(f.text(ctx.lang))
        fig = finding_chart(f)
        if fig is not None:
            st.altair_chart(fig)
        if f.table is not None:
            st.dataframe(pd.DataFrame(f.table), hide_index=True)

view = {"analysis": choice}
if choice == "fcr_recontact":
    view["by"] = by
elif choice == "free":
    view.update(x=kx, y=ky, by=seg)
add_to_notebook(ctx, "crossview", view)
