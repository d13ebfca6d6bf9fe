"""Distinct counts per segment (customers, agent-days): the bitset path against a hand count and
against pandas' groupby-nunique on random codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpis.segments import Segmenter, _bitset_counts, _bitset_width


def test_bitset_counts_by_hand():
    # group 0: codes 3, 3, 70 -> 2 distinct; group 1: 3, 64, 64, 127 -> 3; group 2: none
    g = np.array([0, 0, 0, 1, 1, 1, 1])
    e = np.array([3, 3, 70, 3, 64, 64, 127])
    assert _bitset_counts(g, e, 3, width=128).tolist() == [2.0, 3.0, 0.0]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ngroups", [1, 7, 240])
def test_bitset_counts_equal_groupby_nunique(seed, ngroups):
    rng = np.random.default_rng(seed)
    n = 20_000
    g = rng.integers(0, ngroups, n)
    e = rng.integers(0, 3_000, n)
    expected = pd.Series(e).groupby(g).nunique().reindex(range(ngroups), fill_value=0)
    width = _bitset_width(e, ngroups)
    assert width is not None
    assert _bitset_counts(g, e, ngroups, width).tolist() == expected.astype(float).tolist()


def test_width_refuses_negative_codes_and_oversized_bitsets():
    assert _bitset_width(np.array([0, -1]), 1) is None
    # 10 rows, codes up to 10 million in 100 groups: 125 MB of bits for 10 rows -> hash instead
    assert _bitset_width(np.array([0, 10_000_000] * 5), 100) is None


def test_segmenter_distinct_any_by_hand():
    frame = pd.DataFrame({"canal": pd.Categorical(["tel", "tel", "mail", "tel", "mail"])})
    seg = Segmenter(frame, ["canal"], None, None)
    customer = np.array([1, 1, 2, 5, 2])
    eligible = np.array([True, True, True, True, False])
    followed = np.array([False, True, False, False, True])
    den, num = seg.distinct_any(customer, eligible, followed)
    groups = seg.groups["canal"].astype(str).tolist()
    got = dict(zip(groups, zip(den.tolist(), num.tolist(), strict=True), strict=True))
    # mail: customer 2 (row 4 not eligible) -> 1 customer, 0 followed
    # tel: customers 1 and 5 -> 2; customer 1 followed once -> 1
    assert got == {"mail": (1.0, 0.0), "tel": (2.0, 1.0)}


@pytest.mark.parametrize("ones", [[7], [0, 3, 4, 9, 10, 11, 12, 13, 15, 19]])
def test_segmenter_count_by_hand_sparse_and_dense_masks(ones):
    # 40 rows in 3 canals (tel on rows % 3 == 0, mail on % 3 == 1, chat on % 3 == 2); one true
    # row (2.5 % of rows: the codes of the true rows are gathered) or ten (25 %: the mask weighs
    # every code) — the same count either way
    names = np.array(["tel", "mail", "chat"])[np.arange(40) % 3]
    seg = Segmenter(pd.DataFrame({"canal": pd.Categorical(names)}), ["canal"], None, None)
    mask = np.zeros(40, dtype=bool)
    mask[ones] = True
    got = dict(zip(seg.groups["canal"].astype(str), seg.count(mask).tolist(), strict=True))
    expected = {"tel": 0.0, "mail": 0.0, "chat": 0.0}
    for row in ones:  # by hand: row r is in canal r % 3
        expected[["tel", "mail", "chat"][row % 3]] += 1
    assert got == expected
    assert seg.count(mask).dtype == np.float64


@pytest.mark.parametrize("width", [128, 3_000_000])
def test_bytes_and_bits_paths_count_alike(width):
    # width 128: one byte a (group, code) slot; 3 million codes in 2 groups: too many slots
    # for bytes at 7 rows, so one bit a slot. Group 0: codes 3, 3, 70 -> 2 distinct;
    # group 1: 3, 64, 64 and the last code -> 3
    g = np.array([0, 0, 0, 1, 1, 1, 1])
    e = np.array([3, 3, 70, 3, 64, 64, width - 1])
    assert _bitset_counts(g, e, 2, width=width).tolist() == [2.0, 3.0]
