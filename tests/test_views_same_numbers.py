"""One view, one truth: every declared view (each cross-analysis separately) gives the same key
numbers on the screen, in its notebook cell and in each deliverable (Excel, HTML, PowerPoint).

On the bundled sample, the screen is an AppTest of the view's page: its "Ajouter au carnet" cell
is re-run as the notebook does, and every key number of that result (text of ``kpis.format``)
must be on the page, in the cell's Excel sheet, in its HTML section and on its slide. The
dashboard's cell must also hold every KPI the page shows. On each ../shared/data dataset that has
what the view needs, the view runs with the engine and the same numbers must reach the three
deliverables; key numbers named after a KPI must equal ``kpis.engine.compute``.

Chart images are not rendered here (the writers take None): only the numbers are checked.
"""

from __future__ import annotations

import functools
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

import kpis.deliverables.audit as report
import kpis.deliverables.images as images
from kpis import format as fmt
from kpis.definitions import REGISTRY as KPIS
from kpis.engine import compute
from kpis.io.sample import sample_engine_params, sample_settings
from kpis.views import REGISTRY
from kpis.views.runner import run_cell
from kpis.workspace import Cell

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from ui.state import default_targets, sample_dataset  # noqa: E402

APP = str(ROOT / "app.py")
DATA = ROOT.parent / "shared" / "data"
VIEW_IDS = list(REGISTRY)
PAGES = {
    "dashboard": "pages/2_Tableau_de_bord.py",
    "explorer": "pages/3_Explorer.py",
    "intraday": "pages/3_Explorer.py",  # a section of the Explorer
    "quality": "pages/4_Qualite.py",
    "verbatims": "pages/5_Verbatims.py",
    "comparison": "pages/9_Comparaison_prestataires.py",
    "findings": "pages/10_Carnet_d_audit.py",  # no page of its own: its notebook cell
}
SHARED = {
    "pwc_call_center": ["Call-Center-Dataset.csv"],
    "simulated_call_centre": ["simulated_call_centre.csv"],
    "kaggle_call_center_daily": ["Call Center Data.csv"],
    "kaggle_customer_support_tickets": ["customer_support_tickets.csv"],
    "rwfd_help_desk": ["Help Desk.csv"],
    "twcs_head5000": ["twcs_head5000.csv"],
    "retail_banking_crm": ["crm_events.csv", "crm_call_center_logs.csv", "crm_reviews.csv"],
    "nps_survey": ["nps_survey.csv"],
}
# the explorer on shared data: a KPI every contacts export has, by motif
SHARED_PARAMS = {"explorer": {"kpi": "volume", "by": ["motif"]}}
MD = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:=])")


@pytest.fixture(autouse=True)
def _no_images(monkeypatch):
    """The writers without chart images (numbers only; images are tested in test_report)."""
    monkeypatch.setattr(images, "chart_png", lambda *a, **k: None)


def _settings(lang: str = "fr", sample: bool = True) -> dict:
    """The notebook's settings: on the sample, its preset parameters (its opening hours, as the
    app applies them) and its preset targets with their source and rule settings
    (``sample_data/settings.json``); default targets elsewhere."""
    if not sample:
        return {"params": {}, "targets": default_targets(), "lang": lang}
    preset = sample_settings()
    return {
        "params": sample_engine_params(),
        "targets": {**default_targets(), **preset.get("targets", {})},
        "target_sources": dict(preset.get("target_sources", {})),
        "rules": {k: v for k, v in preset.items() if k not in ("targets", "target_sources")},
        "lang": lang,
    }


# ---------------------------------------------------------------- deliverables


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data):
        if data.strip():
            self.chunks.append(data.strip())


def _deliverables(res, tmp_path) -> dict:
    """The three files written for one result, read back: Excel rows of the cell's sheet, HTML
    text chunks, the cell slide's text lines."""
    out = {}
    path = report.write_report([res], tmp_path / "audit.xlsx", lang="fr")
    wb = openpyxl.load_workbook(path)
    out["xlsx"] = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    path = report.write_report([res], tmp_path / "audit.html", lang="fr")
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    out["html"] = parser.chunks
    path = report.write_report([res], tmp_path / "audit.pptx", lang="fr")
    slides = list(Presentation(path).slides)
    # the cell's slides: its title, numbered "(1/5)"… when a long table runs over several
    page = re.compile(re.escape(res.title) + r"( \(\d+/\d+\))?")
    titled = [s for s in slides if page.fullmatch(s.shapes.title.text)]
    assert titled, (res.title, [s.shapes.title.text for s in slides])
    lines = [
        p.text
        for slide in titled
        for s in slide.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
    ]
    out["pptx"] = lines
    return out


def _in_xlsx(rows, label: str, text: str, unit: str | None) -> bool:
    """A row "label | value": the value as this text, or as a number that formats to it."""
    for row in rows:
        if len(row) >= 2 and row[0] == label:
            v = row[1]
            if v == text or (isinstance(v, int | float) and unit and fmt.value(v, unit) == text):
                return True
    return False


def _in_html(chunks, label: str, text: str) -> bool:
    return any(a == label and b == text for a, b in zip(chunks, chunks[1:], strict=False))


def _in_pptx(lines, label: str, text: str) -> bool:
    return any(label in line and text in line for line in lines)


def _check_deliverables(res, tmp_path) -> None:
    assert res.error is None, res.error
    assert res.numbers, "a view without key numbers proves nothing"
    assert len(res.numbers) <= 8  # a slide has room for 8: every deliverable shows them all
    files = _deliverables(res, tmp_path)
    for label, text in res.numbers.items():
        unit = res.values.get(label, (None, None))[1]
        assert _in_xlsx(files["xlsx"], label, text, unit), ("xlsx", label, text)
        assert _in_html(files["html"], label, text), ("html", label, text)
        assert _in_pptx(files["pptx"], label, text), ("pptx", label, text)
    if res.view_id == "dashboard":  # every KPI of the cell is in the Excel sheet and the HTML
        cells = {v for row in files["xlsx"] for v in row if isinstance(v, str)}
        assert set(res.table["indicateur"]) <= cells
        assert set(res.table["indicateur"]) <= set(files["html"])


def _check_engine(res, tables, filters=None, params=None) -> None:
    """Key numbers named after a KPI are the engine's value of that KPI, formatted."""
    names = {k.name_fr: k.id for k in KPIS}
    for label, text in res.numbers.items():
        if label in names:
            row = compute(tables, [names[label]], filters=filters or None, params=params).iloc[0]
            assert fmt.value(row["value"], row["unit"]) == text, label


# ---------------------------------------------------------------- the sample, through its page


def _screen(at: AppTest) -> tuple[dict, list[str]]:
    metrics = {m.label: m.value for m in at.metric}
    pieces = [p for c in at.caption for p in MD.sub(r"\1", c.value).split(" · ")]
    return metrics, pieces


def _open_page(view_id: str) -> tuple[AppTest, list[Cell]]:
    """The view's page on the sample with its default inputs, and the cells it adds."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    view = REGISTRY[view_id]
    if view_id == "findings":
        at.session_state["notebook"].add(Cell("findings"))
        at.switch_page(PAGES[view_id]).run()
        return at, list(at.session_state["notebook"].cells)
    if view.cell == "crossview":
        at.switch_page("pages/8_Analyses_croisees.py").run()
        at.radio(key="cross_analysis").set_value(view_id.split(".", 1)[1]).run()
    else:
        at.switch_page(PAGES[view_id]).run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key=f"nb_add_{view.cell}").click().run()
    return at, list(at.session_state["notebook"].cells)


@functools.cache
def _sample() -> dict:
    ds = sample_dataset()
    return {**ds.tables, **ds.period_inputs}


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_sample_screen_cell_and_deliverables_agree(view_id, tmp_path):
    at, cells = _open_page(view_id)
    assert not at.exception, [e.message for e in at.exception]
    assert cells, "the page added no cell"
    metrics, captions = _screen(at)
    for cell in cells:
        res = run_cell(cell, _sample(), _settings())
        assert res.view_id == view_id
        for label, text in res.numbers.items():
            on_screen = metrics.get(label) == text or f"{label} : {text}" in captions
            assert on_screen, (label, text, metrics, captions[:20])
        _check_deliverables(res, tmp_path)
        _check_engine(res, _sample(), params=sample_engine_params())
    if view_id == "dashboard":  # the cell holds every KPI the page shows as a card
        shown = set(metrics) - {m.label for m in at.sidebar.metric}
        assert shown == set(res.table["indicateur"])


# ---------------------------------------------------------------- the shared datasets


@functools.cache
def _shared(name: str) -> dict:
    from kpis.io.pipeline import combine, import_file

    return combine([import_file(DATA / name / f, key=b"s" * 32) for f in SHARED[name]])


def _kpi_needs(view, params, tables) -> list[str]:
    """Fields the KPIs named by the view's inputs need and the tables lack."""
    p = view.resolve_quiet(params)
    ids = [p[i.name] for i in view.inputs if i.kind == "kpi" and p.get(i.name)]
    out = []
    for k in ids:
        for table, fields in KPIS.get(k).needs.items():
            t = tables.get(table)
            out += [f"{table}.{f}" for f in fields if t is None or f not in t.columns]
    return out


@pytest.mark.shared_data
@pytest.mark.parametrize("dataset", sorted(SHARED))
@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_shared_dataset_engine_and_deliverables_agree(view_id, dataset, tmp_path):
    if not DATA.is_dir():
        pytest.skip("../shared/data absent: the public datasets live beside the repo")
    tables = _shared(dataset)
    view = REGISTRY[view_id]
    params = SHARED_PARAMS.get(view_id)
    lacking = view.missing(tables, params) + _kpi_needs(view, params, tables)
    if lacking:
        pytest.skip(f"{dataset} lacks what {view_id} needs: {', '.join(lacking)}")
    res = view.run(tables, params, {**_settings(sample=False), "filters": {}})
    res.title = res.title or view_id
    _check_deliverables(res, tmp_path)
    _check_engine(res, tables)
