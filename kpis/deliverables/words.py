"""The Excel and HTML deliverables' cells in words, as the app's pages show them: a findings
table's rule id → the catalogue's title, ``alert`` / ``finding`` → « alerte » / « constat », a
status (``no_data``) → « pas de donnée », a KPI id → its name, a field id → its label, a unit →
its word. The label tables are the app's own (``kpis.labels``, ``ui.i18n``: plain dicts, no
Streamlit); the data keep their codes, only what is shown changes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

KIND = {
    "finding": ("constat", "finding"),
    "alert": ("alerte", "alert"),
    "insufficient_data": ("données insuffisantes", "insufficient data"),
    "warning": ("avertissement", "warning"),
}
# the headers of the deliverables only (the app's COLUMNS know the rest)
HEADERS = {
    "previous_period": ("Période précédente", "Previous period"),
    "current_period": ("Période en cours", "Current period"),
    "previous_value": ("Valeur précédente", "Previous value"),
    "current_value": ("Valeur en cours", "Current value"),
    "n_previous": ("n (précédente)", "n (previous)"),
    "n_current": ("n (en cours)", "n (current)"),
    "diff_low": ("Écart : IC bas", "Difference: CI low"),
    "diff_high": ("Écart : IC haut", "Difference: CI high"),
    "change_pct": ("Variation (%)", "Change (%)"),
    "change_pct_low": ("Variation : IC bas", "Change: CI low"),
    "change_pct_high": ("Variation : IC haut", "Change: CI high"),
    "change_text": ("Évolution", "Change"),
    "low_sample": ("Échantillon insuffisant", "Sample too small"),
    "x_value": ("Valeur (X)", "Value (X)"),
    "x_ci_low": ("X : IC bas", "X: CI low"),
    "x_ci_high": ("X : IC haut", "X: CI high"),
    "y_value": ("Valeur (Y)", "Value (Y)"),
    "y_ci_low": ("Y : IC bas", "Y: CI low"),
    "y_ci_high": ("Y : IC haut", "Y: CI high"),
    "dominated_by": ("Dominé par", "Dominated by"),
    "threshold_label": ("Seuil", "Threshold"),
    "target_source": ("Source de la cible", "Target source"),
    "id": ("Code", "id"),
}


# settings named in the rules' sentences that the app's PARAM_LABELS do not list
PARAM_WORDS = {
    "event_date": ("date de l'événement", "event date"),
    "event_motif": ("motif de l'événement", "event motif"),
}
DIRECTION_FR = {"higher": "plus haut = mieux", "lower": "plus bas = mieux", "neutral": "neutre"}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def status_word(v: Any, lang: str) -> str:
    """``no_data`` → « pas de donnée », ``ok`` → « conforme » (the app's STATUS_WORDS)."""
    from kpis.deliverables.labels import VALUE_LABELS
    from kpis.labels import STATUS_WORDS

    if v in STATUS_WORDS:
        return _pick(STATUS_WORDS[v], lang)
    return _pick(VALUE_LABELS[v], lang) if v in VALUE_LABELS else str(v)


def header(col: str, lang: str) -> str:
    """A column's header in French: the deliverables' label, the app's result column, the
    field's label; else the name in words (``foo_bar`` → "Foo bar")."""
    from kpis.deliverables.content import COLUMN_LABELS_FR
    from kpis.labels import field_label
    from ui.i18n import column_label

    if col in HEADERS:
        return _pick(HEADERS[col], lang)
    if lang == "fr" and col in COLUMN_LABELS_FR and col != "kpi":
        return COLUMN_LABELS_FR[col]
    if col == "kpi":
        return "Indicateur" if lang == "fr" else "KPI"
    got = column_label(col, lang) or field_label(col, lang)
    return got or col.replace("_", " ").strip().capitalize()


def cell_word(col: str, v: Any, lang: str) -> Any:
    """A text cell of column ``col`` in words (non-text values are returned as they are)."""
    from kpis.deliverables.labels import rule_title, severity_label
    from kpis.labels import category_label, detail_text, labelled_field
    from kpis.views.base import kpi_name
    from ui.i18n import unit_label, value_label

    if not isinstance(v, str):
        return v
    if col == "status":
        return status_word(v, lang)
    if col == "rule":
        return rule_title(v, lang)
    if col == "severity":
        return severity_label(v, lang).lower() if lang == "fr" else v
    if col == "kind":
        return _pick(KIND[v], lang) if v in KIND else v
    if col in ("kpi", "indicateur"):
        return kpi_name(v, lang)
    if col == "unit":
        return unit_label(v, lang)
    if col == "detail" and lang != "fr":
        return detail_text(v, lang)
    if labelled_field(col):
        return category_label(col, v, lang)
    return value_label(col, v, lang) or (text_words(v, lang) if lang == "fr" else v)


_TABLES = "contacts|surveys|evaluations|periods|costs|hours|customer_base|headcount"
_DOTTED = re.compile(rf"\b({_TABLES})\.([a-z][a-z0-9_]*)\b")


def _dotted(m: re.Match) -> str:
    """``contacts.csat_score`` → "Note CSAT (Contacts)"."""
    from kpis.labels import field_label, table_label

    label = field_label(m.group(2), "fr")
    return f"{label} ({table_label(m.group(1), 'fr')})" if label else m.group(0)


_TABLE_WORD = re.compile(rf"(?<=\btable )({_TABLES})\b")
_TOKEN = re.compile(r"(?<![\w.-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w-])")


def text_words(text: str, lang: str) -> str:
    """Free French text with its ids in words: « Nom » (kpi_id) → « Nom »; a KPI id → its name;
    a rule id → its title; a status → its words; a field id → its label."""
    from kpis.definitions import REGISTRY

    if lang != "fr" or not isinstance(text, str):
        return text
    # KPI names that hold their own id (« Perte de clients (churn) ») are kept whole
    kept = [k.name(lang) for k in REGISTRY if k.name(lang) in text]
    for i, name in enumerate(kept):
        text = text.replace(name, f"\x00{i}\x00")
    text = _words_of_ids(text)
    for i, name in enumerate(kept):
        text = text.replace(f"\x00{i}\x00", name)
    return text


def _words_of_ids(text: str) -> str:
    from kpis.definitions import REGISTRY
    from kpis.deliverables.labels import rule_title
    from kpis.labels import STATUS_WORDS, field_label
    from kpis.rules.catalogue import RULES_BY_ID

    lang = "fr"
    text = re.sub(
        r"\s*\(([a-z][a-z0-9_]*)\)", lambda m: "" if m.group(1) in REGISTRY else m.group(0), text
    )
    text = _DOTTED.sub(_dotted, text)
    text = _TABLE_WORD.sub(lambda m: "« " + table_word(m.group(1), "fr") + " »", text)

    def one(m: re.Match) -> str:
        tok = m.group(1)
        if tok in REGISTRY:
            return REGISTRY.get(tok).name(lang)
        if tok in RULES_BY_ID:
            return rule_title(tok, lang)
        if tok in STATUS_WORDS:
            return _pick(STATUS_WORDS[tok], lang)
        if tok in PARAM_WORDS:
            return _pick(PARAM_WORDS[tok], lang)
        if tok in HEADERS:
            return _pick(HEADERS[tok], lang).lower()
        label = field_label(tok, lang)
        if label is None:
            from ui.i18n import column_label, param_label

            label = column_label(tok, lang)
            if label is None and param_label(tok, lang) != tok:
                label = param_label(tok, lang)
        return label if label else tok

    return _TOKEN.sub(one, text)


def setting_words(key: str, v: Any, lang: str) -> tuple[str, Any]:
    """A cell's parameter or filter as (name, value) in words: ``kpi`` → « Indicateur » and its
    name, ``by`` → « Par » and the fields' labels, ``analysis`` → the analysis' name."""
    from kpis.labels import field_label
    from kpis.views.base import kpi_name
    from ui.i18n import param_label

    fr = lang == "fr"
    if key == "kpi":
        return ("Indicateur" if fr else "KPI"), kpi_name(str(v), lang)
    if key in ("kpis",) and isinstance(v, (list, tuple)):
        return ("Indicateurs" if fr else "KPIs"), [kpi_name(str(x), lang) for x in v]
    if key in ("by", "x", "y", "segment", "field"):
        names = {"by": ("Par", "By"), "x": ("X", "X"), "y": ("Y", "Y")}
        name = _pick(names.get(key, ("Champ", "Field")), lang)
        vals = v if isinstance(v, (list, tuple)) else [v]
        shown = [field_label(str(x), lang) or kpi_name(str(x), lang) for x in vals]
        return name, shown if isinstance(v, (list, tuple)) else shown[0]
    if key == "analysis":
        from kpis.crossviews import ANALYSES

        name = "Analyse" if fr else "Analysis"
        return name, (_pick(ANALYSES[v][:2], lang) if v in ANALYSES else v)
    name = param_label(key, lang)
    if name == key:
        name = field_label(key, lang) or header(key, lang)
    if isinstance(v, str):
        v = cell_word(key, v, lang)
    elif isinstance(v, Mapping):
        v = {field_label(str(k), lang) or k: x for k, x in v.items()}
    return name, v


_EN_CODES = re.compile(r"(?<![\w-])(telephone|reseaux_sociaux)(?![\w-])")


def code_free(text: Any, lang: str) -> Any:
    """A text with no code left: in French, channel codes (``code_words``) and ids
    (``text_words``) in words; in English, ``telephone`` → "Phone", ``reseaux_sociaux`` →
    "Social media" (the other English words stay)."""
    from kpis.labels import category_label, code_words

    if not isinstance(text, str):
        return text
    if lang == "fr":
        return text_words(code_words(text, lang), lang)
    return _EN_CODES.sub(lambda m: category_label("canal", m.group(1), lang), text)


def def_columns(lang: str) -> list[str]:
    """The definitions' columns: in French without the KPI ids (the name says which KPI)."""
    from kpis.deliverables.content import DEF_COLUMNS

    return [c for c in DEF_COLUMNS if c != "id"] if lang == "fr" else list(DEF_COLUMNS)


def def_headers(lang: str) -> list[str]:
    from kpis.deliverables.content import DEF_COLUMNS, DEF_HEADERS

    heads = dict(zip(DEF_COLUMNS, DEF_HEADERS["fr" if lang == "fr" else "en"], strict=True))
    return [heads[c] for c in def_columns(lang)]


def def_word(rec: Mapping, col: str, lang: str) -> Any:
    """A definition's field in words: its group's label in French, texts with no code."""
    v = rec.get(col)
    if not isinstance(v, str):
        return v
    if col == "group" and lang == "fr":
        from ui.i18n import group_label

        return group_label(v, lang)
    if col == "unit" and lang == "fr":
        from ui.i18n import unit_label

        return unit_label(v, lang)
    if col == "direction" and lang == "fr":
        return DIRECTION_FR.get(v, v)
    return code_free(v, lang)


def view_title(view: Any, lang: str) -> str:
    """A cell's view in words (``findings`` → « Constats »): the view's own title."""
    from kpis.views import REGISTRY

    for v in REGISTRY.values():
        if view in (v.id, v.cell):
            return v.title(lang)
    return str(view)


def table_word(name: Any, lang: str) -> str:
    """A table's name in French words (``customer_base`` → « Base clients »)."""
    from kpis.labels import table_label

    return table_label(str(name), lang) if lang == "fr" and name else str(name or "")
