"""Glossaire: every KPI of the registry with its definition, formula, unit, direction, target,
public reference figures (``kpis.references``, beside the target, never as it), needs,
parameters and variants, in the chosen language."""

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.engine import registry_records
from kpis.references import kpi_reference_text, reference_text, references_for
from kpis.registry import GROUPS
from kpis.targets import score_scale
from ui.i18n import group_label
from ui.state import kpi_name, setup

ctx = setup("nav_glossary")
st.title(ctx.t("glossary_title"))
records = registry_records(ctx.lang)
query = st.text_input(ctx.t("search"), key="glossary_search").strip().lower()
if query:
    records = [
        r for r in records if query in " ".join([r["id"], r["name"], r["definition"]]).lower()
    ]

overview = pd.DataFrame(
    {
        ctx.t("kpi"): [r["name"] for r in records],
        "id": [r["id"] for r in records],
        ctx.t("unit"): [r["unit"] for r in records],
        ctx.t("direction"): [ctx.t(r["direction"]) for r in records],
        ctx.t("population"): [r.get("population_label", "") for r in records],
        ctx.t("target"): [
            fmt.value(ctx.targets.get(r["id"]), r["unit"], ctx.lang) for r in records
        ],
        ctx.t("public_ref_col"): [
            kpi_reference_text(r["id"], ctx.lang, ctx.data.tables, ctx.params) for r in records
        ],
    }
)
st.dataframe(overview, hide_index=True)

for group in GROUPS:
    group_records = [r for r in records if r["group"] == group]
    if not group_records:
        continue
    st.header(group_label(group, ctx.lang))
    for r in group_records:
        with st.expander(f"{r['name']} · `{r['id']}`"):
            st.markdown(f"**{ctx.t('definition')}** — {r['definition']}")
            st.markdown(f"**{ctx.t('formula')}**")
            st.code(r["formula"], language=None, wrap_lines=True)
            target = fmt.value(ctx.targets.get(r["id"]), r["unit"], ctx.lang)
            note = f" ({r['target_note']})" if r.get("target_note") else ""
            st.markdown(
                f"**{ctx.t('unit')}** : {r['unit']} · **{ctx.t('direction')}** : "
                f"{ctx.t(r['direction'])} · **{ctx.t('target')}** : {target}{note}"
            )
            for ref in references_for(r["id"]):
                scale = score_scale(r["id"], ctx.data.tables, ctx.params) if ref.scale else None
                st.markdown(
                    f"**{ctx.t('public_ref_col')}** : {reference_text(ref, ctx.lang, scale)} — "
                    f"{ref.note(ctx.lang)}",
                    help=ctx.t("public_ref_help"),
                )
            needs = "; ".join(f"{t} ({', '.join(f)})" for t, f in r["needs"].items())
            st.markdown(f"**{ctx.t('needs')}** : {needs or '—'}")
            if r["params"]:
                st.markdown(f"**{ctx.t('params')}**")
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                ctx.t("param_name"): k,
                                ctx.t("param_default"): str(v["default"]),
                                ctx.t("definition"): v["description"],
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
                st.markdown(f"**Variantes / variants** : {', '.join(variants)}")
