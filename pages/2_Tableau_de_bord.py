"""Tableau de bord: the dashboard view — every computable KPI by group, against its target, with
CI, n and monthly trend; breakdowns; the KPIs that cannot be computed and what they need."""

import pandas as pd
import streamlit as st

from kpis import format as fmt
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

grain = st.segmented_control(
    ctx.t("dash_compare"),
    view.periods.GRAINS,
    default="month",
    format_func=lambda g: ctx.t(f"dash_grain_{g}"),
    key="dash_compare",
    help=ctx.t("dash_compare_help"),
)
grain = grain or "month"
res = render.run_view(ctx, "dashboard", {"compare": grain})
if res.error:
    st.info(md_escape(res.error))
    st.stop()
table = res.table.set_index("kpi", drop=False)
trend = res.extra_tables.get(view.extra_name(view.TREND, ctx.lang))
trend = trend.set_index("kpi") if trend is not None else None
months = [c for c in trend.columns if c[:2].isdigit()] if trend is not None else []
breakdowns = res.extra_tables.get(view.extra_name(view.BREAKDOWNS, ctx.lang))
changes = res.extra_tables.get(view.extra_name(view.CHANGES, ctx.lang))
changes = changes.set_index("kpi", drop=False) if changes is not None else None
current = ""
period_sentences = [s["text"] for s in res.sentences if s.get("kind") in ("period", "holm")]

st.subheader(ctx.t("dash_alerts"))
for text in period_sentences:
    st.caption(md_escape(text))
alerts = res.extra_tables.get(view.extra_name(view.ALERTS, ctx.lang))
if alerts is None or not len(alerts):
    st.caption(ctx.t("dash_no_alert"))
else:
    for a in alerts.itertuples():
        said = a.population  # a count is its own population: "30 082 contacts"
        if a.unit != "count":
            said = f"{fmt.value(a.value, a.unit, ctx.lang)} {ctx.t('dash_over')} {a.population}"
        bits = [f"{a.period}{' : ' if ctx.lang == 'fr' else ': '}{said}"]
        if a.change_text:
            bits.append(a.change_text)
        if not fmt.is_missing(a.p_holm) and a.p_holm < 0.05:  # a move: its adjusted p
            bits.append(f"{ctx.t('dash_p_holm')}{fmt.p_value(a.p_holm, ctx.lang)}")
        line = f"**{md_escape(a.indicateur)}** — {md_escape(a.reason)} · "
        line += md_escape(" · ".join(bits))
        if a.sentence:
            line += f"  \n{md_escape(a.sentence)}"
        st.markdown(f":material/notifications: {line}")
cells = res.extra_tables.get(view.extra_name(view.CELLS, ctx.lang))
if cells is not None and len(cells):
    with st.expander(ctx.t("dash_decomposition")):
        st.caption(ctx.t("dash_decomposition_help"))
        st.dataframe(
            render.screen_table(cells, ctx.lang, units=res.units, labels=res.labels),
            hide_index=True,
            key="dash_cells",
        )
if changes is not None and len(changes):
    current = str(changes["current_period"].iloc[0])
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
            change = None
            if changes is not None and kpi_id in changes.index:
                change = changes.loc[kpi_id]
            kpi_card(ctx, reg.get(kpi_id), table.loc[kpi_id], line, change, current)

if res.chart:
    with st.expander(res.chart.get("title", "") or ctx.t("chart")):
        render.show_chart(res, "dash_chart")

missing = res.extra_tables.get(view.extra_name(view.UNAVAILABLE, ctx.lang))
if missing is not None and len(missing):
    st.subheader(ctx.t("unavailable"))
    st.dataframe(render.screen_table(missing, ctx.lang), hide_index=True, key="dash_missing")

with st.expander(ctx.t("targets_edit")):
    targets_editor(ctx, "targets_editor")

add_to_notebook(ctx, "dashboard", {"compare": grain})
