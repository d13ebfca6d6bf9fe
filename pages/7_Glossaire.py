"""Glossaire: every KPI of the registry with its definition, formula, unit, direction, target,
public reference figures (``kpis.references``, beside the target, never as it), needs,
parameters and variants, in the chosen language."""

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.engine import registry_records
from kpis.labels import category_label, code_words, hours_text, humanize, needs_text
from kpis.references import kpi_reference_text, reference_text, references_for
from kpis.registry import GROUPS
from kpis.targets import score_scale
from ui.i18n import STRINGS, choice_label, column_label, group_label, param_label, unit_label
from ui.settings import LIST_OPTIONS
from ui.state import kpi_name, setup

ctx = setup("nav_glossary")


def default_text(name: str, value) -> str:
    """A parameter's default in words: none, yes/no, a number, a list, an option's label."""
    if value is None:
        return ctx.t("none")
    if isinstance(value, bool):
        return ctx.t("yes" if value else "no")
    if isinstance(value, int | float):
        return fmt.number(value, ctx.lang, 0 if float(value).is_integer() else 2)
    if isinstance(value, list | tuple):  # channel codes in words
        fld = LIST_OPTIONS.get(name, "")
        return ", ".join(str(category_label(fld, v, ctx.lang)) for v in value) or ctx.t("none")
    if name == "opening_hours":
        return hours_text(value, ctx.lang)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {default_text(name, v)}" for k, v in value.items())
    return choice_label(name, value, ctx.lang)


def words(text: str) -> str:
    """Field ids, statuses and parameter names in a definition → « their labels »."""
    return code_words(humanize(text, ctx.lang, PARAMS), ctx.lang)


def target_note(r: dict) -> str:
    key = "target_note_" + r["id"]
    return ctx.t(key) if ctx.lang == "fr" and key in STRINGS else r.get("target_note") or ""


st.title(ctx.t("glossary_title"))
records = registry_records(ctx.lang)
PARAMS = {n: param_label(n, ctx.lang) for r in records for n in r["params"]}
query = st.text_input(ctx.t("search"), key="glossary_search").strip().lower()
if query:
    records = [
        r for r in records if query in " ".join([r["id"], r["name"], r["definition"]]).lower()
    ]

overview = pd.DataFrame(
    {
        ctx.t("kpi"): [r["name"] for r in records],
        "id": [r["id"] for r in records],  # kept for the search, not shown (a code name)
        ctx.t("unit"): [unit_label(r["unit"], ctx.lang) for r in records],
        ctx.t("direction"): [ctx.t(r["direction"]) for r in records],
        ctx.t("population"): [r.get("population_label", "") for r in records],
        column_label("target", ctx.lang): [
            fmt.value(ctx.targets.get(r["id"]), r["unit"], ctx.lang) for r in records
        ],
        ctx.t("public_ref_col"): [
            kpi_reference_text(r["id"], ctx.lang, ctx.data.tables, ctx.params) for r in records
        ],
    }
)
st.dataframe(overview, hide_index=True, column_config={"id": None})

for group in GROUPS:
    group_records = [r for r in records if r["group"] == group]
    if not group_records:
        continue
    st.header(group_label(group, ctx.lang))
    for r in group_records:
        with st.expander(r["name"]):
            st.markdown(f"**{ctx.t('definition')}** — {words(r['definition'])}")
            st.markdown(f"**{ctx.t('formula')}**")
            st.code(r["formula"], language=None, wrap_lines=True)
            target = fmt.value(ctx.targets.get(r["id"]), r["unit"], ctx.lang)
            note = f" ({target_note(r)})" if target_note(r) else ""
            st.markdown(
                f"**{ctx.t('unit')}** : {unit_label(r['unit'], ctx.lang)} · "
                f"**{ctx.t('direction')}** : "
                f"{ctx.t(r['direction'])} · **{ctx.t('target')}** : {target}{note}"
            )
            for ref in references_for(r["id"]):
                scale = score_scale(r["id"], ctx.data.tables, ctx.params) if ref.scale else None
                st.markdown(
                    f"**{ctx.t('public_ref_col')}** : {reference_text(ref, ctx.lang, scale)} — "
                    f"{ref.note(ctx.lang)}",
                    help=ctx.t("public_ref_help"),
                )
            st.markdown(f"**{ctx.t('needs')}** : {needs_text(r['needs'], ctx.lang) or '—'}")
            if r["params"]:
                st.markdown(f"**{ctx.t('params')}**")
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                ctx.t("param_name"): param_label(k, ctx.lang),
                                ctx.t("param_default"): default_text(k, v["default"]),
                                ctx.t("definition"): words(v["description"]),
                            }
                            for k, v in r["params"].items()
                        ]
                    ),
                    hide_index=True,
                )
            if r.get("variant_of"):
                st.markdown(f"**{ctx.t('variant_of')}** : {kpi_name(r['variant_of'], ctx.lang)}")
            variants = [
                x["name"] for x in registry_records(ctx.lang) if x.get("variant_of") == r["id"]
            ]
            if variants:
                st.markdown(f"**{ctx.t('variants')}** : {', '.join(variants)}")
            st.caption(f"{ctx.t('kpi_id')} : `{r['id']}`")
