"""Text safety for every deliverable and download.

Order matters: control characters are removed **first**, then a text is neutralised, so a hidden
character cannot smuggle a formula past the test (``"\\x07=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``).

- Removed: C0 controls except ``\\n`` (so tab and CR too), DEL, C1 controls, U+FFFE / U+FFFF and
  lone surrogates. XML (xlsx, pptx, the SVG that vl-convert renders) refuses most of them, and a
  chart label carrying one aborts the whole process inside vl-convert.
- Neutralised (spreadsheets and CSV only): a text whose first character after any leading
  whitespace is ``=``, ``+``, ``-`` or ``@`` gets a leading single quote. The quote is part of the
  stored text (it stays visible), so every reader — Excel, LibreOffice, pandas — sees plain text,
  not a formula. Tab and CR, which Excel also treats as formula starts, are already removed.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_LEAD = re.compile(r"\s*[=+\-@]")
QUOTE = "'"


def is_nan(v: Any) -> bool:
    """True for None, NaN, pd.NA and NaT."""
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return v is pd.NA or v is pd.NaT


def clean_text(value: Any) -> str:
    """``str(value)`` without control characters: for renderers (charts, pptx, html)."""
    return CONTROL.sub("", str(value))


def safe_cell_text(value: Any) -> str:
    """Text for a spreadsheet or CSV cell: cleaned, then ``'``-prefixed when formula-like."""
    text = clean_text(value)
    return QUOTE + text if FORMULA_LEAD.match(text) else text
