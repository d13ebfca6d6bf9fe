"""`pilote kpis`, `compute`, `findings` and `report` on the bundled sample data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kpis.cli import main
from kpis.engine import compute, registry_records
from kpis.io.pipeline import import_file

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
CONTACTS = str(SAMPLE / "contacts.csv")
MAPPING = str(SAMPLE / "contacts.mapping.yaml")


def test_kpis_lists_the_registry(capsys):
    assert main(["kpis", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    ids = {k["id"] for k in doc["kpis"]}
    assert {"fcr", "fcr_measured", "recontact_rate", "nps", "dmt", "service_level"} <= ids
    assert ids == {r["id"] for r in registry_records("en")}


def test_compute_json_matches_the_engine_and_carries_the_import_report(capsys):
    args = [
        "compute",
        CONTACTS,
        "--mapping",
        MAPPING,
        "--kpi",
        "answer_rate,dmt",
        "--by",
        "canal",
        "--format",
        "json",
    ]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["import"]["rows_in"] == doc["import"]["rows_used"] + doc["import"]["rows_set_aside"]
    tables = {"contacts": import_file(CONTACTS, mapping=MAPPING).data}
    engine = compute(tables, ["answer_rate", "dmt"], by=["canal"])
    for rec in doc["results"]:
        row = engine[(engine["kpi"] == rec["kpi"]) & (engine["canal"] == rec["segment"]["canal"])]
        assert rec["numerator"] == pytest.approx(row["numerator"].iloc[0])
        assert rec["denominator"] == pytest.approx(row["denominator"].iloc[0])
        for key in ("value", "ci_low", "ci_high", "unit", "status"):
            assert key in rec


def test_compute_csv_by_month(capsys):
    assert (
        main(
            [
                "compute",
                CONTACTS,
                "--mapping",
                MAPPING,
                "--kpi",
                "volume",
                "--period",
                "month",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("kpi,period,value")
    assert len(lines) == 1 + 6  # six months of sample data


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--kpi", "not_a_kpi"], "not_a_kpi"),
        (["--kpi", "fcr", "--param", "no_such_param=3"], "no_such_param"),
        (["--kpi", "fcr", "--param", "novalue"], "NAME=VALUE"),
    ],
)
def test_compute_bad_requests_exit_2_with_a_message(capsys, args, needle):
    assert main(["--lang", "en", "compute", CONTACTS, "--mapping", MAPPING, *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_findings_json_is_one_document(capsys):
    assert (
        main(
            [
                "findings",
                CONTACTS,
                "--mapping",
                MAPPING,
                "--param",
                'opening_hours="mon-sat 08:00-20:00"',
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"findings", "import"}
    rules = {f["rule"] for f in doc["findings"]}
    # planted in the sample: recontact far higher on Remboursement; declared FCR overstated
    assert {"recontact_varies_by_motif", "fcr_declared_above_measured"} <= rules
    for f in doc["findings"]:
        assert {
            "rule",
            "seed_rule",
            "severity",
            "segment",
            "text_fr",
            "text_en",
            "evidence",
        } <= set(f)


def test_report_writes_an_excel_audit(tmp_path):
    out = tmp_path / "audit.xlsx"
    assert main(["report", CONTACTS, "--mapping", MAPPING, "--out", str(out)]) == 0
    sheets = pd.ExcelFile(out).sheet_names
    assert len(sheets) >= 3
    assert (
        main(["report", CONTACTS, "--mapping", MAPPING, "--out", str(tmp_path / "audit.doc")]) == 2
    )


def test_compare_json_ranking_equals_the_python_api(capsys):
    from kpis.compare import compare_providers, scorecard

    args = ["compare", CONTACTS, "--mapping", MAPPING, "--strata", "motif,canal,niveau"]
    args += ["--kpi", "fcr_measured,dmt,service_level", "--weights", "fcr_measured=2,dmt=1"]
    args += ["--n-boot", "200", "--format", "json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    ranking = doc["ranking"]
    assert sorted(r["rank"] for r in ranking) == list(range(1, len(doc["providers"]) + 1))
    assert sorted(r["provider"] for r in ranking) == sorted(doc["providers"])
    assert {"provider", "rank", "score", "p_first"} == set(ranking[0])
    assert {v["kpi"] for v in doc["values"]} == {"fcr_measured", "dmt", "service_level"}
    assert all("std_ci_low" in v and "ci_low" in v for v in doc["values"])
    assert doc["pairwise"] and doc["strata"] == ["motif", "canal", "niveau"]
    tables = {"contacts": import_file(CONTACTS, mapping=MAPPING).data}
    comp = compare_providers(
        tables, ["fcr_measured", "dmt", "service_level"], strata=["motif", "canal", "niveau"]
    )
    sc = scorecard(comp, {"fcr_measured": 2, "dmt": 1}, n_boot=200, seed=0)
    assert ranking == json.loads(json.dumps(sc.ranking()))


def test_compare_errors_are_json(capsys):
    args = ["compare", CONTACTS, "--mapping", MAPPING, "--kpi", "nope", "--format", "json"]
    assert main(args) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["error"]["code"] and "nope" in doc["error"]["message"]
    assert main(["compare", CONTACTS, "--mapping", MAPPING, "--weights", "dmt"]) == 2
    assert "KPI=" in json.loads(capsys.readouterr().out)["error"]["message"]
