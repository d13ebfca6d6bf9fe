"""Whether every contact id differs is decided from 64-bit hashes of the cells' bytes
(``kpis.io.columns.row_hashes``, sorted): no two equal hashes proves it; a shared hash is settled
by Arrow's exact distinct count. The event-log check reads the same hashes as a lower bound of
the distinct ids. Answers must be the exact ones whatever the chunking, offsets and collisions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kpis.io import columns, events
from kpis.io.columns import all_distinct, distinct_codes, row_hashes
from kpis.io.detect import is_date_only
from kpis.io.fields import normalise_category, trimmed
from kpis.io.parsers import parse_datetime


def _chunked(values, large=True, cut=None) -> pa.ChunkedArray:
    typ = pa.large_string() if large else pa.string()
    if cut is None:
        return pa.chunked_array([pa.array(values, type=typ)])
    return pa.chunked_array(
        [pa.array(values[:cut], type=typ), pa.array([], type=typ), pa.array(values[cut:], type=typ)]
    )


def test_equal_texts_equal_hashes_across_chunks_and_offsets():
    vals = ["ab", "CT000001", "", "ba", "ab", "é", "CT000001", ""]
    for large in (True, False):
        for cut in (None, 1, 4, 7):
            h = row_hashes(_chunked(vals, large, cut))
            assert h[0] == h[4] and h[1] == h[6] and h[2] == h[7]
            assert len({h[0], h[1], h[2], h[3], h[5]}) == 5  # these five differ here
    sliced = pa.chunked_array([pa.array(["zz", "ab", "CT000001"], type=pa.large_string())[1:]])
    assert list(row_hashes(sliced)) == list(row_hashes(_chunked(vals))[:2])


def test_all_distinct_exact_answers():
    assert all_distinct(_chunked(["a", "b", "ab", "ba", ""]))
    assert not all_distinct(_chunked(["a", "b", "ab", "ba", "ab"], cut=3))  # across chunks
    assert not all_distinct(_chunked(["a", "", "b", ""]))  # two empty cells
    assert all_distinct(_chunked(["x", None, "y"]))  # one null: a value of its own
    assert not all_distinct(_chunked(["x", None, None]))
    # the duplicate sits before the slice: the slice itself is all distinct
    tail = pa.array(["ab", "ab", "cd"], type=pa.large_string())[1:]
    assert all_distinct(pa.chunked_array([tail]))


def test_shared_hash_is_settled_exactly(monkeypatch):
    """Every cell given the same hash: the exact count must still say 'all distinct'."""
    monkeypatch.setattr(columns, "row_hashes", lambda arr: np.zeros(len(arr), dtype=np.uint64))
    assert all_distinct(_chunked(["CT1", "CT2", "CT3"]))
    assert not all_distinct(_chunked(["CT1", "CT2", "CT1"]))
    codes = distinct_codes(pd.Series(["CT1", "CT2", "CT3"], dtype="str"))
    assert list(codes) == [0, 1, 2]
    codes = distinct_codes(pd.Series(["CT1", "CT2", "CT1"], dtype="str"))
    assert list(codes) == [0, 1, 0]


def test_event_check_counts_filled_ids_only():
    """10 rows, ids mostly distinct only if more than 10 / 2 = 5 distinct filled ids sit in the
    first 6 rows. Six distinct ids: yes. Five ids and a placeholder '?': no (the placeholder is
    missing, not an id), though the six cells' hashes all differ."""
    ids = ["T1", "T2", "T3", "T4", "T5", "T6", "T1", "T1", "T1", "T1"]
    assert events._mostly_distinct(pd.Series(ids, dtype="str"))
    ids = ["T1", "T2", "T3", "T4", "T5", "?", "T1", "T1", "T1", "T1"]
    assert not events._mostly_distinct(pd.Series(ids, dtype="str"))
    ids = ["T1", "T2", "T3", "T4", "T5", "T5", "T6", "T7", "T8", "T9"]  # 5 in the first 6
    assert not events._mostly_distinct(pd.Series(ids, dtype="str"))


def test_explicit_format_rereads_only_filled_cells():
    """Blank and whitespace cells are missing (not invalid); a fraction of a second is read
    after normalising; text that is no date is invalid."""
    s = pd.Series(
        ["05/03/2025 10:11:12", "", "   ", "05/03/2025 10:11:12,5", "hello"]
        + [" 06/03/2025 08:00:00"],
        dtype="str",
    )
    p = parse_datetime(s, "%d/%m/%Y %H:%M:%S")
    assert [None if pd.isna(v) else str(v) for v in p.values] == [
        "2025-03-05 10:11:12",
        None,
        None,
        "2025-03-05 10:11:12",
        None,
        "2025-03-06 08:00:00",
    ]
    assert list(p.invalid) == [False, False, False, False, True, False]


def test_date_only_from_the_integers():
    """A timestamp column is date-only when every filled value is at midnight: a clock time
    far after the first 1,000 rows still counts; NaT is ignored; all NaT is not date-only."""
    days = pd.Series(pd.date_range("2025-01-01", periods=3000, freq="D"))
    assert is_date_only(days)
    late = days.copy()
    late.iloc[2500] = pd.Timestamp("2031-12-01 00:00:01")
    assert not is_date_only(late)
    with_nat = days.copy()
    with_nat.iloc[[0, 10]] = pd.NaT
    assert is_date_only(with_nat)
    assert not is_date_only(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]"))
    seconds = pd.Series(["2025-03-05", "2025-03-06 12:00:00"], dtype="datetime64[s]")
    assert not is_date_only(seconds)
    assert is_date_only(seconds.iloc[:1])
    aware = pd.Series(pd.to_datetime(["2025-03-05 00:00"]).tz_localize("Europe/Paris"))
    assert is_date_only(aware)


def test_category_text_trimmed_only_when_a_cell_may_be_padded():
    """Agent ids and other many-valued categories: a column whose cells all start and end with
    a visible ASCII character is kept as it is (no copy); any padding, Unicode spaces included,
    is trimmed as before, so ' A1', 'A1\\t' and '\\u00a0A1' are one agent."""
    clean = pd.Series(["A1", "B2", None, "", "A1"], dtype="str")
    assert trimmed(clean) is clean
    padded = pd.Series(["A1", " A1", "A1\t", "\u00a0A1", "B 2", None], dtype="str")
    assert list(trimmed(padded).fillna("<na>")) == ["A1", "A1", "A1", "A1", "B 2", "<na>"]
    cat = normalise_category(padded, "agent_id")
    assert list(cat.cat.categories) == ["A1", "B 2"]
    assert list(cat.iloc[:4]) == ["A1"] * 4
