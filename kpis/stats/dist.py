"""Normal, Student t, chi-squared and binomial functions for the KPIs, comparisons and rules.

Each is the ``scipy.special`` function that ``scipy.stats``' distribution method itself calls once
its arguments are checked (``norm.sf(x)`` = ``ndtr(−x)``, ``t.ppf(q, df)`` = ``stdtrit(df, q)``…),
with the same answers at the edges (NaN outside the parameter space, ±inf at q = 0 or 1), so the
numbers are scipy.stats' own — the binomial cdf excepted, built on the incomplete beta. Loading
``scipy.special`` costs 0.1 s of a fresh process, ``scipy.stats`` 0.5–0.6 s more; only the exact
tests that need it (binomial test, contingency table, one-sample t test) still load the latter.
"""

from __future__ import annotations

import numpy as np

from kpis.lazy import scipy_special as _spec


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype="float64")


def norm_cdf(x):
    """P(Z ≤ x), Z ~ N(0, 1)."""
    return _spec.ndtr(_f(x))


def norm_sf(x):
    """P(Z > x) = Φ(−x)."""
    return _spec.ndtr(-_f(x))


def norm_ppf(q):
    """Φ⁻¹(q)."""
    return _spec.ndtri(_f(q))


def t_cdf(x, df):
    """P(T ≤ x), T ~ Student t with ``df`` degrees of freedom (NaN where df ≤ 0)."""
    return _spec.stdtr(_f(df), _f(x))


def t_sf(x, df):
    """P(T > x) = P(T ≤ −x)."""
    return _spec.stdtr(_f(df), -_f(x))


def t_ppf(q, df):
    """Student t quantile ``q`` at ``df`` degrees of freedom (−inf at q = 0, +inf at q = 1)."""
    q, df = _f(q), _f(df)
    return np.where((q == 0) & (df > 0), -np.inf, _spec.stdtrit(df, q))[()]


def chi2_sf(x, df):
    """P(X > x), X ~ χ² with ``df`` degrees of freedom (1 below 0, NaN where df ≤ 0)."""
    x, df = _f(x), _f(df)
    out = np.where(x == np.inf, 0.0, _spec.chdtrc(df, np.maximum(x, 0.0)))
    return np.where(df > 0, out, np.nan)[()]


def binom_cdf(k, n, p):
    """P(B ≤ k), B ~ Bin(n, p), for integers 0 ≤ k and n ≥ 1: the regularised incomplete beta
    ``betaincc(k + 1, n − k, p)`` (Boost's; scipy.stats' binomial cdf
    within 1e-13 relative), 1 from k = n on."""
    k, n = _f(k), _f(n)
    return np.where(k >= n, 1.0, _spec.betaincc(k + 1, np.maximum(n - k, 1.0), p))[()]
