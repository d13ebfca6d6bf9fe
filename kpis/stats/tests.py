"""Statistical tests and small-sample helpers used by the rules and the comparison.

Each function returns plain numbers (percent where it says so) with its 95 % interval and p-value:
score test of one proportion, Newcombe difference of two proportions, weighted least-squares slope,
detrended partial correlation (Fisher z), paired McNemar gap, Student mean, chi-square
heterogeneity, and the two-sided normal p-value of a difference with its variance.
"""

from __future__ import annotations

import math

import numpy as np

from kpis.lazy import scipy_stats as sps
from kpis.stats import dist
from kpis.stats.intervals import Z95 as Z
from kpis.stats.intervals import wilson_interval


def wilson(k: float, n: float) -> tuple[float, float]:
    """Wilson 95 % interval of k/n, in percent."""
    lo, hi = wilson_interval(np.array([k]), np.array([n]))
    return float(lo[0]) * 100.0, float(hi[0]) * 100.0


def score_test(k: float, n: float, p0: float, alternative: str = "greater") -> float:
    """One-sided score test of a proportion against ``p0`` (0–1): p-value."""
    if n <= 0 or not 0 < p0 < 1:
        return 1.0
    z = (k / n - p0) / math.sqrt(p0 * (1 - p0) / n)
    return float(dist.norm_sf(z) if alternative == "greater" else dist.norm_cdf(z))


def two_proportions(k1, n1, k2, n2) -> dict:
    """Difference p1 − p2 (points) with Newcombe's interval from Wilson, and the z-test p."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = (x / 100 for x in wilson(k1, n1))
    l2, u2 = (x / 100 for x in wilson(k2, n2))
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pp = (k1 + k2) / (n1 + n2)
    se = math.sqrt(max(pp * (1 - pp) * (1 / n1 + 1 / n2), 1e-300))
    z = d / se
    return {
        "diff": 100 * d,
        "ci_low": 100 * lo,
        "ci_high": 100 * hi,
        "z": z,
        "p_two_sided": float(2 * dist.norm_sf(abs(z))),
        "p_greater": float(dist.norm_sf(z)),
    }


def wls_slope(x, y, w=None) -> dict:
    """Weighted least-squares slope of y on x with its 95 % t interval (residual variance, so
    over-dispersion between periods widens the interval)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = np.ones_like(x) if w is None else np.asarray(w, float)
    k = len(x)
    if k < 3:
        raise ValueError("need at least 3 points")
    w = w / w.mean()
    xm = np.sum(w * x) / w.sum()
    ym = np.sum(w * y) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * (y - ym)) / sxx
    icpt = ym - slope * xm
    resid = y - icpt - slope * x
    s2 = np.sum(w * resid**2) / (k - 2)
    se = math.sqrt(max(s2 / sxx, 0.0))
    q = float(dist.t_ppf(0.975, k - 2))
    t = slope / se if se > 0 else (math.inf if slope != 0 else 0.0)
    return {
        "slope": float(slope),
        "intercept": float(icpt),
        "se": se,
        "ci_low": float(slope - q * se),
        "ci_high": float(slope + q * se),
        "p": float(2 * dist.t_sf(abs(t), k - 2)),
        "df": k - 2,
    }


def partial_corr(x, y) -> dict:
    """Pearson correlation of x and y after removing a linear time trend from each, with the
    Fisher-z 95 % interval (SE = 1/√(m − 4): one controlled variable)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    m = len(x)
    if m < 6:
        raise ValueError("need at least 6 pairs")
    t = np.arange(m, dtype=float)
    rx = x - np.polyval(np.polyfit(t, x, 1), t)
    ry = y - np.polyval(np.polyfit(t, y, 1), t)
    if rx.std() == 0 or ry.std() == 0:
        return {"r": 0.0, "ci_low": -1.0, "ci_high": 1.0, "p": 1.0, "m": m}
    r = float(np.clip(np.corrcoef(rx, ry)[0, 1], -0.999999, 0.999999))
    se = 1 / math.sqrt(m - 4)
    z = math.atanh(r)
    return {
        "r": r,
        "ci_low": math.tanh(z - Z * se),
        "ci_high": math.tanh(z + Z * se),
        "p": float(2 * dist.norm_sf(abs(z) / se)),
        "m": m,
    }


def paired_gap(a, b) -> dict:
    """Paired comparison of two yes/no measures on the same items: gap P(a) − P(b) in points,
    its 95 % interval, and McNemar's test (exact binomial when discordant pairs < 25)."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    n = len(a)
    bc = int(np.sum(a & ~b))
    cb = int(np.sum(~a & b))
    gap = (bc - cb) / n
    var = ((bc + cb) - (bc - cb) ** 2 / n) / n**2
    se = math.sqrt(max(var, 0.0))
    if bc + cb == 0:
        p = 1.0
    elif bc + cb < 25:
        p = float(sps.binomtest(bc, bc + cb, 0.5).pvalue)
    else:
        p = float(dist.chi2_sf((abs(bc - cb) - 1) ** 2 / (bc + cb), 1))
    return {
        "n": n,
        "a_pct": 100 * a.mean(),
        "b_pct": 100 * b.mean(),
        "gap": 100 * gap,
        "ci_low": 100 * (gap - Z * se),
        "ci_high": 100 * (gap + Z * se),
        "discordant_a_only": bc,
        "discordant_b_only": cb,
        "p": p,
    }


def mean_ci(x) -> tuple[float, float, float, int]:
    """Mean with its Student 95 % interval."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        return (float(x.mean()) if n else math.nan), math.nan, math.nan, n
    m, s = float(x.mean()), float(x.std(ddof=1))
    h = float(dist.t_ppf(0.975, n - 1)) * s / math.sqrt(n)
    return m, m - h, m + h, n


def chi2_heterogeneity(k, n, labels, min_expected: float = 5.0) -> dict:
    """Chi-square test that a proportion is the same across segments (2 × g table). Segments
    whose expected counts fall under ``min_expected`` are merged into one "other" group (kept
    only if it then passes); the result says which were merged or dropped."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    p = k.sum() / n.sum() if n.sum() else 0.0
    small = (n * p < min_expected) | (n * (1 - p) < min_expected)
    labels = list(labels)
    merged = [labels[i] for i in np.flatnonzero(small)]
    kk, nn = list(k[~small]), list(n[~small])
    dropped: list = []
    if merged:
        km, nm = k[small].sum(), n[small].sum()
        if nm * p >= min_expected and nm * (1 - p) >= min_expected:
            kk.append(km)
            nn.append(nm)
        else:
            dropped, merged = merged, []
    if len(kk) < 2 or p in (0.0, 1.0):
        return {"chi2": math.nan, "df": 0, "p": 1.0, "merged": merged, "dropped": dropped}
    table = np.array([kk, np.subtract(nn, kk)])
    chi2, pval, df, _ = sps.chi2_contingency(table, correction=False)
    return {
        "chi2": float(chi2),
        "df": int(df),
        "p": float(pval),
        "merged": merged,
        "dropped": dropped,
    }


def p_two_sided(diff, var) -> np.ndarray:
    """Two-sided normal p-value of ``diff`` with sampling variance ``var``: 2·(1 − Φ(|d|/√v));
    NaN where the variance is not positive."""
    diff, var = np.asarray(diff, float), np.asarray(var, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        zval = diff / np.sqrt(var)
    p = 2.0 * dist.norm_sf(np.abs(zval))
    return np.where((var > 0) & np.isfinite(zval), p, np.nan)
