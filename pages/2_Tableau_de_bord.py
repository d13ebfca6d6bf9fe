"""Tableau de bord: the dashboard view — every computable KPI by group, against its target, with
CI, n and monthly trend; breakdowns; the KPIs that cannot be computed and what they need."""

import pandas as pd
import streamlit as st

from kpis.registry import GROUPS
from kpis.views import dashboard as view
from ui import render
from ui.cards import kpi_card
from ui.errors import md_escape
from ui.i18n import group_label
from ui.notebook import add_to_notebook
from ui.settings import targets_editor
from ui.state import registry, setup

ctx = setup("nav_dashboard")
st.title(ctx.t("dash_title"))
reg = registry()
if "contacts" not in ctx.data.tables and "surveys" not in ctx.data.tables:
    st.info(ctx.t("no_contacts"))
    st.stop()

res = render.run_view(ctx, "dashboard")
if res.error:
    st.info(md_escape(res.error))
    st.stop()
table = res.table.set_index("kpi", drop=False)
trend = res.extra_tables.get(view.extra_name(view.TREND, ctx.lang))
trend = trend.set_index("kpi") if trend is not None else None
months = [c for c in trend.columns if c[:2].isdigit()] if trend is not None else []
breakdowns = res.extra_tables.get(view.extra_name(view.BREAKDOWNS, ctx.lang))
shown = set(table["kpi"]) | (set(breakdowns["kpi"]) if breakdowns is not None else set())

for group in GROUPS:
    ids = [k.id for k in reg.by_group(group) if k.id in shown]
    if not ids:
        continue
    st.subheader(group_label(group, ctx.lang))
    cols = st.columns(4)
    for i, kpi_id in enumerate(ids):
        with cols[i % 4]:
            if kpi_id not in table.index:  # a breakdown KPI (e.g. motifs): its top rows
                st.markdown(f"**{md_escape(reg.get(kpi_id).name(ctx.lang))}**")
                top = breakdowns[breakdowns["kpi"] == kpi_id].drop(columns="indicateur")
                st.dataframe(
                    render.screen_table(top, ctx.lang), hide_index=True, key=f"dash_{kpi_id}"
                )
                continue
            line = None
            if trend is not None and kpi_id in trend.index:
                line = pd.to_numeric(trend.loc[kpi_id, months], errors="coerce")
            kpi_card(ctx, reg.get(kpi_id), table.loc[kpi_id], line)

if res.chart:
    with st.expander(res.chart.get("title", "") or ctx.t("chart")):
        render.show_chart(res, "dash_chart")

missing = res.extra_tables.get(view.extra_name(view.UNAVAILABLE, ctx.lang))
if missing is not None and len(missing):
    st.subheader(ctx.t("unavailable"))
    st.dataframe(render.screen_table(missing, ctx.lang), hide_index=True, key="dash_missing")

with st.expander(ctx.t("targets_edit")):
    targets_editor(ctx, "targets_editor")

add_to_notebook(ctx, "dashboard")
