"""KPIs from per-period aggregates: weighted, never a plain mean of period averages."""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.engine import compute


def _periods():
    # period 1: 100 offered, 90 answered, ASA 10 s, talk 100 s, SL 80 %
    # period 2: 300 offered, 240 answered, ASA 40 s, talk 200 s, SL 50 %
    return {
        "periods": pd.DataFrame(
            {
                "period_index": [1.0, 2.0],
                "offered_n": [100.0, 300.0],
                "answered_n": [90.0, 240.0],
                "abandoned_n": [10.0, 60.0],
                "asa_s": [10.0, 40.0],
                "talk_avg_s": [100.0, 200.0],
                "wait_avg_s": [20.0, 60.0],
                "service_level_pct": [80.0, 50.0],
            }
        )
    }


def _one(res, kpi):
    return res.set_index("kpi").loc[kpi]


def test_rates_are_ratios_of_summed_counts():
    res = compute(_periods(), ["answer_rate", "abandon_rate", "offered", "handled"])
    r = _one(res, "answer_rate")
    assert (r["numerator"], r["denominator"]) == (330, 400)  # 90 + 240 over 100 + 300
    assert r["value"] == pytest.approx(82.5)
    assert r["ci_low"] < 82.5 < r["ci_high"]
    assert _one(res, "abandon_rate")["value"] == pytest.approx(17.5)  # 70 / 400
    assert _one(res, "offered")["value"] == 400 and _one(res, "handled")["value"] == 330


def test_averages_are_weighted_by_the_calls_they_average():
    res = compute(_periods(), ["asa", "dmc", "avg_wait", "service_level"])
    # ASA: (10×90 + 40×240) / 330 = 10500 / 330 = 31.818… (a plain mean would say 25)
    assert _one(res, "asa")["value"] == pytest.approx(10500 / 330)
    assert _one(res, "dmc")["value"] == pytest.approx((100 * 90 + 200 * 240) / 330)
    # waits and service level over offered calls: (20×100 + 60×300) / 400 = 50
    assert _one(res, "avg_wait")["value"] == pytest.approx(50.0)
    assert _one(res, "service_level")["value"] == pytest.approx((80 * 100 + 50 * 300) / 400)
    assert pd.isna(_one(res, "asa")["ci_low"])  # no per-call spread: no interval, said so
    assert "no interval" in _one(res, "asa")["detail"]


def test_what_aggregates_cannot_give_is_not_computable_never_zero():
    res = compute(_periods(), ["csat", "answer_rate"], by=["canal"])
    assert set(res["status"]) == {"not_computable"}
    res = compute(_periods(), ["csat"])
    assert _one(res, "csat")["status"] == "not_computable"
    assert pd.isna(_one(res, "csat")["value"])
