"""Paramètres: calculation rules (opening hours, recontact, service level, survey scales,
avoidable motifs…), per-period inputs (costs, hours, customer base, headcount) and targets."""

import streamlit as st

from ui.settings import (
    PERIOD_COLUMNS,
    PERIOD_LABELS,
    SECTIONS,
    clean,
    descriptions,
    overrides,
    param_widget,
    period_editor,
    period_upload,
    store_period_inputs,
    targets_editor,
)
from ui.state import default_params, setup

ctx = setup("nav_settings")
st.title(ctx.t("settings_title"))
defaults = default_params()
helps = descriptions(ctx.lang)
placed = {n for names in SECTIONS.values() for n in names}
sections = {**SECTIONS, "other_params": tuple(n for n in defaults if n not in placed)}

with st.form("params_form"):
    chosen = {}
    for section, names in sections.items():
        st.subheader(ctx.t(section))
        cols = st.columns(3)
        for i, name in enumerate(n for n in names if n in defaults):
            with cols[i % 3]:
                value = param_widget(
                    ctx, name, defaults[name], ctx.param(name), helps.get(name, "")
                )
                chosen[name] = clean(name, value, defaults[name])
    c1, c2 = st.columns(2)
    applied = c1.form_submit_button(ctx.t("apply"), type="primary")
    reset = c2.form_submit_button(ctx.t("reset"))
if applied:
    st.session_state["params"] = overrides(chosen)
    st.success(ctx.t("settings_saved"))
if reset:
    st.session_state["params"] = {}
    for name in defaults:
        st.session_state.pop("p_" + name, None)
    st.rerun()

st.header(ctx.t("period_inputs"))
edited = {}
for kind in PERIOD_COLUMNS:
    with st.expander(PERIOD_LABELS[kind][0 if ctx.lang == "fr" else 1]):
        loaded = period_upload(ctx, kind)
        if loaded is not None:
            store_period_inputs(ctx, {**ctx.period_inputs, kind: loaded})
            st.rerun()
        edited[kind] = period_editor(ctx, kind)
if st.button(ctx.t("apply"), key="period_apply"):
    store_period_inputs(ctx, edited)
    st.success(ctx.t("settings_saved"))

st.header(ctx.t("targets"))
targets_editor(ctx, "targets_settings")
