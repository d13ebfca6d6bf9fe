"""The Explorer view's best and weakest segments: among segments with enough data only, and
for a KPI with no good direction (a volume) a highest and a lowest value, never a "best"."""

from __future__ import annotations

import pandas as pd

from kpis.views import explorer


def _calls() -> pd.DataFrame:
    # motif A: 100 calls, 60 answered (60 %); B: 100, 80 answered (80 %); C: 10, all answered
    # (100 %, but 10 < 30 calls: a low sample, no "best segment")
    rows = []
    for motif, n, answered in (("A", 100, 60), ("B", 100, 80), ("C", 10, 10)):
        rows += [(motif, i < answered) for i in range(n)]
    df = pd.DataFrame(rows, columns=["motif", "answered"])
    df["canal"] = "telephone"
    df["started_at"] = pd.Timestamp("2026-03-02 09:00") + pd.to_timedelta(df.index, unit="min")
    df["contact_id"] = [f"c{i}" for i in range(len(df))]
    return df


def test_best_segment_ignores_a_low_sample():
    res = explorer.run({"contacts": _calls()}, {"kpi": "answer_rate", "by": ["motif"]}, {})
    assert res.numbers["meilleur segment"] == "B : 80,0\u202f%"
    assert res.numbers["segment le plus faible"] == "A : 60,0\u202f%"


def test_a_volume_has_highest_and_lowest_values_not_a_best():
    res = explorer.run({"contacts": _calls()}, {"kpi": "volume", "by": ["motif"]}, {"lang": "en"})
    assert "best segment" not in res.numbers
    assert res.numbers["highest value"] == "A: 100"
    assert res.numbers["lowest value"] == "C: 10"
