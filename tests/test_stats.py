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
