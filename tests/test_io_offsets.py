"""Timestamps written with a UTC offset keep the time of day written (naive local time, DESIGN):
"2026-07-15T23:30:00+02:00" is 23:30 on the 15th — converted to UTC it became 21:30, and a
contact at 00:30-05:00 moved to the day before. Impossible days are set aside with an offset
as without one."""

from __future__ import annotations

import pandas as pd

from kpis.io.parsers import parse_datetime
from kpis.io.pipeline import import_file

KEY = b"k" * 32


def test_offsets_keep_the_written_time_of_day():
    cells = [
        "2026-01-15T10:00:00+01:00",  # winter, Paris
        "2026-07-15T23:30:00+02:00",  # summer, Paris: stays on the 15th at 23:30
        "2026-03-01T00:30:00-05:00",  # New York: stays on March 1st
        "2026-03-01T10:00:00+0530",  # no colon in the offset
        "2026-07-15T08:00:00Z",
        "",
    ]
    got = parse_datetime(pd.Series(cells, dtype="str"))
    assert got.values.tolist()[:5] == [
        pd.Timestamp("2026-01-15 10:00:00"),
        pd.Timestamp("2026-07-15 23:30:00"),
        pd.Timestamp("2026-03-01 00:30:00"),
        pd.Timestamp("2026-03-01 10:00:00"),
        pd.Timestamp("2026-07-15 08:00:00"),
    ]
    assert pd.isna(got.values.iloc[5])
    assert got.invalid.tolist() == [False] * 6


def test_twitter_timestamps_keep_the_written_time_of_day():
    got = parse_datetime(
        pd.Series(["Tue Oct 31 22:10:47 +0000 2017", "Tue Oct 31 22:10:47 -0700 2017"], dtype="str")
    )
    assert got.values.tolist() == [pd.Timestamp("2017-10-31 22:10:47")] * 2


def test_impossible_day_with_an_offset_is_invalid():
    # strptime rolls 31 February over to 3 March: the day written must be the day read
    for cells in (
        ["2026-01-15T10:00:00+01:00", "2026-02-31T10:00:00+01:00"],
        ["2026-01-15T10:00:00Z", "2026-02-31T10:00:00Z"],
    ):
        got = parse_datetime(pd.Series(cells, dtype="str"))
        assert got.invalid.tolist() == [False, True], cells
        assert pd.isna(got.values.iloc[1])


def test_import_sets_aside_the_impossible_day_and_keeps_local_hours():
    data = (
        "Date;Motif\n"
        "2026-07-15T23:30:00+02:00;Facturation\n"
        "2026-02-31T09:00:00+01:00;Résiliation\n"
        "2026-07-16T08:05:00+02:00;Facturation\n"
    ).encode()
    res = import_file(data, "appels.csv", table="contacts", key=KEY)
    assert res.report["rows_in"] == 3 and res.report["rows_used"] == 2
    assert res.set_aside["_row"].tolist() == [3]
    assert res.data["started_at"].tolist() == [
        pd.Timestamp("2026-07-15 23:30:00"),
        pd.Timestamp("2026-07-16 08:05:00"),
    ]
