"""Wording of findings: the sentence around a rule's observation (lead, action, caution), the
"cannot decide" note, and labels. Every number in a sentence goes through ``kpis.format``.

Wording is French first and cautious: a finding is a lead for an audit, not a verdict. A
channel code in a sentence (``telephone``) is said in words (« Téléphone »: ``category_words``).
"""

from __future__ import annotations

import re

import pandas as pd

from kpis import format as fmt
from kpis.labels import category_label, code_words, hours_text
from kpis.rules.model import Finding, Rule, Undecidable, records


def population_n(kpi_id: str, n, lang: str = "fr") -> str:
    """``n = 18 662 appels entrants présentés``: the count with the KPI's declared population
    (the same words as its card and the glossary); ``n = 18 662`` when it declares none."""
    from kpis.definitions import REGISTRY
    from kpis.populations import population_text

    pop = REGISTRY.get(kpi_id).population if kpi_id in REGISTRY else ""
    return f"n = {population_text(n, pop, lang)}"


def label(v, lang: str = "fr", field: str = "") -> str:
    """A segment value or a date in a sentence (``9 mars 2026`` / ``9 Mar 2026``); a category
    code of ``field`` in words (``telephone`` under ``canal`` → « Téléphone »)."""
    if isinstance(v, pd.Timestamp):
        return fmt.date(v, lang)
    return str(category_label(field, v, lang))


def category_words(text: str, segment: dict | None, lang: str = "fr") -> str:
    """``text`` with the finding's segment codes (``{"canal": "telephone"}``) in words, and, in
    French, the channel codes that are never French words (``kpis.labels.code_words``) wherever
    they stand as a whole word: "Canal telephone : 12 %" → "Canal Téléphone : 12 %"; opening
    hours quoted with French day names ("mon-fri 08:00-19:00" → "lun-ven 08:00-19:00")."""
    codes = {
        v: category_label(f, v, lang)
        for f, v in (segment or {}).items()
        if isinstance(v, str) and category_label(f, v, lang) != v
    }
    for code, words in codes.items():
        text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", words, text)
    return hours_text(code_words(text, lang), lang)


def make_finding(
    rule: Rule,
    cfg: dict,
    segment: dict,
    obs: tuple[str, str],
    lead_fr: str | None = None,
    lead_en: str | None = None,
    evidence: dict | None = None,
    table: pd.DataFrame | None = None,
    chart: dict | None = None,
    severity: str | None = None,
    action: tuple[str, str] | None = None,
) -> Finding:
    """Assemble the sentence — what was seen (``obs``, fr and en, with the numbers), the lead
    (the rule's title unless given), the action, the caution — and the evidence (the rule's
    test, its thresholds ``cfg``, ``evidence``, the table's first rows). ``action`` replaces the
    rule's action when what was seen calls for another one."""
    obs_fr, obs_en = category_words(obs[0], segment, "fr"), category_words(obs[1], segment, "en")
    action_fr, action_en = action or (rule.action_fr, rule.action_en)
    text_fr = (
        f"{obs_fr} Piste d'audit, pas un verdict : {lead_fr or rule.title_fr}. "
        f"Action proposée : {action_fr} Prudence : {rule.caution_fr}"
    )
    text_en = (
        f"{obs_en} A lead for an audit, not a verdict: {lead_en or rule.title_en}. "
        f"Suggested action: {action_en} Caution: {rule.caution_en}"
    )
    ev = {"test": rule.test, "thresholds": cfg, **(evidence or {})}
    if table is not None:
        ev["table"] = records(table)
    return Finding(
        rule.id,
        rule.seed_rule,
        severity or rule.severity,
        "finding",
        dict(segment),
        text_fr,
        text_en,
        ev,
        table,
        {"type": rule.chart, **(chart or {})},
    )


def insufficient_finding(rule: Rule, err: Undecidable) -> Finding:
    """The "cannot decide" note (kind ``insufficient_data``, severity ``info``): what is
    missing."""
    needs_fr = category_words(err.needs_fr, {}, "fr")
    fr = f"« {rule.title_fr} » : impossible de trancher avec ces données — {needs_fr}."
    en = f"'{rule.title_en}': cannot decide with this data — {err.needs_en}."
    return Finding(
        rule.id,
        rule.seed_rule,
        "info",
        "insufficient_data",
        {},
        fr,
        en,
        {
            "test": rule.test,
            "needs": err.missing or list(rule.needs),
            "why_fr": needs_fr,
            "why_en": err.needs_en,
        },
    )


def field_label(name: str, lang: str = "fr") -> str:
    """A canonical field's label in lower case ("équipe", "prestataire"), else the name."""
    from kpis.schema import TABLES

    for tdef in TABLES.values():
        if name in tdef.names:
            return tdef.get(name).label(lang).lower()
    return name
