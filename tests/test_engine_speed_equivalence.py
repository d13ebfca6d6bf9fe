"""The fast interval paths give the same figures as the slow reference ones (to 1e-12).

The reference below is the engine's first, straightforward implementation, kept here: per-KPI
customer sums by a sort of the (segment, customer) pairs and weighted bincounts, duration units
taken in row order and laid out again (argsort) for the mean interval and again for the median.
``reference_compute`` swaps it in for the fast paths (``cluster_sums``, ``duration_units``,
``engine._duration_intervals``) and every number of every KPI must match.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as _sps

from benchmarks import synthetic
from kpis import engine, recontact
from kpis.definitions import _base
from kpis.engine import compute
from kpis.stats import durations as _dur

NUMBERS = [
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "n",
    "median",
    "median_ci_low",
    "median_ci_high",
]


# Reference implementation ----------------------------------------------------------------------


def ref_cluster_sums(v, num, den, k=None, n=None):
    """Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c², clusters per segment; a row without customer is alone."""
    if not v.has("customer_id"):
        return None
    cust = recontact.customer_codes(v.full)
    if v.mask is not None:
        cust = cust[v.mask]
    cust = cust.copy()
    lone = cust < 0
    top = int(cust.max()) + 1 if len(cust) else 0
    cust[lone] = top + np.arange(int(lone.sum()))
    k = max(top + int(lone.sum()), 1)
    codes, uniq = pd.factorize(v.seg.codes * k + cust)
    seg = np.asarray(uniq, dtype=np.int64) // k
    y = np.bincount(codes, weights=num, minlength=len(uniq))
    n = np.bincount(codes, weights=den, minlength=len(uniq))
    g = v.seg.ngroups
    return (
        np.bincount(seg, weights=y * y, minlength=g),
        np.bincount(seg, weights=y * n, minlength=g),
        np.bincount(seg, weights=n * n, minlength=g),
        np.bincount(seg, weights=(n > 0).astype("float64"), minlength=g),
    )


def ref_duration_units(v, values, m):
    return (v.seg.codes[m], values[m])


def _ref_layout(codes, x, ngroups):
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=ngroups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return x[order], starts, sizes


def _ref_moments(xs, sizes):
    ng = len(sizes)
    seg = np.repeat(np.arange(ng), sizes)
    n = sizes.astype("float64")
    n_ = np.where(sizes > 0, n, 1.0)
    mean = np.bincount(seg, weights=xs, minlength=ng) / n_
    d = xs - mean[seg]
    m2 = np.bincount(seg, weights=d * d, minlength=ng)
    m3 = np.bincount(seg, weights=d * d * d, minlength=ng)
    sd = np.sqrt(m2 / np.where(n > 1, n - 1, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(sd > 0, (m3 / n_) / sd**3, 0.0)
    return n, mean, sd, skew


def _ref_boot_t(x, rng, b, conf):
    x = np.sort(x)  # resamples independent of the rows' order
    n = len(x)
    mean, sd = x.mean(), x.std(ddof=1)
    if sd == 0:
        return mean, mean
    xb = x[rng.integers(0, n, size=(b, n))]
    mb, sb = xb.mean(axis=1), xb.std(axis=1, ddof=1)
    keep = sb > 0
    t = (mb[keep] - mean) / (sb[keep] / np.sqrt(n))
    q_lo, q_hi = np.quantile(t, [(1 - conf) / 2, 1 - (1 - conf) / 2])
    se = sd / np.sqrt(n)
    return mean - q_hi * se, mean - q_lo * se


def ref_mean_interval(codes, x, ngroups, conf=0.95):
    xs, starts, sizes = _ref_layout(codes, x, ngroups)
    lo, hi = _dur.hall_interval(*_ref_moments(xs, sizes), conf)
    rng = np.random.default_rng(_dur.SEED)
    spent = 0
    small = np.flatnonzero((sizes >= 2) & (sizes < _dur.BOOT_MAX_N))
    for g in small[np.argsort(sizes[small], kind="stable")]:
        size = int(sizes[g])
        if spent + _dur.BOOT_B * size > _dur.BOOT_BUDGET:
            break
        spent += _dur.BOOT_B * size
        lo[g], hi[g] = _ref_boot_t(xs[starts[g] : starts[g] + size], rng, _dur.BOOT_B, conf)
    return lo, hi


def _ref_rank(size, a):
    """Largest j with P(Binomial(size, ½) < j) ≤ a (0 when none)."""
    j = int(_sps.binom.ppf(a, size, 0.5))
    while _sps.binom.cdf(j, size, 0.5) <= a:
        j += 1
    while j > 0 and _sps.binom.cdf(j - 1, size, 0.5) > a:
        j -= 1
    return j


def ref_median_interval(codes, x, ngroups, conf=0.95):
    xs, starts, sizes = _ref_layout(codes, x, ngroups)
    med, lo, hi = (np.full(ngroups, np.nan) for _ in range(3))
    for g in np.flatnonzero(sizes > 0):
        s = np.sort(xs[starts[g] : starts[g] + sizes[g]])
        size = len(s)
        med[g] = 0.5 * (s[(size - 1) // 2] + s[size // 2])
        # largest j with P(Binomial(size, ½) < j) ≤ α/2
        j = _ref_rank(size, (1 - conf) / 2)
        if j >= 1:
            lo[g], hi[g] = s[j - 1], s[size - j]
    return med, lo, hi


def ref_duration_intervals(units, g):
    codes, x = units
    return (*ref_mean_interval(codes, x, g), *ref_median_interval(codes, x, g))


def reference_compute(tables, **kw) -> pd.DataFrame:
    saved = (_base.cluster_sums, _base.duration_units, engine._duration_intervals)
    _base.cluster_sums = ref_cluster_sums
    _base.duration_units = ref_duration_units
    engine._duration_intervals = ref_duration_intervals
    try:
        return compute(tables, **kw)
    finally:
        _base.cluster_sums, _base.duration_units, engine._duration_intervals = saved


# Data --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_tables():
    from kpis.io.sample import load_sample

    return load_sample()[0]


@pytest.fixture(scope="module")
def synthetic_tables():
    c = synthetic.contacts(100_000, seed=3)
    return {"contacts": c, "surveys": synthetic.surveys(c)}


@pytest.fixture(scope="module")
def awkward_tables():
    """Missing customer ids, one customer with a thousand contacts, a few tiny segments."""
    c = synthetic.contacts(20_000, seed=4)
    cust = c["customer_id"].copy()
    cust.iloc[::7] = pd.NA
    cust.iloc[1::50] = 99_999
    c["customer_id"] = cust
    return {"contacts": c, "surveys": synthetic.surveys(c)}


GROUPINGS = {
    "overall": {},
    "canal×motif×niveau": {"by": ["canal", "motif", "niveau"]},
    "month": {"period": "month"},
    "agent": {"by": ["agent_id"]},
    "refilter": {"filters": {"provider": "Interne", "canal": "telephone"}},
    "refilter by week": {"filters": {"canal": "telephone"}, "period": "week"},
}


def assert_same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(slow.columns)
    assert len(fast) == len(slow)
    other = [c for c in fast.columns if c not in NUMBERS]
    pd.testing.assert_frame_equal(fast[other], slow[other])
    for col in NUMBERS:
        a, b = fast[col].to_numpy(), slow[col].to_numpy()
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=col)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True, err_msg=col)


def _check(tables, grouping):
    kw = GROUPINGS[grouping]
    fast = compute(tables, **kw)
    slow = reference_compute(tables, **kw)
    assert_same(fast, slow)
    return fast


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_sample_same_numbers_as_reference(sample_tables, grouping):
    _check(sample_tables, grouping)


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_synthetic_100k_same_numbers_as_reference(synthetic_tables, grouping):
    out = _check(synthetic_tables, grouping)
    clustered = out[out["kpi"] == "answer_rate"]
    assert clustered["ci_low"].notna().any()  # the intervals were computed, not all NaN
    assert out[out["kpi"] == "asa"]["median"].notna().any()


@pytest.mark.parametrize("grouping", ["overall", "canal×motif×niveau", "agent", "refilter"])
def test_awkward_customers_same_numbers_as_reference(awkward_tables, grouping):
    _check(awkward_tables, grouping)
