"""Number formatting for the screen: French (1 234,5 %) or English (1,234.5%), by KPI unit."""

from __future__ import annotations

import math

NBSP = "\u202f"


def _num(x: float, decimals: int, lang: str) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def missing(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_value(x, unit: str, lang: str = "fr", *, signed: bool = False) -> str:
    """A KPI value with its unit: %, points, seconds (as min s when long), counts, money."""
    if missing(x):
        return "—"
    x = float(x)
    sign = "+" if signed and x > 0 else ""
    if unit == "%" and signed:  # a difference of rates is in percentage points
        return f"{sign}{_num(x, 1, lang)} pts"
    if unit == "%":
        return f"{sign}{_num(x, 1, lang)}{NBSP if lang == 'fr' else ''}%"
    if unit == "points":
        return f"{sign}{_num(x, 1, lang)} pts"
    if unit == "s":
        if abs(x) >= 120 and not signed:
            m, s = divmod(round(abs(x)), 60)
            return f"{'-' if x < 0 else ''}{m} min {s:02d} s"
        return f"{sign}{_num(x, 0, lang)} s"
    if unit == "count":
        return f"{sign}{_num(x, 0, lang)}"
    if unit == "currency":
        return f"{sign}{_num(x, 2, lang)} €"
    return f"{sign}{_num(x, 2 if abs(x) < 10 else 1, lang)}"


def fmt_ci(lo, hi, unit: str, lang: str = "fr") -> str:
    if missing(lo) or missing(hi):
        return ""
    sep = " ; " if lang == "fr" else ", "
    return f"[{fmt_value(lo, unit, lang)}{sep}{fmt_value(hi, unit, lang)}]"


def fmt_n(n, lang: str = "fr") -> str:
    return "—" if missing(n) else _num(float(n), 0, lang)


def result_columns(t) -> dict:
    """Column labels (fr/en) for tables of engine results; ``t`` is ``ctx.t``."""
    import streamlit as st

    num = st.column_config.NumberColumn
    return {
        "value": num(t("value"), format="%.2f"),
        "ci_low": num(t("ci_low"), format="%.2f"),
        "ci_high": num(t("ci_high"), format="%.2f"),
        "n": num("n", format="%d"),
        "unit": st.column_config.TextColumn(t("unit")),
        "status": st.column_config.TextColumn(t("status")),
        "item": st.column_config.TextColumn(t("item")),
        "pct": num(t("pct"), format="%.1f"),
        "low": st.column_config.CheckboxColumn(t("low")),
    }
