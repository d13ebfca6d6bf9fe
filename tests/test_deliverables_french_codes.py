"""French Excel, HTML and PowerPoint deliverables read as French words: no rule id
(``qos_below_nf345``), KPI id (``answer_rate``), status code (``no_data``), ``alert`` /
``finding`` token or field id (``agent_id``, ``ci_low``) in a French cell; English ones carry
no ``telephone`` / ``reseaux_sociaux`` code (issue 14). Charts are not drawn here (the images
are not text): ``result_pngs`` is replaced by a stub returning no image."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from kpis.deliverables.content import filters_text, label, table_words

CHANNEL_CODES = re.compile(r"(?<![\w-])(telephone|reseaux_sociaux)(?![\w-])")
WHOLE_CELL_CODES = {"alert", "finding", "ok", "no_data", "low_sample", "not_computable"}


def test_findings_table_in_french_words_by_hand():
    t = pd.DataFrame(
        {
            "rule": ["qos_below_nf345", "long_wait"],
            "kind": ["finding", "insufficient_data"],
            "severity": ["alert", "warning"],
            "status": ["no_data", "low_sample"],
            "kpi": ["answer_rate", "avg_wait"],
            "unit": ["%", "per_agent"],
            "text": ["« Temps moyen d'attente » (avg_wait) trop long", "voir agent_id"],
        }
    )
    fr = table_words(t, "fr")
    assert fr["rule"].tolist()[0] == "Qualité de service sous le seuil NF 345"
    assert fr["kind"].tolist() == ["constat", "données insuffisantes"]
    assert fr["severity"].tolist() == ["alerte", "attention"]
    assert fr["status"].tolist() == ["pas de donnée", "échantillon insuffisant"]
    assert fr["kpi"].tolist() == ["Taux de décroché", "Temps moyen d'attente"]
    assert fr["unit"].tolist() == ["%", "par conseiller"]
    assert fr["text"].tolist() == ["« Temps moyen d'attente » trop long", "voir Conseiller"]
    assert t["rule"].tolist()[0] == "qos_below_nf345"  # the data keep their codes
    assert label("ci_low", "fr") == "IC 95 % bas"
    assert label("previous_period", "fr") == "Période précédente"
    assert label("agent_id", "fr") == "Conseiller"
    assert label("ci_low", "en") == "ci_low"  # English headers unchanged


def test_free_text_views_and_tables_in_french_words_by_hand():
    from kpis.deliverables.content import report_rows
    from kpis.deliverables.words import text_words, view_title

    assert text_words("(table customer_base) réglages (event_date)", "fr") == (
        "(table « Base clients ») réglages (date de l'événement)"
    )
    assert text_words("Lit contacts.csat_score", "fr") == "Lit Note CSAT (Contacts)"
    assert view_title("findings", "fr") == "Constats"
    rows = report_rows(
        [{"file": "b.csv", "table": "customer_base", "mapping": {"agent_id": "x"}}], "fr"
    )
    assert rows[0][1] == "Base clients" and rows[0][6] == "Conseiller ← x"


def test_parameters_line_in_french_words_by_hand():
    res = SimpleNamespace(
        filters={"canal": "telephone"}, params={"kpi": "answer_rate", "by": "canal"}
    )
    assert filters_text(res, "fr") == (
        "Paramètres et filtres : Canal = Téléphone; Indicateur : Taux de décroché; Par : Canal"
    )
    assert filters_text(res, "en") == (
        "Parameters and filters: canal = Phone; kpi: answer_rate; by: canal"
    )


def _forbidden() -> set[str]:
    from kpis.definitions import REGISTRY
    from kpis.rules.catalogue import RULES_BY_ID
    from kpis.schema import TABLES

    ids = set(RULES_BY_ID) | {k.id for k in REGISTRY if "_" in k.id}
    ids |= {n for t in TABLES.values() for n in t.names if "_" in n}
    ids |= {"customer_base", "event_date", "event_motif"}  # a table name, settings in a sentence
    return ids | {"ci_low", "ci_high", "no_data", "low_sample", "not_computable", "std_value"}


def _whole_cell_codes() -> set[str]:
    """Codes that are wrong as a whole cell: statuses, kinds, the views' ids (``findings``)."""
    from kpis.views import REGISTRY

    views = {v.id for v in REGISTRY.values()} | {v.cell for v in REGISTRY.values()}
    return WHOLE_CELL_CODES | {v for v in views if v.isascii() and v.lower() == v}


TOKEN = re.compile(r"(?<![\w.-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w-])")


def raw_codes(cells: list[str]) -> list[str]:
    """The French cells that still show a code (whole-cell token or an id inside a text)."""
    forbidden, whole = _forbidden(), _whole_cell_codes()
    bad = []
    for c in cells:
        text = c.strip()
        if text in whole or CHANNEL_CODES.search(text):
            bad.append(text)
        elif any(m.group(1) in forbidden for m in TOKEN.finditer(text)):
            bad.append(text)
        elif re.search(r"(?<![\w-])(alert|finding)(?![\w-])", text):
            bad.append(text)
    return bad


class _Texts(HTMLParser):
    TAGS = ("td", "th", "li", "p", "dt", "dd", "h1", "h2", "h3", "title")

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self._in = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in self.TAGS:
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory):
    from kpis.deliverables import excel, html, pptx
    from kpis.deliverables.audit import report_from_tables
    from kpis.io.sample import load_sample, sample_engine_params

    mp = pytest.MonkeyPatch()
    for mod in (excel, html, pptx):  # no chart drawing: the test reads text only
        mp.setattr(mod, "result_pngs", lambda results, *a, **k: [None] * len(results))
    tables, reports = load_sample()
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    try:
        for name in ("fr.xlsx", "fr.html", "fr.pptx", "en.xlsx", "en.html"):
            paths[name] = report_from_tables(
                tables, reports, None, out / name, params=sample_engine_params(), lang=name[:2]
            )
    finally:
        mp.undo()
    return paths


def _xlsx_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    return [c for c in cells if isinstance(c, str)]


def _html_cells(path: Path) -> list[str]:
    p = _Texts()
    p.feed(path.read_text(encoding="utf-8"))
    return p.cells


def _pptx_cells(path: Path) -> list[str]:
    from pptx import Presentation

    cells = []
    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                cells += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                cells += [c.text for row in shape.table.rows for c in row.cells]
    return cells


def test_french_excel_has_no_code(sample_reports):
    cells = _xlsx_cells(sample_reports["fr.xlsx"])
    bad = raw_codes(cells)
    assert not bad, bad[:8]
    assert "Qualité de service sous le seuil NF 345" in cells  # the findings table's rule
    assert "constat" in cells and "pas de donnée" in cells
    assert any(c.startswith("Paramètres et filtres : Indicateur : Taux de décroché") for c in cells)


def test_french_html_has_no_code(sample_reports):
    cells = _html_cells(sample_reports["fr.html"])
    bad = raw_codes(cells)
    assert not bad, bad[:8]
    assert "Qualité de service sous le seuil NF 345" in cells
    assert "constat" in cells and "pas de donnée" in cells
    assert any(c.startswith("Paramètres et filtres : Indicateur : Taux de décroché") for c in cells)


def test_french_deck_has_no_code(sample_reports):
    cells = _pptx_cells(sample_reports["fr.pptx"])
    assert cells
    bad = raw_codes(cells)
    assert not bad, bad[:8]


@pytest.mark.parametrize("name", ["en.xlsx", "en.html"])
def test_english_outputs_have_no_channel_code(sample_reports, name):
    path = sample_reports[name]
    cells = _xlsx_cells(path) if name.endswith("xlsx") else _html_cells(path)
    bad = [c for c in cells if CHANNEL_CODES.search(c)]
    assert not bad, bad[:5]
    assert "Phone" in cells


def test_unit_in_words_keeps_the_values_format_by_hand():
    """The unit column reads « secondes », and the values are still formatted in seconds."""
    from kpis.deliverables.excel import xl_table
    from kpis.deliverables.html import html_table

    t = pd.DataFrame({"kpi": ["dmt"], "value": [312.0], "unit": ["s"], "n": [40]})
    page = html_table(t, "fr")
    assert "<td>secondes</td>" in page
    assert "5 min 12 s" in page  # 312 s as a duration, not "312"
    wb = openpyxl.Workbook()
    xl_table(wb.active, t, 1, "fr")
    heads = [c.value for c in wb.active[1]]
    value = wb.active.cell(row=2, column=heads.index("Valeur") + 1)
    assert value.value == 312.0 and value.number_format == '#,##0" s"'
    assert wb.active.cell(row=2, column=heads.index("Unité") + 1).value == "secondes"


def test_a_kpi_name_holding_its_own_id_stays_whole():
    from kpis.deliverables.words import text_words

    # the churn KPI is named « Perte de clients (churn) »: the id in its name is not dropped
    assert text_words("Perte de clients (churn)", "fr") == "Perte de clients (churn)"
    # while a name followed by its id loses the id, and a bare id becomes the name
    assert text_words("Taux de décroché (answer_rate) ; answer_rate", "fr") == (
        "Taux de décroché ; Taux de décroché"
    )
