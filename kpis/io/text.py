"""Text folding shared by header matching and value normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: object) -> str:
    """Lower case, strip accents, punctuation to spaces (cached: headers and synonyms repeat)."""
    return _fold(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Lower case, strip accents, turn punctuation/underscores into single spaces.

    >>> fold("Durée_de-Communication (s)")
    'duree de communication s'
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    # split camelCase / PascalCase boundaries (CallLocalTime -> call local time)
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", s)
    return _NON_ALNUM.sub(" ", s.lower()).strip()
