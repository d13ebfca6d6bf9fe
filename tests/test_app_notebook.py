"""AppTest of the audit notebook: "Ajouter au carnet" from two views, cells re-run on the current
data, reorder / comment / delete, save (no data, no identifier) and load back, deliverables."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from kpis import format as fmt
from kpis.engine import compute
from kpis.io.pseudonym import key_file_text, key_id, read_key_file
from kpis.views.runner import run_cell, standard_audit
from kpis.workspace import FORMAT_NAME, TOP_KEYS

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `ui` sits beside app.py (Streamlit puts that folder on the path)
    sys.path.insert(0, str(ROOT))
from ui.notebook import deliverable  # noqa: E402
from ui.state import sample_dataset  # noqa: E402

APP = str(ROOT / "app.py")
NOTEBOOK = "pages/10_Carnet_d_audit.py"


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Bytes of every eager download button drawn (Streamlit stores them as media files)."""
    seen: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            seen.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _cells(at: AppTest) -> list:
    return list(at.session_state["notebook"].cells)


def _tables() -> dict:
    ds = sample_dataset()
    return {**ds.tables, **ds.period_inputs}


def _raw_ids() -> set[str]:
    with open(ROOT / "sample_data" / "contacts.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return ({r["Id client"] for r in rows} | {r["Id contact"] for r in rows}) - {""}


def test_add_reorder_comment_delete_save_and_load(downloads):
    at = _open(_app(), "pages/3_Explorer.py")
    at.multiselect(key="ex_kpis").set_value(["volume"]).run()
    at.selectbox(key="ex_by1").set_value("canal").run()
    at.sidebar.multiselect(key="f_niveau").set_value(["N1"]).run()
    at.text_input(key="nb_add_explorer_comment").input("Volumes par canal").run()
    at.button(key="nb_add_explorer").click().run()
    assert any("1 cellule" in s.value for s in at.success)
    _open(at, "pages/9_Comparaison_prestataires.py")
    at.button(key="nb_add_comparison").click().run()
    _open(at, "pages/2_Tableau_de_bord.py")
    at.button(key="nb_add_dashboard").click().run()
    cells = _cells(at)
    assert [c.view for c in cells] == ["explorer", "comparison", "dashboard"]
    explorer = cells[0]
    assert explorer.params == {
        "kpi": "volume",
        "by": ["canal"],
        "period": None,
        "sort": "segment",
        "top": 15,
    }
    assert explorer.filters == {"niveau": ["N1"]} and explorer.comment == "Volumes par canal"
    ids = [c.id for c in cells]

    # the notebook re-runs each cell on the current data
    _open(at, NOTEBOOK)
    heads = [s.value for s in at.subheader if s.value[:1].isdigit()]
    assert heads[0].startswith("1\\. Volume") and heads[1].startswith("2\\. Comparaison")
    eng = compute(_tables(), ["volume"], by=["canal"], filters={"niveau": ["N1"]})
    assert list(at.dataframe[0].value["n"]) == [fmt.integer(n) for n in eng["n"]]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {
        "Télécharger l'audit (Excel)",
        "Télécharger l'audit (HTML)",
        "Télécharger l'audit (PowerPoint)",
        "Enregistrer l'espace de travail (JSON)",
    } <= labels

    # reorder, comment, delete
    at.button(key=f"nb_down_{ids[0]}").click().run()
    assert [c.id for c in _cells(at)] == [ids[1], ids[0], ids[2]]
    at.button(key=f"nb_up_{ids[2]}").click().run()
    assert [c.id for c in _cells(at)] == [ids[1], ids[2], ids[0]]
    at.text_area(key=f"nb_comment_{ids[1]}").input("Écart B à expliquer").run()
    assert _cells(at)[0].comment == "Écart B à expliquer"
    at.button(key=f"nb_del_{ids[2]}").click().run()
    assert [c.id for c in _cells(at)] == [ids[1], ids[0]]
    assert not at.exception and not at.error

    # save: settings and cells, never data
    saved = [d for d in downloads if d.startswith(b"{") and FORMAT_NAME.encode() in d][-1]
    text = saved.decode("utf-8")
    doc = json.loads(text)
    assert set(doc) <= set(TOP_KEYS) and "contacts.csv" in doc["mappings"]
    assert [c["id"] for c in doc["cells"]] == [ids[1], ids[0]]
    assert doc["cells"][0]["comment"] == "Écart B à expliquer"
    assert doc["settings"]["filters"] == {"niveau": ["N1"]}
    assert not any(i in text for i in _raw_ids())
    assert len(text) < 20_000

    # load it back in a new session
    fresh = _open(_app(), NOTEBOOK)
    assert any("Le carnet est vide" in i.value for i in fresh.info)
    fresh.file_uploader(key="nb_upload").set_value(("audit.json", saved, "application/json"))
    fresh.run()
    fresh.button(key="nb_load_apply").click().run()
    assert not fresh.exception and not fresh.error
    back = _cells(fresh)
    assert [(c.id, c.view, c.params, c.filters, c.comment) for c in back] == [
        (c["id"], c["view"], c["params"], c["filters"], c["comment"]) for c in doc["cells"]
    ]
    assert fresh.sidebar.multiselect(key="f_niveau").value == ["N1"]  # the filters came too
    # the workspace carries the key's fingerprint, never the key: shared alone, it cannot be
    # used to recompute pseudonyms from candidate ids
    key = at.session_state["pseudo_key"]
    assert key.hex() not in text and "pseudonym_key" not in doc["settings"]
    assert doc["settings"]["pseudonym_key_id"] == key_id(key)
    assert fresh.session_state["pseudo_key"] != key  # no key file given: new pseudonyms


def test_the_key_file_restores_the_same_pseudonyms_and_a_wrong_one_is_refused(downloads):
    at = _open(_app(), NOTEBOOK)  # the page draws the workspace and key-file downloads
    key = at.session_state["pseudo_key"]
    saved = [d for d in downloads if d.startswith(b"{") and FORMAT_NAME.encode() in d][-1]
    key_file = [d for d in downloads if d.startswith(b"pilote-cle-pseudonymisation:")][-1]
    assert read_key_file(key_file) == key and key.hex().encode() not in saved
    fresh = _open(_app(), NOTEBOOK)
    fresh.file_uploader(key="nb_upload").set_value(("audit.json", saved, "application/json"))
    fresh.run()
    wrong = key_file_text(bytes(32)).encode()
    fresh.file_uploader(key="nb_key_up").set_value(("cle.txt", wrong, "text/plain")).run()
    assert any("pas celle de cet espace" in e.value for e in fresh.error)
    fresh.file_uploader(key="nb_key_up").set_value(("cle.txt", key_file, "text/plain")).run()
    assert not fresh.error
    fresh.button(key="nb_load_apply").click().run()
    assert fresh.session_state["pseudo_key"] == key  # next month's files: same pseudonyms


def test_bad_workspace_files_give_readable_errors():
    at = _open(_app(), NOTEBOOK)
    bad = ("x.json", b'{"format": "other"}', "application/json")
    at.file_uploader(key="nb_upload").set_value(bad).run()
    assert any("pas un espace de travail" in e.value for e in at.error)
    doc = {"format": FORMAT_NAME, "version": 1, "cells": [{"view": "explorer", "rows": [1]}]}
    rows = ("y.json", json.dumps(doc).encode(), "application/json")
    at.file_uploader(key="nb_upload").set_value(rows).run()
    assert any("rows" in e.value for e in at.error)
    assert not at.exception and not _cells(at)


def test_standard_audit_cells_all_run_and_make_deliverables():
    at = _open(_app(), NOTEBOOK)
    next(b for b in at.button if b.label == "Ajouter l'audit standard").click().run()
    assert not at.exception and not at.error
    tables = _tables()
    assert [c.view for c in _cells(at)] == [c.view for c in standard_audit(tables)]
    results = [run_cell(c, tables, {"lang": "fr"}) for c in _cells(at)[:3]]
    for suffix, magic in ((".xlsx", b"PK"), (".pptx", b"PK"), (".html", b"<!DOCTYPE")):
        data = deliverable(results, suffix, tables=tables, settings={"params": {}})
        assert data.startswith(magic)


def test_every_view_adds_a_cell_that_reruns():
    at = _app()
    views = {
        "pages/2_Tableau_de_bord.py": "dashboard",
        "pages/3_Explorer.py": "explorer",
        "pages/4_Qualite.py": "quality",
        "pages/5_Verbatims.py": "verbatims",
        "pages/8_Analyses_croisees.py": "crossview",
        "pages/9_Comparaison_prestataires.py": "comparison",
    }
    for page, view in views.items():
        _open(at, page)
        at.button(key=f"nb_add_{view}").click().run()
    assert [c.view for c in _cells(at)].count("explorer") == 2  # one per default KPI
    assert {c.view for c in _cells(at)} == set(views.values())
    _open(at, NOTEBOOK)
    assert not at.main.warning, [w.value for w in at.main.warning]  # no cell failed
