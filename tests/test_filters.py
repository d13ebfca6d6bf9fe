"""Row filtering (``kpis.filters.filter_rows``): its rules on small hand-made tables, and the
recontact regression of the cross-analyses (flags computed on the whole contacts table, then
filtered — as the engine does)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from kpis import crossviews as cv
from kpis import format as fmt
from kpis.definitions import REGISTRY
from kpis.engine import Env, compute
from kpis.filters import filter_rows, filter_tables
from kpis.views.runner import run_cell
from kpis.workspace import Cell

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def ts(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), format="ISO8601"), dtype="datetime64[ns]")


def cat(*values) -> pd.Series:
    return pd.Series(list(values), dtype="category")


def picked_ids(res, col: str = "contact_id") -> list:
    return list(res.rows[col])


# --------------------------------------------------------------- value filters and missing fields

CONTACTS = pd.DataFrame(
    {
        "contact_id": ["c1", "c2", "c3", "c4"],
        "started_at": ts("2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 11:00", "2024-01-03"),
        "canal": cat("telephone", "email", "telephone", None),
        "niveau": cat("N1", "N2", "N2", "N1"),
        "agent_id": [12, 7, 12, 3],
    }
)


def test_value_filter_lists_scalars_missing_values_and_empty_list():
    assert picked_ids(filter_rows(CONTACTS, {"canal": ["telephone"]})) == ["c1", "c3"]
    assert picked_ids(filter_rows(CONTACTS, {"canal": "email"})) == ["c2"]
    assert picked_ids(filter_rows(CONTACTS, {"canal": ["email", None]})) == ["c2", "c4"]
    assert picked_ids(filter_rows(CONTACTS, {"canal": []})) == []
    both = filter_rows(CONTACTS, {"canal": ["telephone"], "niveau": ["N2"]})
    assert picked_ids(both) == ["c3"] and both.complete and both.missing == []


def test_text_values_match_numeric_and_categorical_cells():
    # the pages offer values as text: "12" selects agent 12 (an integer column)
    assert picked_ids(filter_rows(CONTACTS, {"agent_id": ["12"]})) == ["c1", "c3"]
    assert picked_ids(filter_rows(CONTACTS, {"agent_id": 12})) == ["c1", "c3"]
    ints = CONTACTS.assign(agent_id=CONTACTS["agent_id"].astype("category"))
    assert picked_ids(filter_rows(ints, {"agent_id": ["7"]})) == ["c2"]


def test_no_filter_keeps_the_table_without_copy():
    res = filter_rows(CONTACTS, None)
    assert res.mask is None and res.rows is CONTACTS and res.n == 4


def test_missing_field_is_reported_not_silently_applied():
    res = filter_rows(CONTACTS, {"team": ["A"], "canal": ["telephone"]})
    assert res.missing == ["team"] and not res.complete
    # the filters the table can take still apply; the caller decides what the gap means
    assert picked_ids(res) == ["c1", "c3"]
    only_missing = filter_rows(CONTACTS, {"team": ["A"]})
    assert only_missing.mask is None and only_missing.n == 4


def test_callers_choose_engine_not_computable_pages_skip():
    from ui.state import filter_frame

    tables = {"contacts": CONTACTS}
    out = compute(tables, ["volume"], filters={"team": ["A"], "canal": ["telephone"]})
    assert out["status"].iloc[0] == "not_computable"
    assert "team" in str(out["detail"].iloc[0])
    rows = filter_frame(CONTACTS, {"team": ["A"], "canal": ["telephone"]}, None, "contacts")
    assert list(rows["contact_id"]) == ["c1", "c3"]  # the page skips the team filter


def test_engine_page_and_function_pick_the_same_rows():
    from ui.state import filter_frame

    f = {"canal": ["telephone"], "niveau": ["N2"]}
    expected = ["c3"]
    assert list(Env({"contacts": CONTACTS}, [], None, f).view("contacts").df["contact_id"]) == (
        expected
    )
    assert list(filter_frame(CONTACTS, f, None, "contacts")["contact_id"]) == expected
    assert list(filter_tables({"contacts": CONTACTS}, f)["contacts"]["contact_id"]) == expected


# --------------------------------------------------------------- borrowing through contact_id

SURVEYS = pd.DataFrame(
    {
        "answered_at": ts("2024-01-05", "2024-01-05", "2024-01-06", "2024-01-06"),
        "contact_id": ["c1", "c2", "zz", None],
        "csat_score": [5.0, 1.0, 4.0, 2.0],
    }
)


def test_surveys_borrow_filter_fields_from_contacts():
    res = filter_rows(SURVEYS, {"canal": ["telephone"]}, table="surveys", contacts=CONTACTS)
    assert res.borrowed == ["canal"] and res.missing == []
    assert list(res.rows["csat_score"]) == [5.0]  # c1 only: c2 is email, zz/None unknown
    # an unknown contact gets a missing value: only a filter on missing values keeps it
    na = filter_rows(SURVEYS, {"canal": [None]}, table="surveys", contacts=CONTACTS)
    assert list(na.rows["csat_score"]) == [4.0, 2.0]
    assert "canal" not in SURVEYS.columns  # the caller's table is left untouched


def test_only_surveys_and_evaluations_borrow():
    base = pd.DataFrame({"period_start": ts("2024-01-01"), "contact_id": ["c1"], "cost": [1.0]})
    res = filter_rows(base, {"canal": ["telephone"]}, table="costs", contacts=CONTACTS)
    assert res.borrowed == [] and res.missing == ["canal"]
    no_link = filter_rows(
        SURVEYS.drop(columns="contact_id"),
        {"canal": ["telephone"]},
        table="surveys",
        contacts=CONTACTS,
    )
    assert no_link.missing == ["canal"] and no_link.borrowed == []


def test_engine_borrows_the_same_way():
    tables = {"contacts": CONTACTS, "surveys": SURVEYS}
    out = compute(tables, ["csat"], filters={"canal": ["telephone"]}, params={"min_n": 1})
    # one answer (c1, score 5 = satisfied) → 100 %
    assert out["value"].iloc[0] == 100.0 and out["n"].iloc[0] == 1


# --------------------------------------------------------------- date ranges

TIMES = pd.DataFrame(
    {
        "contact_id": ["a", "b", "c", "d", "e"],
        "started_at": pd.Series(
            pd.to_datetime(
                [
                    "2023-12-31 23:59:59",
                    "2024-01-01 00:00:00",
                    "2024-01-02 23:59:59",
                    "2024-01-03 00:00:00",
                    None,
                ]
            ),
            dtype="datetime64[ns]",
        ),
    }
)


@pytest.mark.parametrize(
    "span, expected",
    [
        (("2024-01-01", "2024-01-02"), ["b", "c"]),  # start included; a day end = whole day
        ((pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")), ["b", "c"]),
        (("2024-01-01", "2024-01-02 12:00"), ["b"]),  # an end with a time: t ≤ end
        (("2024-01-01", "2024-01-03 00:00"), ["b", "c", "d"]),  # midnight = whole 3 Jan
        ((None, "2024-01-01"), ["a", "b"]),  # open start
        (("2024-01-02", None), ["c", "d"]),  # open end
        ((None, None), ["a", "b", "c", "d"]),  # rows without a time are never in a range
    ],
)
def test_date_range_boundaries(span, expected):
    for key in ("date", "started_at", "period"):
        assert picked_ids(filter_rows(TIMES, {key: span})) == expected


def test_date_range_applies_to_each_tables_own_time_field():
    f = {"date": ("2024-01-06", "2024-01-06")}
    assert list(filter_rows(SURVEYS, f, table="surveys").rows["csat_score"]) == [4.0, 2.0]
    evals = pd.DataFrame({"evaluated_at": ts("2024-01-05", "2024-01-06"), "score": [1, 2]})
    assert list(filter_rows(evals, f, table="evaluations").rows["score"]) == [2]
    res = filter_rows(SURVEYS.drop(columns="answered_at"), f, table="surveys")
    assert res.missing == ["answered_at"] and res.n == 4


def test_a_two_item_list_is_a_value_filter_not_a_range():
    res = filter_rows(TIMES, {"date": ["2024-01-01", "2024-01-02"]})
    assert res.missing == ["date"]  # no "date" column: JSON callers make it a tuple first


# --------------------------------------------------------------- recontact regression

# Customer A calls on day 1 (telephone) and writes on day 3 (email), same motif: the call is
# recontacted. Customer B calls once (day 2). Customer C calls on day 20: the last timestamp, so
# the 7-day windows of days 1–3 are complete and C's own contact is censored (left out).
JOURNEY = pd.DataFrame(
    {
        "contact_id": ["k1", "k2", "k3", "k4"],
        "customer_id": ["A", "A", "B", "C"],
        "started_at": ts("2024-03-01 10:00", "2024-03-03 10:00", "2024-03-02 10:00", "2024-03-20"),
        "canal": cat("telephone", "email", "telephone", "telephone"),
        "motif": cat("Facture", "Facture", "Livraison", "Livraison"),
        "resolved_first_contact": [True, True, False, True],
    }
)
PARAMS = {"window_days": 7, "same_motif": True, "exclude_censored": True, "min_n": 1}
PHONE = {"canal": ["telephone"]}
# by hand, phone contacts under canal = telephone: k1 followed (k2 on day 3, same motif),
# k3 not followed, k4 censored → 1 / 2 = 50 %; Facture 1/1 = 100 %, Livraison 0/1 = 0 %
EXPECTED_ALL, EXPECTED_BY_MOTIF = 50.0, {"Facture": 100.0, "Livraison": 0.0}


def _engine(by=None) -> pd.DataFrame:
    tables = {"contacts": JOURNEY}
    return compute(tables, ["recontact_rate_contacts"], by=by, filters=PHONE, params=PARAMS)


def test_the_engine_sees_the_email_recontact():
    assert _engine()["value"].iloc[0] == EXPECTED_ALL
    by = _engine(["motif"]).set_index("motif")["value"]
    assert by.to_dict() == EXPECTED_BY_MOTIF


def test_prefiltered_contacts_would_miss_the_recontact():
    # the old cross-analysis path: filter the contacts first, then compute → k1 looks alone
    pre = filter_tables({"contacts": JOURNEY}, PHONE)
    out = compute(pre, ["recontact_rate_contacts"], params=PARAMS)
    assert out["value"].iloc[0] == 0.0 != EXPECTED_ALL


def test_crossviews_count_the_phone_contact_as_recontacted():
    tables = {"contacts": JOURNEY}
    pair = cv.pairing(tables, "fcr", "recontact_rate_contacts", None, PARAMS, filters=PHONE).iloc[0]
    assert pair["y_value"] == EXPECTED_ALL == _engine()["value"].iloc[0]
    assert pair["y_n"] == 2
    # declared FCR on the same filter: k1, k4 resolved, k3 not → 2 / 3
    assert pair["x_value"] == pytest.approx(200 / 3)
    by = cv.fcr_recontact(tables, "motif", PARAMS, filters=PHONE).set_index("motif")
    assert by["y_value"].to_dict() == EXPECTED_BY_MOTIF
    engine = _engine(["motif"]).set_index("motif")["value"]
    assert by["y_value"].to_dict() == {str(k): v for k, v in engine.items()}


def test_notebook_cell_counts_the_phone_contact_as_recontacted():
    cell = Cell("crossview", {"analysis": "fcr_recontact", "by": "motif"}, filters=PHONE)
    res = run_cell(cell, {"contacts": JOURNEY}, {"params": PARAMS})
    assert res.error in (None, ""), res.error
    got = res.table.set_index("motif")["y_value"].to_dict()
    assert got == EXPECTED_BY_MOTIF
    # the global filters of the workspace settings take the same path
    res2 = run_cell(
        Cell("crossview", {"analysis": "fcr_recontact", "by": "motif"}),
        {"contacts": JOURNEY},
        {"params": PARAMS, "filters": PHONE},
    )
    assert res2.table.set_index("motif")["y_value"].to_dict() == EXPECTED_BY_MOTIF


def test_crossview_raw_analyses_apply_the_filters():
    tables = {"contacts": JOURNEY}
    par = cv.avoidable_pareto(tables, filters=PHONE)
    assert dict(zip(par["motif"], par["n"], strict=True)) == {"Livraison": 2, "Facture": 1}
    rows = cv.drill(tables, {"motif": "Facture"}, filters=PHONE)
    assert list(rows["contact_id"]) == ["k1"]
    with pytest.raises(ValueError, match="team"):
        cv.drill(tables, {"motif": "Facture"}, filters={"team": ["A"]})


def test_page_8_counts_the_phone_contact_as_recontacted():
    from streamlit.testing.v1 import AppTest

    from ui.state import Dataset

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/8_Analyses_croisees.py").run()
    at.session_state["dataset"] = Dataset("journey", "user", [], {"contacts": JOURNEY})
    at.session_state["params"] = {k: v for k, v in PARAMS.items()}
    at.run()
    at.sidebar.multiselect(key="f_canal").set_value(["telephone"]).run()
    assert not at.exception, [e.message for e in at.exception]
    # the data table is shown as French text under French headers (the KPI's name)
    y = REGISTRY.get("recontact_rate_contacts").name_fr
    data = next(d.value for d in at.dataframe if y in d.value.columns)
    got = dict(zip(data["Motif"].astype(str), data[y], strict=True))
    assert got == {k: fmt.percent(v) for k, v in EXPECTED_BY_MOTIF.items()}
    assert sum(int(n) for n in data["n"]) == 3  # Facture n = 1 (k1), Livraison n = 2 (k3, k4)
