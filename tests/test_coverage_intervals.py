"""Coverage of the project's 95 % intervals by simulation (small, seeded version of
``benchmarks/coverage.py``), and the raw intervals failing where the project's hold.

With R replicates the Monte-Carlo standard error of a 95 % coverage is sqrt(.95 × .05 / R):
1.1 points at R = 400, so the band [0.91, 0.99] is about ±3.5 SE around the target. The
skewed-mean band is looser (target 90 % for σ = 1.5 at n ≥ 100, per the benchmark README).
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import coverage as cov

R = 400
LOW, HIGH = 0.91, 0.99


@pytest.fixture
def rng():
    return np.random.default_rng(20260101)


@pytest.mark.parametrize("n,p", [(100, 0.5), (1000, 0.1), (1000, 0.85)])
def test_iid_rates(rng, n, p):
    r = cov.iid_rate(n, p, R, rng)
    assert LOW <= r.project <= HIGH


@pytest.mark.parametrize("customers,p,icc", [(30, 0.85, 0.5), (100, 0.5, 0.2), (300, 0.2, 0.5)])
def test_clustered_rates_hold_where_wilson_fails(rng, customers, p, icc):
    r = cov.clustered_rate(customers, p, icc, R, rng)
    assert LOW <= r.project <= HIGH, r
    if icc >= 0.5:
        assert r.raw < 0.86, r  # Wilson over contacts: about 78 %


def test_clustered_without_repeat_is_wilson(rng):
    # one contact per customer: the cluster interval is (almost) Wilson and still holds
    r = cov.clustered_rate(300, 0.3, 0.5, R, rng, max_per=1)
    assert LOW <= r.project <= HIGH and abs(r.project - r.raw) <= 0.02


@pytest.mark.parametrize(
    "n,sigma,low",
    [(30, 1.0, LOW), (100, 1.0, LOW), (100, 1.5, 0.86), (3000, 1.5, 0.90), (3000, 0.5, LOW)],
)
def test_lognormal_means(rng, n, sigma, low):
    r = cov.lognormal_mean(n, sigma, R, rng)
    assert low <= r.project <= HIGH, r


def test_student_t_fails_skewed_small_samples(rng):
    r = cov.lognormal_mean(10, 1.5, R, rng)
    assert r.raw < 0.80 and r.project > r.raw + 0.06, r


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_median_interval(rng, n):
    r = cov.lognormal_median(n, 1.5, R, rng)
    assert 0.92 <= r.project <= 1.0, r  # order statistics: at least 95 % by construction


@pytest.mark.parametrize("probs", cov.NPS_MIXES)
@pytest.mark.parametrize("n", [30, 100])
def test_nps(rng, n, probs):
    r = cov.nps(n, probs, R, rng)
    assert LOW <= r.project <= HIGH, r


def test_nps_wald_fails_small_lopsided_samples(rng):
    r = cov.nps(10, (0.1, 0.2, 0.7), R, rng)
    assert r.raw < 0.91 and r.project >= LOW, r
