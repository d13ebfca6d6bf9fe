"""Fitting text into slide boxes without a renderer: estimate lines from characters per line at
a font size, then paginate whole blocks (a finding, a table row) instead of shrinking or cutting.

Estimate: characters per line = usable width (pt) ÷ (``CHAR_EM`` × font size), lines = the
word-wrapped paragraph's line count, height = lines × ``LINE`` × font size. ``CHAR_EM`` is
deliberately wide (0.5 em; Calibri averages about 0.45 em) because LibreOffice may draw the
deck with a wider fallback font than Calibri.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence

CHAR_EM = 0.5
LINE = 1.2
INSET_X = 0.1  # python-pptx text box insets (inches), left and right
INSET_Y = 0.05  # top and bottom
SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý«\"(])")


def chars_per_line(width_in: float, pt: float) -> int:
    """Characters that fit on one line of a box ``width_in`` inches wide at ``pt`` points."""
    return max(8, int((width_in - 2 * INSET_X) * 72 / (CHAR_EM * pt)))


def lines(text: str, width_in: float, pt: float) -> int:
    """Lines a text takes once word-wrapped in the box (each paragraph at least one line)."""
    cpl = chars_per_line(width_in, pt)
    return sum(max(1, len(textwrap.wrap(p, cpl))) for p in str(text).split("\n"))


def height(paragraphs: Sequence[tuple[str, float]], width_in: float, space_pt: float = 0) -> float:
    """Inches needed by paragraphs ``(text, font size)``; ``space_pt`` before each but the first."""
    pts = sum(lines(t, width_in, pt) * LINE * pt for t, pt in paragraphs)
    pts += space_pt * max(0, len(paragraphs) - 1)
    return pts / 72 + 2 * INSET_Y


def sentences(text: str) -> list[str]:
    """A text cut at its sentence boundaries (a full stop followed by a capital)."""
    return [s for s in SENTENCE.split(text.strip()) if s]


def split_text(text: str, width_in: float, pt: float, budget_in: float) -> list[str]:
    """``text`` as pieces that each fit ``budget_in`` inches, cut only between sentences (a
    single sentence longer than the budget stays whole)."""
    pieces: list[str] = []
    current = ""
    for s in sentences(text):
        trial = f"{current} {s}".strip()
        if current and height([(trial, pt)], width_in) > budget_in:
            pieces.append(current)
            current = s
        else:
            current = trial
    if current:
        pieces.append(current)
    return pieces


def paginate(heights: Sequence[float], budget: float, gap: float = 0.0) -> list[list[int]]:
    """Indices of blocks grouped into pages of at most ``budget`` inches (a block taller than the
    budget gets a page of its own); ``gap`` between blocks."""
    pages: list[list[int]] = []
    used = math.inf
    for i, h in enumerate(heights):
        if pages and used + gap + h <= budget:
            pages[-1].append(i)
            used += gap + h
        else:
            pages.append([i])
            used = h
    return pages


def numbered(title: str, k: int, total: int) -> str:
    """ "Constats principaux (1/3)" (the title alone when there is one page)."""
    return title if total <= 1 else f"{title} ({k}/{total})"
