"""The distribution functions of the KPIs, comparisons and rules come from scipy.special
(kpis.stats.dist): the same numbers as scipy.stats, which they no longer load. Hand values from
the binomial and t tables, then sweeps against scipy.stats itself as the outside reference,
edges included (NaN parameters, q = 0 or 1, infinite x)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from kpis.stats import dist
from kpis.stats.durations import median_rank


def test_median_rank_hand_values():
    # Bin(10, ½): P(B ≤ 1) = 11/1024 = 0.0107 ≤ 0.025 < P(B ≤ 2) = 56/1024 → j = 2 (x₂, x₉)
    # Bin(100, ½): P(B ≤ 39) = 0.0176 ≤ 0.025 < P(B ≤ 40) = 0.0284 → j = 40 (x₄₀, x₆₁)
    # n = 5: P(B ≤ 0) = 1/32 = 0.031 > 0.025 → no interval (j = 0); n = 0 → 0
    assert median_rank([10, 100, 5, 0, 6]).tolist() == [2, 40, 0, 0, 1]
    # n = 6: P(B ≤ 0) = 1/64 = 0.0156 ≤ 0.025 < P(B ≤ 1) = 7/64 → j = 1


def _reference_rank(n: np.ndarray, a: float) -> np.ndarray:
    """#{k : P(B ≤ k) ≤ a}, from scipy.stats' binomial ppf and cdf."""
    j = stats.binom.ppf(a, n, 0.5)
    j = np.where(stats.binom.cdf(j, n, 0.5) <= a, j + 1, j)
    return np.where(n > 0, j, 0).astype(np.int64)


@pytest.mark.parametrize("conf", [0.95, 0.90, 0.99])
def test_median_rank_matches_scipy_stats(conf):
    rng = np.random.default_rng(7)
    n = np.concatenate([np.arange(0, 5001), rng.integers(5001, 10**8, 400)]).astype(float)
    got = median_rank(n, conf)
    ref = _reference_rank(n, (1 - conf) / 2)
    assert np.array_equal(got, ref), n[got != ref][:5]


def test_t_quantile_table_values():
    # table values: t(0.975, 1) = 12.706, t(0.975, 9) = 2.262, t(0.975, 29) = 2.045
    assert dist.t_ppf(0.975, np.array([1.0, 9.0, 29.0])).round(3).tolist() == [12.706, 2.262, 2.045]
    # Φ(1.96) = 0.975, P(χ²₁ > 3.841) = 0.05
    assert round(float(dist.norm_cdf(1.959964)), 6) == 0.975
    assert round(float(dist.chi2_sf(3.841459, 1)), 6) == 0.05


X = np.array([-np.inf, -3.0, -0.5, 0.0, 0.7, 2.5, 40.0, np.inf, np.nan])
DF = np.array([-1.0, 0.0, 0.5, 1.0, 3.0, 29.0, 1e6, np.inf, np.nan])
Q = np.array([0.0, 1e-9, 0.025, 0.5, 0.975, 1.0, -0.1, 1.2, np.nan])


@pytest.mark.parametrize(
    ("ours", "theirs", "grid"),
    [
        (dist.norm_cdf, stats.norm.cdf, "x"),
        (dist.norm_sf, stats.norm.sf, "x"),
        (dist.norm_ppf, stats.norm.ppf, "q"),
        (dist.t_cdf, stats.t.cdf, "x,df"),
        (dist.t_sf, stats.t.sf, "x,df"),
        (dist.t_ppf, stats.t.ppf, "q,df"),
        (dist.chi2_sf, stats.chi2.sf, "x,df"),
    ],
)
def test_distribution_functions_match_scipy_stats(ours, theirs, grid):
    first = Q if grid.startswith("q") else X
    args = np.meshgrid(first, DF) if "," in grid else [first]
    got, expected = ours(*args), theirs(*args)
    assert np.array_equal(got, expected, equal_nan=True), (got, expected)


def test_binomial_cdf_matches_scipy_stats():
    n = np.arange(1, 400, dtype=float)
    for k in (np.zeros_like(n), np.floor(n / 3), np.floor(n / 2), n - 1, n):
        np.testing.assert_allclose(dist.binom_cdf(k, n, 0.5), stats.binom.cdf(k, n, 0.5), 1e-13, 0)
    # Bin(10, ½): P(B ≤ 2) = 56/1024
    assert dist.binom_cdf(2, 10, 0.5) == pytest.approx(56 / 1024, abs=1e-15)
