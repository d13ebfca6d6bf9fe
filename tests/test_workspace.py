"""Workspace file: round trip, validation (typed errors, never data), notebook editing, and
re-running cells on the current data against the engine's own numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kpis import format as fmt
from kpis.compare import compare_providers, default_kpis
from kpis.definitions import REGISTRY
from kpis.engine import compute
from kpis.rules import run_rules
from kpis.views.runner import cell_from_view, run_cell, run_workspace, standard_audit
from kpis.workspace import (
    VIEWS,
    Cell,
    UnknownView,
    Workspace,
    WorkspaceDataError,
    WorkspaceError,
    WorkspaceFormatError,
    WorkspaceVersionError,
)
from sample_data.generator import generate

MAPPING = """table: contacts
columns:
  started_at: [date, vru_entry]
  customer_id: customer_id
  answered: outcome
values:
  answered: {AGENT: true, HANG: false}
missing:
  customer_id: ["0"]
"""


@pytest.fixture(scope="module")
def tables():
    t = generate(seed=7, n_contacts=3000, start="2024-01-01", months=2)
    t.pop("truth", None)
    return t


def full_workspace() -> Workspace:
    ws = Workspace(
        mappings={"appels.csv": MAPPING},
        settings={
            "params": {"window_days": 10, "sl_seconds": 30},
            "filters": {"canal": ["telephone", "email"], "started_at": ("2024-01-01", None)},
            "lang": "fr",
            "rules": {"alpha": 0.01},
        },
        targets={"fcr": 80.0, "service_level": 85.0},
    )
    ws.add(Cell("dashboard", title="Tableau", comment="Vue d'ensemble"))
    ws.add(
        Cell(
            "explorer",
            {"kpi": "fcr", "by": ["motif"], "period": "month"},
            {"provider": "Interne", "started_at": ("2024-01-01", "2024-01-31")},
            comment='=HYPERLINK("http://x") un commentaire libre',
        )
    )
    ws.add(Cell("comparison", {"kpis": ["fcr", "dmt"], "weights": {"fcr": 2, "dmt": 1}}))
    return ws


def test_round_trip_keeps_everything():
    ws = full_workspace()
    text = ws.to_json()
    back = Workspace.from_json(text)
    assert back == ws
    assert back.cells[1].filters["started_at"] == ("2024-01-01", "2024-01-31")  # a tuple again
    assert back.settings["filters"]["started_at"] == ("2024-01-01", None)
    doc = json.loads(text)
    assert doc["format"] == "pilote-workspace" and doc["version"] == 1
    assert set(doc) == {"format", "version", "saved_at", "mappings", "settings", "targets", "cells"}
    assert doc["cells"][1]["filters"]["started_at"] == ["2024-01-01", "2024-01-31"]
    assert set(doc["cells"][0]) == {
        "id",
        "view",
        "title",
        "params",
        "filters",
        "comment",
        "created_at",
    }
    # a second save gives the same document (except the save time)
    again = json.loads(back.to_json())
    doc.pop("saved_at"), again.pop("saved_at")
    assert again == doc


def test_save_and_load_file(tmp_path):
    ws = full_workspace()
    path = tmp_path / "audit.json"
    ws.save(path)
    assert Workspace.load(path) == ws
    with pytest.raises(WorkspaceError) as err:
        Workspace.load(tmp_path / "absent.json")
    assert err.value.file.endswith("absent.json")


def test_notebook_editing():
    ws = full_workspace()
    ids = [c.id for c in ws.cells]
    ws.move(ids[2], 0)
    assert [c.id for c in ws.cells] == [ids[2], ids[0], ids[1]]
    ws.set_comment(ids[0], "nouveau")
    assert ws.cells[1].comment == "nouveau"
    ws.remove(ids[1])
    assert [c.id for c in ws.cells] == [ids[2], ids[0]]
    with pytest.raises(KeyError):
        ws.remove("nope")


def doc_with(**changes) -> str:
    doc = json.loads(full_workspace().to_json())
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, error, words",
    [
        ("{not json", WorkspaceFormatError, "JSON"),
        ('{"a": 1}', WorkspaceFormatError, "pas un espace de travail"),
        (doc_with(version=99), WorkspaceVersionError, "version 99"),
        (doc_with(version="1"), WorkspaceVersionError, "version"),
        (doc_with(data=[{"customer_id": "C1"}]), WorkspaceDataError, "data"),
        (doc_with(targets={"fcr": "haut"}), WorkspaceFormatError, "nombre"),
        (doc_with(targets={"nope": 1}), WorkspaceFormatError, "nope"),
        (doc_with(mappings={"f.csv": "table: [contacts"}), WorkspaceFormatError, "YAML"),
        (doc_with(settings={"tables": {}}), WorkspaceFormatError, "tables"),
        (
            doc_with(cells=[{"view": "explorer", "filters": {"customer_id": ["C1"]}}]),
            WorkspaceDataError,
            "customer_id",
        ),
        (
            doc_with(
                cells=[{"view": "explorer", "filters": {"motif": [str(i) for i in range(500)]}}]
            ),
            WorkspaceDataError,
            "500",
        ),
        (doc_with(cells=[{"view": "explorer", "rows": [1, 2]}]), WorkspaceFormatError, "rows"),
        (doc_with(cells=[{"view": "bogus"}]), UnknownView, "bogus"),
        (doc_with(cells=[{"params": {}}]), WorkspaceFormatError, "view"),
    ],
)
def test_invalid_documents_raise_typed_errors(text, error, words):
    with pytest.raises(error) as err:
        Workspace.from_json(text)
    assert words in err.value.message("fr") + err.value.message("en")


def test_data_objects_never_enter_a_workspace():
    ws = Workspace()
    with pytest.raises(WorkspaceDataError):
        ws.add(Cell("explorer", {"kpi": "fcr", "rows": pd.DataFrame({"a": [1]})}))
    with pytest.raises(WorkspaceDataError):
        ws.add(Cell("explorer", filters={"contact_id": "CT1"}))
    ws = Workspace(settings={"filters": {"customer_id": "C1"}})
    with pytest.raises(WorkspaceDataError):
        ws.to_json()


def test_standard_audit_workspace_holds_no_data(tables):
    cells = standard_audit(tables)
    views = [c.view for c in cells]
    assert views[0] == "dashboard" and "comparison" in views and "findings" in views
    text = Workspace(cells=cells).to_json()
    c = tables["contacts"]
    ids = set(c["customer_id"].dropna()) | set(c["contact_id"].dropna())
    assert ids and not any(str(i) in text for i in ids)
    assert len(text) < 20_000


def test_standard_audit_without_provider_has_no_comparison(tables):
    t = {k: v.drop(columns=["provider"], errors="ignore") for k, v in tables.items()}
    assert "comparison" not in [c.view for c in standard_audit(t)]


# --- re-running cells ----------------------------------------------------------------------------


def test_explorer_cell_matches_the_engine_and_refreshes_on_new_data(tables):
    cell = Cell("explorer", {"kpi": "fcr", "by": ["motif"]}, {"provider": "Interne"})
    res = run_cell(cell, tables, {"params": {}})
    eng = compute(tables, ["fcr"], by=["motif"], filters={"provider": "Interne"})
    assert res.error is None
    np.testing.assert_allclose(res.table["value"], eng["value"])
    np.testing.assert_allclose(res.table["n"], eng["n"])
    assert res.chart is not None and res.chart["$schema"].startswith("https://vega.github.io")
    assert res.title == "FCR déclaré (résolu au premier contact selon le conseiller) par motif"
    # next month's export: same cell, new numbers
    newer = generate(seed=8, n_contacts=2000, start="2024-03-01", months=1)
    res2 = run_cell(cell, newer, {"params": {}})
    eng2 = compute(newer, ["fcr"], by=["motif"], filters={"provider": "Interne"})
    np.testing.assert_allclose(res2.table["value"], eng2["value"])
    assert not np.allclose(res2.table["value"], res.table["value"])


def test_global_filters_and_params_apply_and_cell_filters_override(tables):
    settings = {"params": {"window_days": 14}, "filters": {"provider": "Prestataire A"}}
    cell = Cell("explorer", {"kpi": "fcr_measured", "by": []}, {"provider": "Interne"})
    res = run_cell(cell, tables, settings)
    eng = compute(
        tables, ["fcr_measured"], filters={"provider": "Interne"}, params={"window_days": 14}
    )
    assert res.numbers
    assert float(res.table["value"].iloc[0]) == pytest.approx(float(eng["value"].iloc[0]))
    assert res.filters == {"provider": "Interne"}


def test_dashboard_cell_uses_targets(tables):
    res = run_cell(Cell("dashboard"), tables, {"targets": {"fcr": 88.0}})
    row = res.table.set_index("kpi").loc["fcr"]
    assert row["target"] == 88.0
    eng = compute(tables, ["fcr"])
    assert row["value"] == pytest.approx(float(eng["value"].iloc[0]))
    assert any("FCR déclaré" in k for k in res.numbers)


def test_comparison_cell_matches_compare_providers(tables):
    res = run_cell(Cell("comparison", {"kpis": ["fcr", "dmt"], "n_boot": 200}), tables, {})
    comp = compare_providers(tables, ["fcr", "dmt"])
    np.testing.assert_allclose(res.table["std_value"], comp.table["std_value"])
    assert any("Tableau de score" in k for k in res.extra_tables)
    assert res.findings and all("text_fr" in f for f in res.findings)
    assert res.chart is not None


def test_findings_cell_returns_plain_dicts(tables):
    res = run_cell(Cell("findings"), tables, {})
    assert res.error is None
    assert all({"rule", "severity", "text_fr", "text_en"} <= set(f) for f in res.findings)
    assert len(res.table) == len(res.findings)


def _expected_numbers(view: str, tables) -> dict[str, str]:
    """Key numbers of each view's default cell, computed here from the engine and libraries."""
    name = lambda k: REGISTRY.get(k).name_fr  # noqa: E731
    if view == "dashboard":
        eng = compute(tables, ["volume", "fcr", "csat"]).set_index("kpi")
        return {name(k): fmt.value(eng.loc[k, "value"], eng.loc[k, "unit"]) for k in eng.index}
    if view == "explorer":  # FCR by default
        return {name("fcr"): fmt.percent(compute(tables, ["fcr"])["value"].iloc[0])}
    if view == "intraday":  # contact volume by hour × weekday by default
        eng = compute(tables, ["volume"])
        return {name("volume"): fmt.value(eng["value"].iloc[0], "count")}
    if view == "crossview":  # declared vs measured FCR by provider by default
        eng = compute(tables, ["fcr", "fcr_measured", "fcr_survey"]).set_index("kpi")
        return {name(k): fmt.percent(eng.loc[k, "value"]) for k in eng.index}
    if view == "comparison":
        kpis = default_kpis(tables)  # the one default set (page, CLI, standard audit)
        comp = compare_providers(tables, kpis)
        rows = comp.table[comp.table["kpi"] == kpis[0]]
        return {
            f"{name(kpis[0])} — {r.provider}": f"{fmt.percent(r.std_value)} ajusté "
            f"({fmt.percent(r.value)} brut)"
            for r in rows.itertuples()
        }
    if view == "quality":
        eng = compute(tables, ["quality_calls"])
        return {name("quality_calls"): fmt.value(eng["value"].iloc[0], "score")}
    if view == "verbatims":
        return {"commentaires": fmt.integer(tables["surveys"]["comment"].notna().sum())}
    found = run_rules(tables, {}, {})
    return {"constats": fmt.integer(sum(f.is_finding for f in found))}


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_runs_with_its_numbers(tables, view):
    res = run_cell(Cell(view), tables, {})
    assert res.view == view and isinstance(res.table, pd.DataFrame)
    assert res.error is None, res.error
    # the generator's grids have no "item:" columns (the import names them): no item table
    assert len(res.table) > 0 or view == "quality"
    expected = _expected_numbers(view, tables)
    assert {k: res.numbers.get(k) for k in expected} == expected


def test_errors_become_messages_not_exceptions(tables):
    res = run_cell(Cell("explorer", {"kpi": "nope"}), tables, {})
    assert res.error and "nope" in res.error
    res = run_cell(Cell("comparison"), {"contacts": tables["contacts"].drop(columns="provider")})
    assert "prestataire" in res.error
    res = run_cell(Cell("verbatims"), {"contacts": tables["contacts"]})
    assert res.error


def test_run_workspace_and_cell_from_view(tables):
    ws = Workspace(targets={"fcr": 90})
    ws.add(cell_from_view("explorer", {"kpi": "csat", "by": ("canal",)}, {"motif": {"Livraison"}}))
    out = run_workspace(ws, tables)
    assert out[0].filters == {"motif": ["Livraison"]}
    assert out[0].params == {"kpi": "csat", "by": ["canal"]}
    eng = compute(tables, ["csat"], by=["canal"], filters={"motif": ["Livraison"]})
    np.testing.assert_allclose(out[0].table["value"], eng["value"])


def test_standard_audit_has_hours_only_when_start_times_have_a_time_of_day(tables):
    assert "intraday" in [c.view for c in standard_audit(tables)]  # the sample: real times
    c = tables["contacts"].assign(started_at=tables["contacts"]["started_at"].dt.normalize())
    assert "intraday" not in [c.view for c in standard_audit({**tables, "contacts": c})]
    assert "intraday" not in [c.view for c in standard_audit(tables, {"date_only": ["started_at"]})]
