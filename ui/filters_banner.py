"""The active-filters banner at the top of every page that uses data: "Filtres actifs : Canal =
Téléphone ; Période = 1 oct. 2025 – 31 déc. 2025" (channel codes in words, dates through
``kpis.format``); nothing when no filter is set."""

from __future__ import annotations

import streamlit as st

from kpis import format as fmt
from kpis.labels import category_label
from ui.errors import md_escape
from ui.i18n import t

SHOWN_VALUES = 5  # more values: "… (+ 12)"
NO_DATA_PAGES = {"nav_import", "nav_settings", "nav_glossary"}


def banner_text(filters: dict, date_range, lang: str = "fr") -> str:
    """The banner's sentence, "" when no filter is set. ``filters``: {field: [values]} as the
    sidebar gives them; ``date_range``: (first day, last day) or None."""
    from ui.state import field_label

    parts = []
    for fld, values in filters.items():
        values = values if isinstance(values, list | tuple) else [values]
        values = [str(category_label(fld, v, lang)) for v in values]
        if not values:
            continue
        shown = ", ".join(values[:SHOWN_VALUES])
        if len(values) > SHOWN_VALUES:
            shown += f" (+ {fmt.integer(len(values) - SHOWN_VALUES, lang)})"
        parts.append(f"{field_label(fld, lang)} = {shown}")
    if date_range:
        lo, hi = (fmt.date(d, lang) for d in date_range)
        parts.append(f"{t('period', lang)} = {lo} – {hi}")
    if not parts:
        return ""
    sep = " ; " if lang == "fr" else "; "
    return t("filters_active", lang, filters=sep.join(parts))


def show(page: str, filters: dict, date_range, lang: str = "fr") -> None:
    """The banner on a page that uses data (not Import, Settings, Glossary)."""
    text = banner_text(filters, date_range, lang)
    if text and page not in NO_DATA_PAGES:
        st.info(md_escape(text), icon=":material/filter_alt:")
