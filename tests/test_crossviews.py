"""Cross-analysis data preparation: every ready-made analysis returns a chartable frame."""

from __future__ import annotations

import functools

import pytest

from kpis import crossviews as cv
from kpis.rules import RULES_BY_ID
from sample_data.generator import generate


@functools.cache
def tables():
    return generate(seed=4, n_contacts=4000)


def test_analyses_name_existing_rules():
    for _, (fr, en, rules) in cv.ANALYSES.items():
        assert fr and en and rules
        assert all(r in RULES_BY_ID for r in rules)


@pytest.mark.parametrize("by", ["motif", "agent_id", "week"])
def test_fcr_recontact(by):
    df = cv.fcr_recontact(tables(), by)
    assert len(df) > 3
    assert {"x_value", "y_value", "n"} <= set(df.columns)
    assert df["x_value"].between(0, 100).all()


def test_each_view_returns_rows():
    t = tables()
    assert set(cv.declared_measured(t)["kpi"]) == {"fcr", "fcr_measured", "fcr_survey"}
    wa = cv.wait_abandon(t)
    assert wa["abandon_rate"].between(0, 100).all() and (wa["n"] > 0).all()
    weeks, lags = cv.volume_recontact(t)
    assert len(weeks) > 10 and list(lags["lag"]) == [0, 1, 2, 3]
    dm = cv.dmt_by(t, "motif")
    assert (dm["ci_low"] <= dm["value"]).all() and len(dm) == 10
    assert len(cv.dmt_by(t, "motif", "agent_id")) > 40
    tr = cv.transfer_motif(t)
    assert {"motif", "value", "transfer_to", "transfers"} <= set(tr.columns)
    assert len(cv.csat_fcr(t)) == 10
    par = cv.avoidable_pareto(t)
    assert par["cum_share"].iloc[-1] == pytest.approx(100.0) and par["avoidable"].any()
    hh = cv.ho_hno(t, {"opening_hours": "mon-sat 08:00-20:00"})
    assert (hh["ho"] + hh["hno"] == hh["n"]).all()
    pair = cv.pairing(t, "dmt", "csat", "agent_id")
    assert len(pair) > 30


def test_drill_down():
    t = tables()
    rows = cv.drill(t, {"motif": "Livraison", "canal": ["telephone"]})
    assert len(rows) and (rows["motif"] == "Livraison").all()
    week = cv.fcr_recontact(t, "week")["period"].iloc[2]
    assert len(cv.drill(t, {"period": week}))
    assert len(cv.drill(t, {"hour": 10, "weekday": 0}))
