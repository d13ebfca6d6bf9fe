"""Words a client reads instead of ids: rule titles, severities, field and value labels, and the
data period. Used by the PowerPoint deck (and the chart images) so that no rule id
(``qos_below_nf345``), severity code (``alert``) or raw field / value (``agent_id``,
``reseaux_sociaux``) reaches a slide."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kpis import format as fmt
from kpis.deliverables.content import COLUMN_LABELS_FR

SEVERITY = {
    "alert": ("Alerte", "Alert"),
    "warning": ("Attention", "Warning"),
    "info": ("Information", "Information"),
    "note": ("Note", "Note"),
}
# Canonical values of the normalised categories (kpis.schema CANAL_VALUES, DIRECTION_VALUES…).
VALUE_LABELS = {
    "telephone": ("Téléphone", "Phone"),
    "email": ("E-mail", "E-mail"),
    "chat": ("Chat", "Chat"),
    "reseaux_sociaux": ("Réseaux sociaux", "Social media"),
    "courrier": ("Courrier", "Mail"),
    "web": ("Formulaire web", "Web form"),
    "sms": ("SMS", "SMS"),
    "fax": ("Fax", "Fax"),
    "orientation": ("Orientation", "Referral"),
    "agence": ("Agence", "Branch"),
    "entrant": ("Entrant", "Inbound"),
    "sortant": ("Sortant", "Outbound"),
    "ok": ("conforme", "on target"),
}
COLUMN_LABELS_EN = {
    "kpi": "KPI",
    "indicateur": "Indicator",
    "value": "Value",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "unit": "Unit",
    "rule": "Rule",
    "severity": "Severity",
    "kind": "Type",
    "constat": "Finding",
    "status": "Status",
    "detail": "Detail",
    "target": "Target",
    "segment": "Segment",
    "std_value": "Mix-adjusted value",
    "coverage": "Share of mix covered",
    "pooled": "Common value",
    "p_adj": "Adjusted p",
}
EXTRA_LABELS = {
    "kpi": ("Indicateur", "KPI"),
    "constat": ("Constat", "Finding"),
    "item": ("Critère", "Item"),
    "evaluator": ("Évaluateur", "Evaluator"),
    "pct": ("% de la note maximale", "% of the top score"),
    "low": ("Faible", "Low"),
    "population": ("Population", "Population"),
    "target_source": ("Source de la cible", "Target source"),
}
OTHER_FINDINGS = {"provider_comparison": ("Comparaison des prestataires", "Provider comparison")}
AGENT_FIELDS = ("agent_id", "evaluator")  # fields that name a person


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def field_label(name: str, lang: str) -> str:
    """A column or field's label: the deliverables' own, then the schema's, else the name in
    words (``talk_s`` → "Talk s")."""
    from kpis.views.base import field_name

    if name in EXTRA_LABELS:
        return _pick(EXTRA_LABELS[name], lang)
    if lang == "fr" and name in COLUMN_LABELS_FR:
        return COLUMN_LABELS_FR[name]
    if lang != "fr" and name in COLUMN_LABELS_EN:
        return COLUMN_LABELS_EN[name]
    label = field_name(name, lang)
    if label == name and "_" in name:
        label = name.replace("_", " ").strip().capitalize()
    return label


def value_label(v: Any, lang: str) -> str:
    """A canonical category value in words (``reseaux_sociaux`` → "Réseaux sociaux")."""
    text = str(v)
    return _pick(VALUE_LABELS[text], lang) if text in VALUE_LABELS else text


def severity_label(sev: Any, lang: str) -> str:
    return _pick(SEVERITY[sev], lang) if sev in SEVERITY else str(sev or "")


def rule_title(rule: Any, lang: str, finding: Mapping | None = None) -> str:
    """A rule's title (the finding's own, else the catalogue's), never its id."""
    if finding is not None and finding.get(f"title_{'fr' if lang == 'fr' else 'en'}"):
        return str(finding[f"title_{'fr' if lang == 'fr' else 'en'}"])
    from kpis.rules.catalogue import RULES_BY_ID

    if rule in RULES_BY_ID:
        return RULES_BY_ID[rule].title(lang)
    if rule in OTHER_FINDINGS:
        return _pick(OTHER_FINDINGS[rule], lang)
    return words(str(rule or ""), lang).replace("_", " ").capitalize()


def segment_text(segment: Any, lang: str) -> str:
    """``{"canal": "reseaux_sociaux"}`` or "canal = reseaux_sociaux" → "Canal : Réseaux sociaux"."""
    from kpis.views.base import kpi_name

    colon = " : " if lang == "fr" else ": "
    if isinstance(segment, str):
        pairs = [p.split(" = ", 1) for p in segment.split(", ") if " = " in p]
        if not pairs:
            return words(segment, lang)
        segment = dict(pairs)
    if not isinstance(segment, Mapping):
        return "" if segment is None else str(segment)
    parts = []
    for k, v in segment.items():
        shown = kpi_name(str(v), lang) if k == "kpi" else value_label(v, lang)
        parts.append(f"{field_label(str(k), lang)}{colon}{shown}")
    return ", ".join(parts)


_ID = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def words(text: str, lang: str) -> str:
    """Free text with raw field ids and value codes replaced by their labels (``(agent_id)`` →
    "(conseiller)", "Canal reseaux_sociaux" → "Canal Réseaux sociaux")."""

    def one(m: re.Match) -> str:
        token = m.group(0)
        if token in VALUE_LABELS:
            return value_label(token, lang)
        if _known_field(token):
            label = field_label(token, lang)
            return label[:1].lower() + label[1:] if label[1:2].islower() else label
        return token

    text = re.sub(r"\b(?:email|telephone)\b", lambda m: value_label(m.group(0), lang), text)
    return _ID.sub(one, text)


def _known_field(name: str) -> bool:
    from kpis.schema import TABLES

    return (
        name in COLUMN_LABELS_FR
        or name in EXTRA_LABELS
        or any(name in t.names for t in TABLES.values())
    )


def data_period(tables: Mapping | None, lang: str) -> str:
    """The contacts' period as text ("1 janv. 2024 → 30 juin 2024"); "" when unknown."""
    import pandas as pd

    for name, col in (("contacts", "started_at"), ("surveys", "answered_at")):
        df = (tables or {}).get(name)
        if df is not None and col in getattr(df, "columns", ()) and len(df):
            s = pd.to_datetime(df[col], errors="coerce").dropna()
            if len(s):
                return f"{fmt.date(s.min(), lang)} → {fmt.date(s.max(), lang)}"
    return ""
