"""Reference figures from ../shared/data/*/PROVENANCE.md, reproduced through `pilote compute`.

Every expected value below is copied from the dataset's PROVENANCE.md (computed there with
pandas, independently of this code), never from our own output.
"""

from __future__ import annotations

import json

import pytest
from conftest import SHARED_DATA, SHARED_REASON

from kpis.cli import main

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=SHARED_REASON),
]


def compute(capsys, path: str, kpis: str, *extra: str) -> dict:
    code = main(["compute", str(SHARED_DATA / path), "--kpi", kpis, "--format", "json", *extra])
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert doc["import"]["rows_in"] == doc["import"]["rows_used"] + doc["import"]["rows_set_aside"]
    return doc


def value(doc: dict, kpi: str, **segment) -> dict:
    rows = [
        r
        for r in doc["results"]
        if r["kpi"] == kpi and all(str(r["segment"].get(k)) == v for k, v in segment.items())
    ]
    assert len(rows) == 1, rows
    return rows[0]


def test_pwc_call_centre(capsys):
    doc = compute(
        capsys,
        "pwc_call_center/Call-Center-Dataset.csv",
        "answer_rate,abandon_rate,csat_mean,csat,asa,dmc,fcr",
    )
    r = value(doc, "answer_rate")
    assert (r["numerator"], r["denominator"]) == (4054, 5000)
    assert r["value"] == pytest.approx(81.08, abs=0.005)
    assert value(doc, "abandon_rate")["value"] == pytest.approx(18.92, abs=0.005)
    assert value(doc, "csat_mean")["value"] == pytest.approx(3.4036, abs=5e-5)
    assert value(doc, "csat")["value"] == pytest.approx(49.90, abs=0.005)  # ratings at 4–5
    assert value(doc, "asa")["value"] == pytest.approx(67.52, abs=0.005)
    assert value(doc, "dmc")["value"] == pytest.approx(224.92, abs=0.005)  # talk time only
    assert value(doc, "fcr")["value"] == pytest.approx(72.92, abs=0.005)  # Resolved / all calls
    r = value(doc, "answer_rate")
    assert r["ci_low"] < r["value"] < r["ci_high"]


def test_pwc_answer_rate_by_topic(capsys):
    doc = compute(capsys, "pwc_call_center/Call-Center-Dataset.csv", "answer_rate", "--by", "motif")
    expected = {
        "Admin Support": 81.45,
        "Contract related": 80.84,
        "Payment related": 81.23,
        "Streaming": 82.88,
        "Technical Support": 79.00,
    }
    for motif, pct in expected.items():
        assert value(doc, "answer_rate", motif=motif)["value"] == pytest.approx(pct, abs=0.005)


def test_pwc_xlsx_gives_the_same_figures(capsys):
    doc = compute(capsys, "pwc_call_center/01 Call-Center-Dataset.xlsx", "answer_rate,asa")
    assert value(doc, "answer_rate")["value"] == pytest.approx(81.08, abs=0.005)
    assert value(doc, "asa")["value"] == pytest.approx(67.52, abs=0.005)


def test_nps_survey_overall_and_by_segment(capsys):
    doc = compute(capsys, "nps_survey/nps_survey.csv", "nps", "--by", "segment")
    assert value(doc, "nps", segment="utilisateur")["value"] == pytest.approx(-4.1870, abs=5e-5)
    assert value(doc, "nps", segment="admin")["value"] == pytest.approx(38.4293, abs=5e-5)
    doc = compute(capsys, "nps_survey/nps_survey.csv", "nps")
    r = value(doc, "nps")
    assert r["value"] == pytest.approx(10.8595, abs=5e-5)
    assert r["numerator"] == 9404 - 7203 and r["denominator"] == 20268


def test_simulated_call_centre_service_level_60s(capsys):
    doc = compute(
        capsys,
        "simulated_call_centre/simulated_call_centre.csv",
        "service_level,avg_wait,dmc",
        "--param",
        "sl_seconds=60",
    )
    r = value(doc, "service_level")
    assert (r["numerator"], r["denominator"]) == (47481, 51708)
    assert r["value"] == pytest.approx(91.8252, abs=5e-5)
    assert value(doc, "avg_wait")["value"] == pytest.approx(17.0349, abs=5e-5)
    assert value(doc, "dmc")["value"] == pytest.approx(299.1026, abs=5e-5)


@pytest.mark.parametrize("window,count,pct", [(7, 420, 1.79), (14, 794, 3.39)])
def test_retail_banking_repeat_complaints(capsys, window, count, pct):
    # PROVENANCE method: next complaint of the same client within N days, any issue, same-day
    # repeats count, no censoring at the end of the data
    doc = compute(
        capsys,
        "retail_banking_crm/crm_events.csv",
        "recontact_rate_contacts",
        "--param",
        f"window_days={window}",
        "--param",
        "same_motif=false",
        "--param",
        "exclude_censored=false",
    )
    r = value(doc, "recontact_rate_contacts")
    assert (r["numerator"], r["denominator"]) == (count, 23419)
    assert r["value"] == pytest.approx(pct, abs=0.005)


def test_rwfd_help_desk_csat_three_point_scale(capsys):
    doc = compute(
        capsys, "rwfd_help_desk/Help Desk.csv", "csat_mean,csat", "--param", "csat_top_box=2"
    )
    r = value(doc, "csat_mean")
    assert r["denominator"] == 5583
    assert r["value"] == pytest.approx(2.1651, abs=5e-5)
    assert value(doc, "csat")["value"] == pytest.approx(81.03, abs=0.005)  # share at 2 or 3


def test_kaggle_tickets_csat_by_channel(capsys):
    doc = compute(
        capsys,
        "kaggle_customer_support_tickets/customer_support_tickets.csv",
        "csat_mean",
        "--by",
        "canal",
    )
    expected = {"chat": 3.0831, "email": 2.9639, "telephone": 2.9522, "reseaux_sociaux": 2.9693}
    for canal, mean in expected.items():
        assert value(doc, "csat_mean", canal=canal)["value"] == pytest.approx(mean, abs=5e-5)
    doc = compute(
        capsys, "kaggle_customer_support_tickets/customer_support_tickets.csv", "csat_mean"
    )
    assert value(doc, "csat_mean")["value"] == pytest.approx(2.9913, abs=5e-5)


@pytest.mark.parametrize(
    "name", ["Call Center Data.csv", "Call Center Data (semicolon variant).csv"]
)
def test_kaggle_daily_aggregates(capsys, name):
    doc = compute(capsys, f"kaggle_call_center_daily/{name}", "answer_rate,abandon_rate,offered")
    r = value(doc, "answer_rate")
    assert (r["numerator"], r["denominator"]) == (221234, 248373)
    assert r["value"] == pytest.approx(89.0733, abs=5e-5)
    assert value(doc, "abandon_rate")["value"] == pytest.approx(10.9267, abs=5e-5)
    assert value(doc, "offered")["value"] == 248373
