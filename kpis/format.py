"""The one formatter: numbers, percentages, durations, dates, intervals and p-values in fr or en.

Locale rules (group and decimal separators, month names) come from Babel; only the units' wording
is Pilote's. Every place that shows a number — pages, sentences, deliverables, CLI text — calls
these functions, so 312 s reads "5 min 12 s" everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date as _babel_date
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
MISSING = "—"
MINUS = "\u2212"  # typographic minus sign for signed differences
NNBSP = "\u202f"  # narrow no-break space, French thin space before % and units

DURATION_UNITS = {
    "fr": {"s": "s", "min": "min", "h": "h", "d": "j"},
    "en": {"s": "s", "min": "min", "h": "h", "d": "d"},
}
UNIT_WORDS = {"fr": {"points": "points", "pts": "pts"}, "en": {"points": "points", "pts": "pts"}}


def locale(lang: str) -> str:
    """Babel locale for a UI language ('fr' unless 'en')."""
    return LOCALES.get(lang, LOCALES["fr"])


def is_missing(x: Any) -> bool:
    """True for None, NaN, ±inf and values that are not numbers."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def number(x: Any, lang: str = "fr", digits: int = 1) -> str:
    """``1 234,5`` (fr) / ``1,234.5`` (en) with ``digits`` decimals; "—" when missing."""
    if is_missing(x):
        return MISSING
    value = round(float(x), digits)
    if value == 0:
        value = 0.0  # no "-0,0"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _babel_decimal(value, format=pattern, locale=locale(lang))


def integer(x: Any, lang: str = "fr") -> str:
    """A count: ``18 662`` / ``18,662``."""
    return number(x, lang, 0)


def percent(x: Any, lang: str = "fr", digits: int = 1) -> str:
    """A rate already in percent (0–100): ``87,8 %`` / ``87.8%``."""
    if is_missing(x):
        return MISSING
    return number(x, lang, digits) + (NNBSP + "%" if lang == "fr" else "%")


def _duration_parts(seconds: float) -> list[tuple[int, str]]:
    total = int(round(abs(seconds)))
    if total < 60:
        return [(total, "s")]
    if total < 3600:
        m, s = divmod(total, 60)
        return [(m, "min"), (s, "s")]
    if total < 86400:
        minutes = int(round(abs(seconds) / 60))
        h, m = divmod(minutes, 60)
        return [(h, "h"), (m, "min")]
    hours = int(round(abs(seconds) / 3600))
    d, h = divmod(hours, 24)
    return [(d, "d"), (h, "h")]


def duration(seconds: Any, lang: str = "fr", signed: bool = False) -> str:
    """A duration whose unit adapts: ``45 s``, ``5 min 12 s``, ``3 h 20 min``, ``2 j 4 h``.

    Seconds below one minute keep one decimal only when below 10 s (``4,5 s``).
    """
    if is_missing(seconds):
        return MISSING
    x = float(seconds)
    tenths = abs(x) < 10 and round(abs(x), 1) != round(abs(x))  # "4,5 s", "−0,2 s"
    digits = 1 if tenths else 0
    sign = _sign(x, digits) if signed else (MINUS if x < 0 and round(abs(x), digits) > 0 else "")
    words = DURATION_UNITS.get(lang, DURATION_UNITS["fr"])
    if tenths:
        return f"{sign}{number(abs(x), lang, 1)} s"
    parts = _duration_parts(x)
    if len(parts) == 2 and parts[1][0] == 0:
        parts = parts[:1]
    return sign + " ".join(f"{integer(v, lang)} {words[u]}" for v, u in parts)


def points_word(x: float, lang: str = "fr") -> str:
    """« pt » below 2 in French (0,7 pt ; 1,5 pt), « pts » from 2; in English "pt" for 1.0 only."""
    size = round(abs(float(x)), 1)
    if lang == "fr":
        return "pt" if size < 2 else "pts"
    return "pt" if size == 1 else "pts"


def _sign(x: float, digits: int) -> str:
    if round(abs(x), digits) == 0:
        return ""
    return "+" if x > 0 else MINUS


def value(x: Any, unit: str, lang: str = "fr") -> str:
    """A KPI value with its unit: % (rates), points (NPS), s (durations), count, currency, score."""
    if is_missing(x):
        return MISSING
    if unit == "%":
        return percent(x, lang)
    if unit == "points":
        return f"{number(x, lang, 1)} points"
    if unit == "s":
        return duration(x, lang)
    if unit == "count":
        return integer(x, lang)
    if unit == "currency":
        return currency(x, lang)
    if unit == "days":
        return duration(float(x) * 86400, lang)
    return number(x, lang, 2)


def diff(d: Any, unit: str, lang: str = "fr") -> str:
    """A signed difference: ``+3,2 pts`` for rates and NPS, ``−1 min 10 s`` for durations."""
    if is_missing(d):
        return MISSING
    x = float(d)
    if unit in ("%", "points"):
        return f"{_sign(x, 1)}{number(abs(x), lang, 1)} {points_word(x, lang)}"
    if unit == "s":
        return duration(x, lang, signed=True)
    if unit == "count":
        return f"{_sign(x, 0)}{integer(abs(x), lang)}"
    if unit == "currency":
        return f"{_sign(x, 2)}{currency(abs(x), lang)}"
    return f"{_sign(x, 2)}{number(abs(x), lang, 2)}"


def currency(x: Any, lang: str = "fr", code: str = "EUR") -> str:
    """Money: ``5,20 €`` / ``€5.20``."""
    if is_missing(x):
        return MISSING
    return _babel_currency(float(x), code, locale=locale(lang))


def interval(lo: Any, hi: Any, unit: str, lang: str = "fr") -> str:
    """A 95 % interval as bounds: ``[85,1 % ; 90,3 %]`` / ``[85.1%, 90.3%]``; "" when missing."""
    if is_missing(lo) or is_missing(hi):
        return ""
    sep = " ; " if lang == "fr" else ", "
    return f"[{value(lo, unit, lang)}{sep}{value(hi, unit, lang)}]"


def ci_text(lo: Any, hi: Any, unit: str, lang: str = "fr") -> str:
    """``IC 95 % [85,1 % ; 90,3 %]`` / ``95% CI [85.1%, 90.3%]``; "" when missing."""
    bounds = interval(lo, hi, unit, lang)
    if not bounds:
        return ""
    return ("IC 95 %\u00a0" if lang == "fr" else "95% CI ") + bounds


def p_value(p: Any, lang: str = "fr") -> str:
    """``p < 0,001`` or ``p = 0,012`` (three decimals); "—" when missing."""
    if is_missing(p):
        return MISSING
    p = float(p)
    if p < 0.001:
        return f"p < {number(0.001, lang, 3)}"
    return f"p = {number(min(p, 1.0), lang, 3)}"


def n_text(n: Any, lang: str = "fr") -> str:
    """``n = 18 662``."""
    return f"n = {integer(n, lang)}"


def date(d: Any, lang: str = "fr", granularity: str = "day") -> str:
    """A date: ``12 mars 2026`` / ``12 Mar 2026``; a month ``mars 2026``; a week ``sem. du 9 mars
    2026``; "—" when missing."""
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return MISSING
    try:
        import pandas as pd

        ts = pd.Timestamp(d)
    except (TypeError, ValueError):
        return str(d)
    if ts is pd.NaT:
        return MISSING
    day = dt.date(ts.year, ts.month, ts.day)
    loc = locale(lang)
    if granularity == "month":
        return _babel_date(day, format="LLLL yyyy", locale=loc)
    text = _babel_date(day, format="medium", locale=loc)
    if granularity == "week":
        return ("sem. du " if lang == "fr" else "week of ") + text
    return text


class KeyNumber(str):
    """A key figure: its formatted text (a ``str``, shown as is by pages, HTML and PowerPoint)
    that keeps the raw ``value`` and ``unit`` so a spreadsheet stores a real number."""

    value: float | None
    unit: str

    def __new__(cls, text: str, value: float | None, unit: str):
        obj = super().__new__(cls, text)
        obj.value = None if is_missing(value) else float(value)
        obj.unit = unit
        return obj

    def __getnewargs__(self):  # pickling (Streamlit's cache) and copies keep value and unit
        return (str(self), self.value, self.unit)

    @classmethod
    def of(cls, x: Any, unit: str, lang: str = "fr") -> KeyNumber:
        """``x`` formatted by ``kpis.format.value``."""
        return cls(value(x, unit, lang), None if is_missing(x) else x, unit)
