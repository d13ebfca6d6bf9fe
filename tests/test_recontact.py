"""Recontact windowing (kpis.recontact): flags, ties, censoring, cache."""

import pandas as pd
import pytest

from kpis import recontact

T0 = pd.Timestamp("2024-01-01")


def journeys(rows):
    """rows: (customer or None, day offset, motif) in file order."""
    return pd.DataFrame(
        {
            "customer_id": pd.array([r[0] for r in rows], dtype="Int64"),
            "started_at": pd.to_datetime([T0 + pd.Timedelta(days=r[1]) for r in rows]),
            "motif": pd.Categorical([r[2] for r in rows]),
            "_row": range(1, len(rows) + 1),
        }
    )


BASE = [
    (1, 0, "A"),  # 0: followed by 1 (2 days)
    (1, 2, "A"),  # 1: next is 18 days later
    (1, 20, "A"),  # 2: no next
    (2, 1, "A"),  # 3: next is motif B → followed only with same_motif=False
    (2, 3, "B"),  # 4
    (None, 4, "A"),  # 5: no customer → outside
    (3, 30, "A"),  # 6: last timestamp; censored for any window > 0
]


def test_flags_default():
    f = recontact.recontact_flags(journeys(BASE))
    assert list(f["followed"]) == [True, False, False, False, False, False, False]
    assert list(f["has_customer"]) == [True, True, True, True, True, False, True]
    # censored: day + 7 > 30 → day > 23: row 6 only
    assert list(f["censored"]) == [False] * 6 + [True]
    assert list(f["eligible"]) == [True, True, True, True, True, False, False]
    assert f["recontact"].isna().tolist() == [False] * 5 + [True, True]


def test_flags_any_motif_and_window():
    f = recontact.recontact_flags(journeys(BASE), same_motif=False)
    assert list(f["followed"])[:5] == [True, False, False, True, False]
    f = recontact.recontact_flags(journeys(BASE), window_days=18)
    assert list(f["followed"])[:3] == [True, True, False]  # 18 days ≤ 18
    # censored with 18 days: day > 12 → rows 2 (day 20) and 6
    assert list(f["censored"]) == [False, False, True, False, False, False, True]


def test_exclude_censored_false_keeps_them():
    f = recontact.recontact_flags(journeys(BASE), exclude_censored=False)
    assert list(f["eligible"]) == [True] * 5 + [False, True]


def test_tie_counts_only_when_later_in_file():
    # two contacts of customer 9 at the same instant: the earlier file row is followed
    df = journeys([(9, 0, "A"), (9, 0, "A"), (8, 40, "A")])
    f = recontact.recontact_flags(df)
    assert list(f["followed"]) == [True, False, False]
    # the same rows given in the other order but keeping their file rows: same answer
    g = df.iloc[[1, 0, 2]]
    f2 = recontact.recontact_flags(g)
    assert f2.loc[0, "followed"] and not f2.loc[1, "followed"]


def test_missing_motif_never_matches():
    f = recontact.recontact_flags(journeys([(1, 0, None), (1, 1, None), (2, 40, "A")]))
    assert list(f["followed"]) == [False, False, False]
    assert list(f["eligible"]) == [True, True, False]  # still in the denominator


def test_missing_field_raises():
    with pytest.raises(KeyError):
        recontact.recontact_flags(journeys(BASE).drop(columns="motif"))
    recontact.recontact_flags(journeys(BASE).drop(columns="motif"), same_motif=False)


def test_cache_reused_and_not_confused():
    recontact.clear_cache()
    df = journeys(BASE)
    a = recontact.recontact_flags(df)
    b = recontact.recontact_flags(df)
    assert a["followed"].equals(b["followed"])
    assert len(recontact._CACHE) == 1
    other = journeys(BASE[:3])
    c = recontact.recontact_flags(other)
    assert len(c) == 3 and len(recontact._CACHE) == 2


def test_censoring_edge_a_window_ending_on_the_last_timestamp_is_complete():
    # window 7 days, last timestamp day 30: a contact on day 23 has its whole window observed
    # (23 + 7 = 30, not > 30) so it is not censored; day 23.5 runs past the end and is.
    rows = [(1, 0, "A"), (2, 23, "A"), (3, 23.5, "A"), (4, 30, "A")]
    f = recontact.recontact_flags(journeys(rows))
    assert list(f["censored"]) == [False, False, True, True]
    assert list(f["eligible"]) == [True, True, False, False]
    # a recontact exactly 7 days later still counts (≤ window), and that contact is complete
    g = recontact.recontact_flags(journeys([(5, 23, "A"), (5, 30, "A")]))
    assert list(g["followed"]) == [True, False]
    assert list(g["censored"]) == [False, True]


def test_same_motif_skips_an_other_motif_in_between():
    # customer 1: A on day 0, B on day 1, A on day 2: with same_motif the next contact of
    # row 0 is row 2 (2 days later: followed); without, it is row 1 (1 day: followed too,
    # but row 1 is then followed by row 2 on another motif)
    rows = [(1, 0, "A"), (2, 0.5, "A"), (1, 1, "B"), (1, 2, "A"), (3, 40, "A")]
    same = recontact.recontact_flags(journeys(rows), 7, same_motif=True)
    assert list(same["followed"]) == [True, False, False, False, False]
    anym = recontact.recontact_flags(journeys(rows), 7, same_motif=False)
    assert list(anym["followed"]) == [True, False, True, False, False]


def test_many_customers_and_motifs():
    # 70 000 customers (codes past 16 bits: several radix passes), each with motif A on day 0,
    # motif B on day 1 and motif A on day 3, interleaved in time order; one last contact on
    # day 40 closes the data. Same motif: only each day-0 contact is followed (by day 3).
    k = 70_000
    rows = [(c, d + c / (10 * k), m) for d, m in ((0, "A"), (1, "B"), (3, "A")) for c in range(k)]
    rows.append((k, 40, "A"))
    f = recontact.recontact_flags(journeys(rows), 7, same_motif=True)
    assert list(f["followed"][:k]) == [True] * k
    assert int(f["followed"].sum()) == k
