"""Row masks of the in-memory executor (``kpis.declare.evaluate``) and the engine's memoised
segment counts: a mask differing in a value, a recontact parameter or the view gets its own
rows and counts; fill0's missing → 0. Expectations are counted by hand on the tables written
here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis import recontact
from kpis.declare import evaluate, fill0, flag, known, value
from kpis.engine import Env, compute

WAITS = [5.0, 15.0, 25.0, 35.0]


def _contacts() -> pd.DataFrame:
    # customer 1 comes back 3 days later on the same motif; customer 2 once; the last row is
    # 20 days later so that the first two rows' windows (1 or 7 days) are not censored
    return pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            "customer_id": pd.array([1, 1, 2, 3], dtype="Int64"),
            "started_at": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-04 09:00", "2024-01-02 09:00", "2024-01-21 09:00"]
            ),
            "canal": pd.Categorical(["telephone", "telephone", "email", "telephone"]),
            "motif": ["m", "m", "m", "m"],
            "answered": pd.array([True, True, False, True], dtype="boolean"),
            "wait_s": WAITS,
        }
    )


def _view(filters=None):
    env = Env({"contacts": _contacts()}, [], None, filters or {})
    return env, env.view("contacts")


def test_a_different_threshold_gets_its_own_mask():
    env, v = _view()
    le20 = evaluate(known("wait_s") & (value("wait_s") <= 20), v, env, {})
    le30 = evaluate(known("wait_s") & (value("wait_s") <= 30), v, env, {})
    assert le20.tolist() == [True, True, False, False]
    assert le30.tolist() == [True, True, True, False]
    other_field = evaluate(known("wait_s") & (value("customer_id") <= 20), v, env, {})
    assert other_field.tolist() == [True] * 4


def test_recontact_window_is_part_of_the_key():
    recontact.clear_cache()
    env, v = _view()
    expr = flag("followed") & known("customer_id")
    week = {"window_days": 7, "same_motif": True, "exclude_censored": True}
    day = {**week, "window_days": 1}
    # row a is followed by row b 3 days later: within 7 days, not within 1
    assert evaluate(expr, v, env, {"_recontact": week}).tolist() == [True, False, False, False]
    assert evaluate(expr, v, env, {"_recontact": day}).tolist() == [False] * 4


def test_a_filtered_view_has_its_own_masks():
    tables = {"contacts": _contacts()}
    # service level, default 20 s, abandons counted: telephone rows a, b, d answered, waits
    # 5, 15, 35 → 2 of 3; all channels (c is an email, not a call) → the same 3 calls
    phone = compute(tables, ["service_level"], filters={"canal": "telephone"})
    everyone = compute(tables, ["service_level"])
    assert phone["numerator"].tolist() == [2.0] and phone["denominator"].tolist() == [3.0]
    assert everyone["numerator"].tolist() == [2.0]
    # answered calls among the rows: a filtered view (email only) has none
    email = compute(tables, ["answer_rate", "handled"], filters={"canal": "email"})
    assert email.set_index("kpi").loc["handled", "value"] == 0.0
    everyone = compute(tables, ["handled"])
    assert everyone["value"].tolist() == [3.0]
    assert np.isnan(email.set_index("kpi").loc["answer_rate", "value"])


def test_fill0_counts_missing_as_zero_and_keeps_the_rest():
    # fill0: NaN → 0; an infinite value → the largest float of its sign (as NumPy's
    # nan_to_num); -0.0 stays -0.0
    df = pd.DataFrame({"x": [1.5, np.nan, np.inf, -np.inf, -0.0]})
    env = Env({"contacts": df}, [], None, {})
    v = env.view("contacts")
    got = evaluate(fill0(value("x")), v, env, {})
    big = np.finfo(np.float64).max
    assert got.tolist() == [1.5, 0.0, big, -big, 0.0]
    assert np.signbit(got[4])
    finite = evaluate(fill0(value("x")), *_finite_view(), {})
    assert finite.tolist() == [2.0, 0.0, 3.0]
    assert np.signbit(finite[1]) is np.False_


def _finite_view():
    env = Env({"contacts": pd.DataFrame({"x": [2.0, np.nan, 3.0]})}, [], None, {})
    return env.view("contacts"), env
