"""Confidence intervals, minimum-sample rule and safe division for KPI values.

Every function is vectorised: it takes scalars or numpy arrays of group sums (one entry per
segment) and returns arrays of the same shape, so one call serves every segment at once. Intervals
are 95 % by default. Proportions are in [0, 1] here; the engine turns them into percent.

- Wilson score interval for a proportion k / n:
  ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``.
- Proportion over contacts clustered by customer (``cluster_ratio_interval``): the ratio
  estimator's linearised (sandwich) variance ``Σ_c (y_c − r·n_c)² / (Σn)² × G/(G−1)`` gives a
  design effect ``deff = var ÷ (r(1−r)/n)`` (at least 1); Wilson with the effective size
  ``n/deff × (z/t_{G−1})²`` (Korn & Graubard 1998 degrees-of-freedom adjustment).
- NPS (in points): Bonett & Price (2012) adjusted Wald for a difference of two multinomial
  proportions: one pseudo-promoter and one pseudo-detractor, ``p̃ = (k+1)/(n+2)``,
  ``(p̃_pro − p̃_det) ± z·sqrt((p̃_pro + p̃_det − (p̃_pro − p̃_det)²)/(n+2))``, clipped to
  [−100, 100] (the plain trinomial Wald, ``nps_wald_interval``, undercovers at small n).
- Mean: Student t interval from n, Σx and Σx², so it works from group sums:
  ``mean ± t(n−1) · sqrt(s² / n)`` with ``s² = (Σx² − (Σx)²/n) / (n − 1)``.
- Safe division: an empty (0 or missing) denominator gives NaN and a reason, never 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kpis.stats import dist

Z95 = 1.959963984540054
EMPTY_DENOMINATOR = "empty denominator"


def _z(conf: float) -> float:
    return Z95 if conf == 0.95 else float(dist.norm_ppf(0.5 + conf / 2))


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype="float64")


class Division(NamedTuple):
    """Result of ``safe_divide``: values (NaN where the denominator is empty) and reasons."""

    value: np.ndarray
    reason: np.ndarray  # object array: "" when fine, EMPTY_DENOMINATOR otherwise


def safe_divide(num, den) -> Division:
    """num ÷ den; where den is 0 or missing the value is NaN and the reason says why (never 0)."""
    num, den = _arr(num), _arr(den)
    empty = ~(den != 0) | np.isnan(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(empty, np.nan, num / np.where(empty, 1.0, den))
    reason = np.where(empty, EMPTY_DENOMINATOR, "").astype(object)
    return Division(value, reason)


def wilson_interval(k, n, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion k / n, in [0, 1]; NaN where n is 0 or k > n."""
    k, n = _arr(k), _arr(n)
    z = _z(conf)
    bad = ~(n > 0) | (k < 0) | (k > n)
    n_ = np.where(bad, 1.0, n)
    p = np.where(bad, 0.0, k / n_)
    denom = 1.0 + z * z / n_
    centre = (p + z * z / (2 * n_)) / denom
    half = z * np.sqrt(np.maximum(p * (1 - p) / n_ + z * z / (4 * n_ * n_), 0.0)) / denom
    low = np.clip(centre - half, 0.0, 1.0)
    high = np.clip(centre + half, 0.0, 1.0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def nps_wald_interval(promoters, detractors, n, conf: float = 0.95):
    """Plain Wald interval of NPS in points: var = (p_pro + p_det − (p_pro − p_det)²) / n,
    NPS ± z·100·sqrt(var), clipped to [−100, 100]; NaN where n is 0."""
    pro, det, n = _arr(promoters), _arr(detractors), _arr(n)
    z = _z(conf)
    bad = ~(n > 0)
    n_ = np.where(bad, 1.0, n)
    p_pro, p_det = pro / n_, det / n_
    var = np.maximum(p_pro + p_det - (p_pro - p_det) ** 2, 0.0) / n_
    centre = 100.0 * (p_pro - p_det)
    half = z * 100.0 * np.sqrt(var)
    low = np.clip(centre - half, -100.0, 100.0)
    high = np.clip(centre + half, -100.0, 100.0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def nps_interval(promoters, detractors, n, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Bonett–Price adjusted Wald interval of NPS in points (one pseudo-count added to the
    promoters and to the detractors, n + 2 answers); NaN where n is 0."""
    pro, det, n = _arr(promoters), _arr(detractors), _arr(n)
    lo, hi = nps_wald_interval(pro + 1.0, det + 1.0, n + 2.0, conf)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def cluster_ratio_var(k, n, syy, syn, snn, clusters) -> np.ndarray:
    """Linearised (sandwich) variance of r = k/n over G clusters:
    Σ_c (y_c − r·n_c)² / n² × G/(G−1), expanded as (syy − 2r·syn + r²·snn) / n² × G/(G−1)."""
    k, n, syy, syn, snn, g = map(_arr, (k, n, syy, syn, snn, clusters))
    r = k / n
    return np.maximum(syy - 2 * r * syn + r * r * snn, 0.0) / (n * n) * g / (g - 1)


def cluster_ratio_interval(
    k, n, syy, syn, snn, clusters, conf: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of the proportion k / n when the n units fall in ``clusters`` groups (customers).

    ``syy, syn, snn``: Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c² over the clusters (y_c successes and n_c
    units of cluster c). var(r) = (syy − 2r·syn + r²·snn) / n² × G/(G−1); deff = var ÷
    (r(1−r)/n), floored at 1; Wilson interval at the effective size n/deff × (z/t_{G−1})².
    NaN where n is 0; plain Wilson where r is 0 or 1 or G < 2.
    """
    k, n, g = _arr(k), _arr(n), _arr(clusters)
    z = _z(conf)
    ok = (n > 0) & (g >= 2)
    n_ = np.where(ok, n, 1.0)
    g_ = np.where(ok, g, 2.0)
    r = np.where(ok, k / n_, 0.0)
    var = cluster_ratio_var(k, n_, syy, syn, snn, g_)
    srs = r * (1 - r) / n_
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(ok & (srs > 0), np.maximum(var / np.where(srs > 0, srs, 1.0), 1.0), 1.0)
    df_adj = np.where(ok, (z / dist.t_ppf(0.5 + conf / 2, g_ - 1)) ** 2, 1.0)
    n_eff = np.where(ok, n_ / deff * df_adj, n)
    return wilson_interval(np.where(ok, r * n_eff, k), n_eff, conf)


def t_interval(n, total, total_sq, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student t interval of the mean from n, Σx and Σx² (group sums); NaN where n < 2."""
    n, s, ss = _arr(n), _arr(total), _arr(total_sq)
    bad = ~(n >= 2)
    n_ = np.where(bad, 2.0, n)
    mean = s / n_
    var = np.maximum((ss - s * s / n_) / (n_ - 1), 0.0)
    q = dist.t_ppf(0.5 + conf / 2, n_ - 1)
    half = q * np.sqrt(var / n_)
    return np.where(bad, np.nan, mean - half), np.where(bad, np.nan, mean + half)


def low_sample(n, min_n) -> np.ndarray:
    """True where 0 < n < min_n (an empty sample is "no data", not a low sample)."""
    n = _arr(n)
    return (n > 0) & (n < float(min_n))
