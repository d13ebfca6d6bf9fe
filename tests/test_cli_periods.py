"""The CLI reads what the app reads: period inputs beside the exports; JSON errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kpis.cli import main
from kpis.engine import compute
from kpis.io.period_inputs import detect_kind
from kpis.io.readers import read_any
from kpis.io.sample import load_sample

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
FILES = sorted(str(p) for p in SAMPLE.glob("*.csv"))
PERIOD_KPIS = [
    "agent_days",
    "productivity",
    "cost_per_contact",
    "absenteeism",
    "attrition",
    "churn",
    "retention",
    "renewal_rate",
]


def test_period_files_are_recognised_by_their_headers():
    kinds = {Path(f).name: detect_kind(read_any(Path(f)).columns) for f in FILES}
    assert kinds == {
        "base_clients.csv": "customer_base",
        "contacts.csv": None,
        "couts.csv": "costs",
        "effectifs.csv": "headcount",
        "enquetes.csv": None,
        "evaluations.csv": None,
        "heures.csv": "hours",
    }


def test_compute_on_the_sample_gives_the_app_numbers(capsys):
    assert main(["compute", *FILES, "--kpi", ",".join(PERIOD_KPIS), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {r["kpi"]: r for r in doc["results"]}
    tables, _ = load_sample()
    app = compute(tables, PERIOD_KPIS).set_index("kpi")
    for kpi in PERIOD_KPIS:
        assert got[kpi]["status"] == "ok", kpi
        assert got[kpi]["value"] == app.loc[kpi, "value"], kpi
    assert got["agent_days"]["value"] == 4588  # Σ worked days of heures.csv, as in the app
    assert len(doc["import"]["period_inputs"]) == 4


def test_findings_reads_the_whole_sample_folder(capsys):
    assert main(["findings", *FILES]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"]


def test_table_flag_reads_a_period_input(capsys, tmp_path):
    costs = tmp_path / "budget.csv"
    costs.write_text("Mois;Montant\n01/01/2026;1000\n01/02/2026;3000\n", encoding="utf-8")
    contacts = str(SAMPLE / "contacts.csv")
    args = ["compute", contacts, str(costs), "--kpi", "cost_per_contact", "--format", "json"]
    assert main([*args[:3], "--table", "costs", *args[3:]]) == 2  # contacts.csv is no cost file
    capsys.readouterr()
    assert main(args) == 0
    row = json.loads(capsys.readouterr().out)["results"][0]
    assert row["numerator"] == 4000.0


def test_json_errors_are_json_on_stdout(capsys, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("Foo;Bar\n1;2\n", encoding="utf-8")
    cases = [
        ["check", str(bad), "--table", "contacts", "--format", "json"],
        ["compute", str(tmp_path / "absent.csv"), "--format", "json"],
        ["compute", "--format", "json"],
        ["findings", str(bad), "--table", "contacts", "--format", "json"],
    ]
    for args in cases:
        assert main(args) == 2, args
        out = capsys.readouterr()
        err = json.loads(out.out)["error"]
        assert set(err) == {"code", "message", "file", "field", "candidates"}, args
        assert err["message"] and "Traceback" not in out.err
    main(cases[0])
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "missing_required_field" and err["field"] == "started_at"
    assert err["file"] == "x.csv"
    assert isinstance(pd.Series(err["candidates"]), pd.Series)
