"""Segment counts when the rows are already grouped (time-ordered rows by period: one run of
rows per segment) and when they are not; counted by hand on the tables written here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.segments import Segmenter

# January 3 rows, February 2, March 4 — in time order
TIMES = pd.to_datetime(
    [
        "2024-01-02",
        "2024-01-10",
        "2024-01-31 23:59",
        "2024-02-01",
        "2024-02-20",
        "2024-03-01",
        "2024-03-02",
        "2024-03-15",
        "2024-03-31",
    ],
    format="ISO8601",
)
MASK = np.array([True, False, True, False, False, True, True, True, False])


def test_counts_by_month_on_time_ordered_rows():
    seg = Segmenter(pd.DataFrame({"t": TIMES}), [], "month", "t")
    assert seg.ngroups == 3
    # January: rows 0 and 2; February: none; March: rows 5, 6, 7
    assert seg.count(MASK).tolist() == [2.0, 0.0, 3.0]
    assert seg.count(np.ones(9, dtype=bool)).tolist() == [3.0, 2.0, 4.0]
    assert seg.count(np.zeros(9, dtype=bool)).tolist() == [0.0, 0.0, 0.0]


def test_counts_by_month_on_shuffled_rows():
    order = [8, 0, 4, 2, 6, 1, 3, 7, 5]
    seg = Segmenter(pd.DataFrame({"t": TIMES[order]}), [], "month", "t")
    assert seg.count(MASK[order]).tolist() == [2.0, 0.0, 3.0]


def test_counts_by_key_then_month():
    # canal a on the first 5 rows, b on the last 4: segments (a, Jan), (a, Feb), (b, Mar)
    df = pd.DataFrame({"canal": ["a"] * 5 + ["b"] * 4, "t": TIMES})
    seg = Segmenter(df, ["canal"], "month", "t")
    assert seg.ngroups == 3
    assert seg.count(MASK).tolist() == [2.0, 0.0, 3.0]


def test_masks_with_as_many_rows_are_counted_apart():
    # shuffled rows (a bincount, not runs): two masks of 2 rows each, in different months
    order = [8, 0, 4, 2, 6, 1, 3, 7, 5]  # months of the rows: Mar Jan Feb Jan Mar Jan Feb Mar Mar
    seg = Segmenter(pd.DataFrame({"t": TIMES[order]}), [], "month", "t")
    jan = np.array([False, True, False, True, False, False, False, False, False])
    mar = np.array([True, False, False, False, True, False, False, False, False])
    assert seg.count(jan).tolist() == [2.0, 0.0, 0.0]
    assert seg.count(mar).tolist() == [0.0, 0.0, 2.0]
    # the same rows in another array give the same counts; writing to a result changes
    # nothing for the next caller
    got = seg.count(jan.copy())
    assert got.tolist() == [2.0, 0.0, 0.0]
    got[0] = 99.0
    assert seg.count(jan).tolist() == [2.0, 0.0, 0.0]
