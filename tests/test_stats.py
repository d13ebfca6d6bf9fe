"""Confidence intervals, low-sample rule and safe division (kpis.stats)."""

import math

import numpy as np
import pytest

from kpis import stats


def test_wilson_known_value():
    # k=8, n=10, z=1.96: p=.8; denom = 1 + 3.8416/10 = 1.38416
    # centre = (.8 + 3.8416/20) / 1.38416 = .99208/1.38416 = .716738
    # half = 1.96*sqrt(.016 + 3.8416/400)/1.38416 = 1.96*sqrt(.025604)/1.38416 = .226582
    lo, hi = stats.wilson_interval(8, 10)
    assert lo == pytest.approx(0.490156, abs=1e-4)
    assert hi == pytest.approx(0.943318, abs=1e-4)


def test_wilson_edges():
    lo, hi = stats.wilson_interval([0, 5], [5, 5])
    assert lo[0] == 0.0 and 0 < hi[0] < 1
    assert hi[1] == 1.0 and 0 < lo[1] < 1
    lo, hi = stats.wilson_interval(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    lo, hi = stats.wilson_interval(6, 5)  # numerator above denominator: no interval
    assert math.isnan(lo)


def test_nps_wald_interval_trinomial():
    # 50 promoters, 20 detractors, n=100: p_pro=.5, p_det=.2, NPS=30
    # var = (.5 + .2 - .3²)/100 = .0061; half = 1.96*100*sqrt(.0061) = 15.308
    lo, hi = stats.nps_wald_interval(50, 20, 100)
    assert lo == pytest.approx(30 - 15.308, abs=1e-2)
    assert hi == pytest.approx(30 + 15.308, abs=1e-2)


def test_nps_interval_bonett_price():
    # one pseudo-promoter and one pseudo-detractor: p̃_pro = 51/102 = .5, p̃_det = 21/102 =
    # .205882, centre 29.4118; var = (.705882 − .294118²)/102 = .0060723; half = 1.959964 × 100
    # × sqrt(.0060723) = 15.2730 → [14.1388, 44.6848]
    lo, hi = stats.nps_interval(50, 20, 100)
    assert lo == pytest.approx(14.1388, abs=1e-3)
    assert hi == pytest.approx(44.6848, abs=1e-3)


def test_nps_interval_clipped():
    lo, hi = stats.nps_wald_interval(3, 0, 3)  # all promoters: var 0 → [100, 100]
    assert lo == pytest.approx(100.0) and hi == pytest.approx(100.0)
    # Bonett–Price: p̃ = 4/5, 1/5 → centre 60, var = (1 − .36)/5 = .128, half = 70.12
    lo, hi = stats.nps_interval(3, 0, 3)
    assert lo == pytest.approx(60 - 1.959964 * 100 * 0.128**0.5, abs=1e-3) and hi == 100.0
    lo, hi = stats.nps_interval(1, 0, 2)
    assert -100 <= lo <= hi <= 100
    lo, hi = stats.nps_interval(0, 0, 0)
    assert math.isnan(lo) and math.isnan(hi)


def test_t_interval_from_sums():
    # x = 1,2,3,4: n=4, Σx=10, Σx²=30; mean 2.5; s² = (30 − 25)/3 = 5/3
    # half = t(.975, 3) * sqrt(5/3/4) = 3.182446 * 0.645497 = 2.054260
    lo, hi = stats.t_interval(4, 10, 30)
    assert lo == pytest.approx(2.5 - 2.054260, abs=1e-5)
    assert hi == pytest.approx(2.5 + 2.054260, abs=1e-5)
    lo, hi = stats.t_interval(1, 3, 9)
    assert math.isnan(lo) and math.isnan(hi)


def test_low_sample():
    assert list(stats.low_sample([0, 5, 30, 31], 30)) == [False, True, False, False]


def test_safe_divide_never_zero():
    d = stats.safe_divide([1, 0, 3], [2, 0, np.nan])
    assert d.value[0] == 0.5
    assert math.isnan(d.value[1]) and math.isnan(d.value[2])
    assert list(d.reason) == ["", stats.EMPTY_DENOMINATOR, stats.EMPTY_DENOMINATOR]


def test_cluster_ratio_var_equals_statsmodels_cluster_robust_mean():
    # an intercept-only OLS with customer-clustered errors estimates the same ratio; its
    # default small-sample factor G/(G−1)·(N−1)/(N−K) is G/(G−1) when K = 1
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    cust = np.repeat(np.arange(40), rng.integers(1, 7, 40))
    y = (rng.random(len(cust)) < rng.beta(2, 2, 40)[cust]).astype(float)
    fit = sm.OLS(y, np.ones(len(y))).fit(cov_type="cluster", cov_kwds={"groups": cust})
    yc, nc = np.bincount(cust, weights=y), np.bincount(cust).astype(float)
    var = stats.cluster_ratio_var(
        y.sum(), len(y), (yc**2).sum(), (yc * nc).sum(), (nc**2).sum(), 40
    )
    assert var == pytest.approx(fit.cov_params()[0, 0], rel=1e-10)


def test_cluster_ratio_interval_widens_with_clustering():
    # 10 customers × 10 contacts, all-or-nothing: 5 customers all yes → r = .5, deff ≈ 10
    lo, hi = stats.cluster_ratio_interval(50, 100, 5 * 100, 5 * 100, 10 * 100, 10)
    wlo, whi = stats.wilson_interval(50, 100)
    assert hi - lo > 2.5 * (whi - wlo)
    # singletons: deff = G/(G−1) (floored at 1 anyway) → Wilson within the df adjustment
    lo, hi = stats.cluster_ratio_interval(30, 100, 30, 30, 100, 100)
    wlo, whi = stats.wilson_interval(30, 100)
    assert lo == pytest.approx(wlo, abs=0.005) and hi == pytest.approx(whi, abs=0.005)
    lo, hi = stats.cluster_ratio_interval(0, 0, 0, 0, 0, 0)
    assert math.isnan(lo)


def test_hall_interval_by_hand():
    # n=100, x̄=10, s=5, γ=2: b = 2/600; g⁻¹(t) = 1.5·(cbrt(1 + 2(t − b)) − 1)
    b = 2 / 600
    t = 1.959963984540054 / 10
    lo_hand = 10 - 5 * 1.5 * (math.cbrt(1 + 2 * (t - b)) - 1)
    hi_hand = 10 - 5 * 1.5 * (math.cbrt(1 + 2 * (-t - b)) - 1)
    lo, hi = stats.hall_interval(100, 10, 5, 2)
    assert lo == pytest.approx(lo_hand) and hi == pytest.approx(hi_hand)
    assert hi - 10 > 10 - lo  # right-skewed data: longer upper arm
    lo, hi = stats.hall_interval(100, 10, 5, 0)  # no skewness: the z interval (shifted by 0)
    assert lo == pytest.approx(10 - 0.98, abs=1e-3) and hi == pytest.approx(10 + 0.98, abs=1e-3)


def test_bootstrap_t_close_to_student_on_normal_data_and_seeded():
    rng = np.random.default_rng(5)
    x = rng.normal(100, 15, size=(20, 50))
    codes = np.repeat(np.arange(20), 50)
    lo, hi = stats.mean_interval(codes, x.ravel(), 20)
    tlo, thi = stats.t_interval(np.full(20, 50), x.sum(axis=1), (x**2).sum(axis=1))
    np.testing.assert_allclose(hi - lo, thi - tlo, rtol=0.2)
    lo2, hi2 = stats.mean_interval(codes, x.ravel(), 20)
    np.testing.assert_array_equal(lo, lo2)  # the same figure on every run


def test_median_interval_equals_scipy_quantile_test():
    from scipy.stats import quantile_test

    rng = np.random.default_rng(7)
    sizes = [6, 7, 10, 31, 100, 1001]
    xs = [rng.lognormal(0, 1.5, n) for n in sizes]
    codes = np.concatenate([np.full(n, i) for i, n in enumerate(sizes)])
    med, lo, hi = stats.median_interval(codes, np.concatenate(xs), len(sizes))
    for i, x in enumerate(xs):
        ci = quantile_test(x, q=np.median(x), p=0.5).confidence_interval(0.95)
        assert med[i] == pytest.approx(np.median(x))
        assert (lo[i], hi[i]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    med, lo, hi = stats.median_interval(np.zeros(5, int), np.arange(5.0), 1)
    assert med[0] == 2.0 and np.isnan(lo[0])  # below 6 units: no 95 % order-statistic interval
