"""Tableau de bord: every computable KPI by group, against its target, with CI, n and trend."""

import pandas as pd
import streamlit as st

from kpis.engine import RESULT_COLUMNS
from kpis.registry import GROUPS
from ui.cards import kpi_card
from ui.format import fmt_value
from ui.i18n import group_label
from ui.notebook import add_to_notebook
from ui.settings import targets_editor
from ui.state import kpi_name, registry, setup

ctx = setup("nav_dashboard")
st.title(ctx.t("dash_title"))
reg = registry()
if "contacts" not in ctx.data.tables and "surveys" not in ctx.data.tables:
    st.info(ctx.t("no_contacts"))
    st.stop()

with st.spinner(ctx.t("computing")):
    overall = ctx.compute(reg.ids)
    monthly = ctx.compute(reg.ids, period="month")
keyed = {c for c in overall.columns if c not in ("kpi", "period")} - set(RESULT_COLUMNS)
computable = overall[overall["status"] != "not_computable"]

for group in GROUPS:
    ids = [k.id for k in reg.by_group(group) if k.id in set(computable["kpi"])]
    if not ids:
        continue
    st.subheader(group_label(group, ctx.lang))
    cols = st.columns(4)
    for i, kpi_id in enumerate(ids):
        rows = computable[computable["kpi"] == kpi_id]
        with cols[i % 4]:
            extra = [c for c in keyed if rows[c].notna().any()]
            if extra:  # a breakdown KPI (e.g. motifs): its top rows
                st.markdown(f"**{kpi_name(kpi_id, ctx.lang)}**")
                top = rows.sort_values("value", ascending=False).head(5)
                st.dataframe(
                    pd.DataFrame(
                        {
                            extra[0]: top[extra[0]].astype("str"),
                            ctx.t("value"): [
                                fmt_value(v, u, ctx.lang)
                                for v, u in zip(top["value"], top["unit"], strict=True)
                            ],
                            "n": top["n"],
                        }
                    ),
                    hide_index=True,
                )
                continue
            trend = monthly[monthly["kpi"] == kpi_id]
            trend = (
                trend["value"] if len(trend) and not trend[extra].notna().any(axis=None) else None
            )
            kpi_card(ctx, reg.get(kpi_id), rows.iloc[0], trend)

missing_rows = overall[overall["status"] == "not_computable"]
if len(missing_rows):
    st.subheader(ctx.t("unavailable"))
    needs = {k.id: "; ".join(f"{t}: {', '.join(f)}" for t, f in k.needs.items()) for k in reg}
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("kpi"): [kpi_name(k, ctx.lang) for k in missing_rows["kpi"]],
                ctx.t("needs"): [needs.get(k, "") for k in missing_rows["kpi"]],
                ctx.t("detail"): missing_rows["detail"].astype("str"),
            }
        ),
        hide_index=True,
    )

with st.expander(ctx.t("targets_edit")):
    targets_editor(ctx, "targets_editor")

add_to_notebook(ctx, "dashboard")
