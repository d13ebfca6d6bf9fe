"""The resolution time's detail names each segment's median ("; median 4500 s"), taken from
the same order statistics as the median column; hand-computed on the table written here."""

from __future__ import annotations

import pandas as pd

from kpis.engine import compute

T0 = pd.Timestamp("2024-03-04 09:00")


def _tickets() -> pd.DataFrame:
    # canal a: resolved after 1 h and 1.5 h (even count: median 1.25 h = 4500 s);
    # canal b: after 1 h, 2 h and 10 h (odd count: median 2 h = 7200 s), plus one ticket
    # still open (not resolved: out of the mean and the median)
    hours = [1, 1.5, 1, 2, 10, None]
    return pd.DataFrame(
        {
            "ticket_id": ["t1", "t2", "t3", "t4", "t5", "t6"],
            "canal": ["a", "a", "b", "b", "b", "b"],
            "started_at": [T0] * 6,
            "resolved_at": [T0 + pd.Timedelta(hours=h) if h else pd.NaT for h in hours],
        }
    )


def test_median_in_detail_per_segment():
    out = compute({"contacts": _tickets()}, ["mttr"], by="canal").set_index("canal")
    assert out.loc["a", "median"] == 4500.0
    assert out.loc["b", "median"] == 7200.0
    assert out.loc["a", "detail"].endswith("; median 4500 s")
    assert out.loc["b", "detail"].endswith("; median 7200 s")
    # means: (3600 + 5400) / 2 and (3600 + 7200 + 36000) / 3
    assert out.loc["a", "value"] == 4500.0
    assert out.loc["b", "value"] == 15600.0


def test_median_in_detail_overall():
    out = compute({"contacts": _tickets()}, ["mttr"])
    # 3600, 3600, 5400, 7200, 36000: median 5400
    assert out["median"].tolist() == [5400.0]
    assert out["detail"].iloc[0].endswith("; median 5400 s")
