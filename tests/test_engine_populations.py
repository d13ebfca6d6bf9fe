"""Every KPI declares its population; telephony KPIs count inbound presented calls.

The sample's figures are computed here BY HAND with pandas on the raw CSV (French export, not
the engine's import), then compared with the engine's result and its population.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpis.definitions import REGISTRY
from kpis.engine import compute
from kpis.populations import POPULATIONS, population_label, population_text

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def raw_calls() -> pd.DataFrame:
    """Inbound presented phone calls of the raw sample CSV (pandas only)."""
    d = pd.read_csv(SAMPLE / "contacts.csv", sep=";", dtype=str)
    calls = d[(d["Canal"] == "Téléphone") & (d["Sens"] == "Entrant") & (d["Présenté"] == "oui")]
    return calls[calls["Décroché"].isin(["oui", "non"])]


@pytest.fixture(scope="module")
def sample_results() -> pd.DataFrame:
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    return compute(tables, ["answer_rate", "abandon_rate", "service_level", "offered"]).set_index(
        "kpi"
    )


def test_every_kpi_declares_a_known_population():
    for kpi in REGISTRY:
        assert kpi.population in POPULATIONS, kpi.id
        assert population_label(kpi.population, "fr") and population_label(kpi.population, "en")


def test_sample_rates_equal_the_hand_computation(raw_calls, sample_results):
    answered = raw_calls["Décroché"] == "oui"
    wait = pd.to_numeric(raw_calls["Temps d'attente"])
    n = len(raw_calls)
    assert n == 18452
    hand = {
        "answer_rate": 100 * answered.sum() / n,
        "abandon_rate": 100 * (~answered).sum() / n,
        "service_level": 100 * (answered & (wait <= 20)).sum() / n,
    }
    assert hand["answer_rate"] == pytest.approx(88.46, abs=0.01)
    assert hand["service_level"] == pytest.approx(56.84, abs=0.01)
    for kpi, value in hand.items():
        row = sample_results.loc[kpi]
        assert row["value"] == pytest.approx(value, abs=1e-9), kpi
        assert row["denominator"] == n
        assert row["population_id"] == "inbound_calls_presented"
    assert sample_results.loc["offered", "value"] == n
    assert population_text(n, "inbound_calls_presented", "fr") == (
        "18\u202f452 appels entrants présentés"
    )
    assert population_text(n, "inbound_calls_presented", "en") == ("18,452 inbound calls presented")


# A small table: direction, channel and the offered flag each take rows out
#  row canal      direction  offered  answered  wait
#  0   telephone  entrant    T        T         10
#  1   telephone  entrant    T        F         50
#  2   telephone  sortant    -        T         0     outbound: out
#  3   email      entrant    -        T         -     not a call: out
#  4   telephone  entrant    F        F         -     not presented (closed hours): out
#  5   chat       entrant    T        T         30    out unless telephony_channels has chat
#  6   telephone  (missing)  T        T         15    direction unknown: assumed inbound
SMALL = pd.DataFrame(
    {
        "canal": pd.Categorical(
            ["telephone", "telephone", "telephone", "email", "telephone", "chat", "telephone"]
        ),
        "direction": pd.Categorical(
            ["entrant", "entrant", "sortant", "entrant", "entrant", "entrant", None]
        ),
        "offered": pd.array([True, True, None, None, False, True, True], dtype="boolean"),
        "answered": pd.array([True, False, True, True, False, True, True], dtype="boolean"),
        "wait_s": [10.0, 50, 0, np.nan, np.nan, 30, 15],
    }
)
IDS = ["offered", "handled", "abandoned", "answer_rate", "service_level", "asa"]


def _one(tables, **kw) -> pd.DataFrame:
    return compute(tables, IDS, params={"min_n": 1, **kw.pop("params", {})}, **kw).set_index("kpi")


def test_small_table_population():
    r = _one({"contacts": SMALL})
    # rows 0, 1, 6 → answered 0, 6; within 20 s: 0 (10 s), 6 (15 s)
    assert r.loc["offered", "value"] == 3
    assert r.loc["handled", "value"] == 2
    assert r.loc["abandoned", "value"] == 1
    assert r.loc["answer_rate", "value"] == pytest.approx(200 / 3)
    assert r.loc["service_level", "value"] == pytest.approx(200 / 3)
    assert r.loc["asa", "value"] == pytest.approx(12.5)
    assert r.loc["asa", "population_id"] == "inbound_calls_answered"
    assert "without a direction assumed inbound" in r.loc["answer_rate", "detail"]


def test_chat_extends_the_population():
    r = _one({"contacts": SMALL}, params={"telephony_channels": ["telephone", "chat"]})
    # rows 0, 1, 5, 6 → answered 0, 5, 6
    assert r.loc["offered", "value"] == 4
    assert r.loc["answer_rate", "value"] == pytest.approx(75.0)
    assert r.loc["answer_rate", "population_id"] == "inbound_queued_presented"


def test_unmapped_fields_are_assumed_and_said():
    bare = SMALL.drop(columns=["direction", "offered", "canal"])
    r = _one({"contacts": bare})
    # every row with a known answered value: 7 rows, 5 answered
    assert r.loc["offered", "value"] == 7
    assert r.loc["answer_rate", "value"] == pytest.approx(500 / 7)
    detail = r.loc["answer_rate", "detail"]
    assert "direction not mapped: every contact assumed inbound" in detail
    assert "canal not mapped" in detail and "offered flag not mapped" in detail


def test_direction_is_a_filter_and_a_segment():
    r = compute({"contacts": SMALL}, ["handled"], by=["direction"])
    seg = r.set_index("direction")["value"]
    assert seg["entrant"] == 1  # row 0 (row 6 has no direction: its own segment)
    assert seg["sortant"] == 0  # outbound calls are never in the population
    f = compute({"contacts": SMALL}, ["offered"], filters={"direction": "entrant"})
    assert f["value"].iloc[0] == 2  # rows 0, 1


def test_population_in_every_result_row():
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    r = compute(tables)
    assert r["population_id"].isin(list(POPULATIONS)).all()
    assert (r["population_id"] != "").all()


def test_outbound_calls_leave_without_the_offered_flag():
    no_flag = SMALL.drop(columns="offered")
    r = _one({"contacts": no_flag})
    # telephone, inbound or unknown direction, answered known: rows 0, 1, 4, 6 (row 2 outbound)
    assert r.loc["offered", "value"] == 4
    assert r.loc["handled", "value"] == 2  # rows 0, 6
    assert "offered flag not mapped" in r.loc["offered", "detail"]
