"""The engine's quantiles come from scipy.special (kpis.lazy.scipy_special): the same numbers as
scipy.stats, which the engine no longer loads. Hand values from the binomial tables, then sweeps
against scipy.stats itself as the outside reference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from kpis.stats.durations import median_rank
from kpis.stats.intervals import t_quantile


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


def test_t_quantile_matches_scipy_stats():
    df = np.array([1, 2, 3, 9, 29, 120, 1e4, 1e7], dtype=float)
    for q in (0.95, 0.975, 0.995):
        assert np.array_equal(t_quantile(q, df), stats.t.ppf(q, df))
    # table values: t(0.975, 1) = 12.706, t(0.975, 9) = 2.262, t(0.975, 29) = 2.045
    assert t_quantile(0.975, np.array([1.0, 9.0, 29.0])).round(3).tolist() == [12.706, 2.262, 2.045]
