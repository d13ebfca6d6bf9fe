"""Rows set aside: the reasons table, and the set-aside frame with personal data masked.

Every row that cannot be used is kept with its first reason and a detail; customer ids and
columns that look personal (phone, e-mail, name, address…) are replaced by their pseudonym, and
the raw text of malformed lines is masked by pattern (e-mails, phones, long numbers, known ids).
"""

from __future__ import annotations

import re

import pandas as pd

from kpis.io.mapping import Mapping
from kpis.io.pseudonym import normalise_id, token
from kpis.io.readers import RawTable
from kpis.io.text import fold

REASONS = {
    "malformed_line": ("ligne mal formée (nombre de colonnes)", "malformed line (column count)"),
    "unbalanced_quote": (
        "guillemet non refermé (les lignes suivantes ont été relues une à une)",
        "unclosed quote (the following lines were read again one by one)",
    ),
    "empty_row": ("ligne vide", "empty row"),
    "dropped_by_mapping": ("écartée par le mapping", "dropped by mapping"),
    "missing_required": ("champ obligatoire vide", "required field empty"),
    "unparseable_date": ("date illisible", "unparseable date"),
    "unparseable_duration": ("durée illisible", "unparseable duration"),
    "unparseable_bool": ("oui/non illisible", "unparseable yes/no"),
    "unparseable_number": ("nombre illisible", "unparseable number"),
    "negative_duration": ("durée négative", "negative duration"),
    "absurd_duration": ("durée aberrante (> 24 h)", "absurd duration (> 24 h)"),
    "score_out_of_scale": ("note hors échelle", "score outside its scale"),
    "duplicate_contact_id": ("identifiant de contact en double", "duplicate contact id"),
}


def reason_label(code: str, lang: str = "fr") -> str:
    fr, en = REASONS.get(code, (code, code))
    return fr if lang == "fr" else en


_PERSONAL_WORDS = {
    "phone",
    "telephone",
    "tel",
    "mobile",
    "portable",
    "email",
    "mail",
    "courriel",
    "name",
    "nom",
    "prenom",
    "fname",
    "lname",
    "first",
    "last",
    "middle",
    "address",
    "adresse",
    "ssn",
    "social",
    "ani",
    "caller",
    "appelant",
    "iban",
    "phonefinal",
    "raw",
    "digits",
    "requester",
    "author",
    "client",
    "customer",
}
_EMAIL = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
_PHONE = r"^\+?[\d .\-()]+$"


def _personal_columns(frame: pd.DataFrame) -> set[str]:
    """Source columns that look like personal data (by header words or by their values)."""
    out = set()
    for col in frame.columns:
        if col == "_row":
            continue
        words = set(fold(col).split())
        if words & _PERSONAL_WORDS:
            out.add(col)
            continue
        if frame[col].empty:
            continue
        values = frame[col].dropna().astype("str").str.strip()
        phone = values.str.match(_PHONE) & (values.str.count(r"\d") >= 9)
        looks = bool(len(values)) and (values.str.match(_EMAIL, case=False) | phone).mean() > 0.5
        if words & _PERSONAL_WORDS or looks:
            out.add(col)
    return out


_EMAIL_IN = re.compile(r"[^@\s;,|\t\"']+@[^@\s;,|\t\"']+\.[A-Za-z]{2,}")
_PHONE_IN = re.compile(r"\+?\d[\d .\-()]{7,}\d")
_LONG_NUMBER = re.compile(r"\b[A-Za-z]{0,4}[-_]?\d{6,}\b")
MASK = "[masqué]"


def _known_values(frame: pd.DataFrame, columns: set[str]) -> set[str]:
    """Text values of the personal columns (customer ids, phones…) seen in the readable rows."""
    out: set[str] = set()
    for col in columns:
        if col in frame:
            values = frame[col].dropna().astype("str").str.strip()
            out.update(v for v in values.unique() if len(v) >= 3)
    return out


def mask_line(text: str, known: set[str], sep: str = ";") -> str:
    """A raw line without its personal data: e-mails, phone numbers (≥ 9 digits), long numbers
    and id-like codes (≥ 6 digits), and any field equal to a known customer id / personal value
    are replaced by « [masqué] »; the rest stays readable so the user can see what went wrong."""
    if known and sep and len(sep) == 1:
        text = sep.join(MASK if f.strip().strip('"') in known else f for f in text.split(sep))
    text = _EMAIL_IN.sub(MASK, text)
    text = _PHONE_IN.sub(lambda mt: MASK if sum(c.isdigit() for c in mt[0]) >= 9 else mt[0], text)
    return _LONG_NUMBER.sub(MASK, text)


def set_aside_frame(
    raw: RawTable, m: Mapping, reasons, used: pd.Series, key: bytes | None
) -> pd.DataFrame:
    """Rows set aside, with their source cells; customer ids and columns that look personal
    (phone, e-mail, name, address…) are replaced by their pseudonym."""
    # nothing set aside (the usual case): an empty frame without a take over every column
    aside = raw.frame.iloc[:0].copy() if used.all() else raw.frame[~used].copy()
    for col in aside.columns:  # a large file's few-valued columns were read as categories
        if isinstance(aside[col].dtype, pd.CategoricalDtype):
            aside[col] = aside[col].astype(aside[col].cat.categories.dtype)
    for col in set(m.sources("customer_id")) | _personal_columns(aside):
        if col in aside:
            aside[col] = token(normalise_id(aside[col].astype("str")), key)
    aside["reason"] = reasons.code[~used]
    aside["detail"] = reasons.detail[~used]
    if raw.bad_rows:
        bad = pd.DataFrame(
            {
                "_row": [b.row for b in raw.bad_rows],
                "reason": [b.reason for b in raw.bad_rows],
                "detail": [b.text[:500] for b in raw.bad_rows],
            }
        )
        personal = set(m.sources("customer_id")) | _personal_columns(raw.frame.head(2000))
        known = _known_values(raw.frame, personal)
        sep = raw.info.get("separator") or ";"
        bad["detail"] = [mask_line(t, known, sep) for t in bad["detail"]]
        aside = pd.concat([aside, bad], ignore_index=True)
    aside = aside.sort_values("_row", kind="stable").reset_index(drop=True)
    aside.insert(0, "reason_label_fr", aside["reason"].map(lambda c: reason_label(c, "fr")))
    return aside
