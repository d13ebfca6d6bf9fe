"""Excel and HTML deliverables show channels in words, as the app does (``kpis.labels``):
« Téléphone », « Réseaux sociaux » in French, "Phone", "Social media" in English — never the
codes ``telephone`` / ``reseaux_sociaux`` in a French cell."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpis.deliverables.content import table_words

CODES = re.compile(r"(?<![\w-])(telephone|reseaux_sociaux)(?![\w-])")


def test_table_words_by_hand():
    t = pd.DataFrame(
        {
            "canal": ["telephone", "reseaux_sociaux", "chat"],
            "value": [88.5, 12.0, 90.0],
            "segment": ["canal = reseaux_sociaux", None, "motif = Livraison"],
            "detail": ["canal = telephone", "", None],
        }
    )
    fr = table_words(t, "fr")
    assert fr["canal"].tolist() == ["Téléphone", "Réseaux sociaux", "Chat"]
    assert fr["segment"].tolist()[0] == "Canal : Réseaux sociaux"
    assert fr["segment"].tolist()[2] == "Motif : Livraison"
    assert fr["detail"].tolist()[0] == "canal = Téléphone"
    assert fr["value"].tolist() == [88.5, 12.0, 90.0]  # numbers untouched
    en = table_words(t, "en")
    assert en["canal"].tolist() == ["Phone", "Social media", "Chat"]
    assert t["canal"].tolist()[0] == "telephone"  # the data keep their codes


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._in = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory):
    from kpis.deliverables.audit import report_from_tables
    from kpis.io.sample import load_sample, sample_engine_params

    tables, reports = load_sample()
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    for name in ("fr.xlsx", "fr.html", "en.xlsx"):
        lang = name[:2]
        paths[name] = report_from_tables(
            tables, reports, None, out / name, params=sample_engine_params(), lang=lang
        )
    return paths


def _xlsx_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_french_excel_says_channels_in_words(sample_reports):
    cells = _xlsx_cells(sample_reports["fr.xlsx"])
    raw = [c for c in cells if CODES.search(c)]
    assert not raw, raw[:5]
    assert "Téléphone" in cells and "Réseaux sociaux" in cells  # the answer-rate-by-canal table
    assert "Canal : Réseaux sociaux" in cells  # a finding's segment


def test_french_html_says_channels_in_words(sample_reports):
    p = _Cells()
    p.feed(sample_reports["fr.html"].read_text(encoding="utf-8"))
    raw = [c for c in p.cells if CODES.search(c)]
    assert not raw, raw[:5]
    assert "Téléphone" in p.cells and "Réseaux sociaux" in p.cells
    assert "Canal : Réseaux sociaux" in p.cells


def test_english_excel_tables_say_channels_in_english(sample_reports):
    cells = _xlsx_cells(sample_reports["en.xlsx"])
    assert "Phone" in cells and "Social media" in cells
    assert "telephone" not in cells and "reseaux_sociaux" not in cells  # no bare code cell
