"""Intervals for means and medians of durations (skewed, often near-lognormal), per segment.

Every function takes per-unit values ``x`` and their segment codes (``0..ngroups−1``) and returns
one value per segment, so one call serves every segment.

- ``mean_interval``: below ``BOOT_MAX_N`` units a **bootstrap-t** (studentised) interval —
  ``[x̄ − t*_{0.975}·s/√n, x̄ − t*_{0.025}·s/√n]`` with ``t*`` the quantiles of
  ``(x̄_b − x̄)/(s_b/√n)`` over ``BOOT_B`` resamples (seeded, so a figure never moves between
  runs); from ``BOOT_MAX_N`` units, **Hall's (1992) transformation** of the t statistic, which
  removes its skewness from Σx, Σx², Σx³: with ``γ̂ = m₃/s³``, ``g⁻¹(t) = 3/γ̂·((1 + γ̂(t −
  γ̂/6n))^{1/3} − 1)``, the interval is ``[x̄ − s·g⁻¹(z/√n), x̄ − s·g⁻¹(−z/√n)]``. Student t
  (``intervals.t_interval``) undercovers on such data: 74 % at n = 10 on lognormal σ = 1.5.
- ``median_interval``: the median and its distribution-free order-statistic interval
  ``[x_(j), x_(n−j+1)]``, ``j`` the largest index with ``P(Binomial(n, ½) < j) ≤ α/2``
  (coverage ≥ 95 %; NaN below 6 units, where no such interval exists).
"""

from __future__ import annotations

import numpy as np

from kpis.stats import dist

BOOT_MAX_N = 1000  # bootstrap below this many units per segment, Hall's transformation above
BOOT_B = 499  # resamples
BOOT_BUDGET = 2_000_000  # at most this many resampled values per call (then Hall's method)
SEED = 20260101
SELECT_MIN = 20_000  # from this many values, order statistics by a sampled bracket


def _layout(codes, x, ngroups: int):
    """Values grouped by segment (stable: row order within a segment), and the segment sizes."""
    codes = np.asarray(codes, dtype=np.int64)
    x = np.asarray(x, dtype="float64")
    if ngroups > 1 and len(codes) > 1 and np.any(codes[1:] < codes[:-1]):
        small = codes.astype(np.int16 if ngroups < 2**15 else np.int64)  # int16: radix sort
        x = x[np.argsort(small, kind="stable")]
    return x, np.bincount(codes, minlength=ngroups)


def _starts(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def hall_interval(n, mean, sd, skew, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Hall's skewness-removing transformation interval of a mean from n, x̄, s and γ̂ = m₃/s³
    (arrays); NaN where n < 2; a zero skewness gives the z interval."""
    n, mean, sd, g = (np.asarray(a, dtype="float64") for a in (n, mean, sd, skew))
    z = float(dist.norm_ppf(0.5 + conf / 2))
    ok = n >= 2
    n_ = np.where(ok, n, 2.0)
    b = g / (6 * n_)

    def inv(t):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 3.0 / g * (np.cbrt(1.0 + g * (t - b)) - 1.0)
        return np.where(np.abs(g) < 1e-12, t - b, out)

    lo = mean - sd * inv(z / np.sqrt(n_))
    hi = mean - sd * inv(-z / np.sqrt(n_))
    return np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)


def _moments(xs: np.ndarray, starts: np.ndarray, sizes: np.ndarray):
    """n, mean, sd (n − 1) and skewness m₃/s³ of each segment of the grouped values (two-pass:
    sums of the deviations from the mean, one contiguous reduction per segment)."""
    ng = len(sizes)
    nz = sizes > 0
    n = sizes.astype("float64")
    n_ = np.where(nz, n, 1.0)
    mean, m2, m3 = np.zeros(ng), np.zeros(ng), np.zeros(ng)
    if nz.any():
        at = starts[nz]  # non-empty segments start at strictly increasing offsets
        mean[nz] = np.add.reduceat(xs, at) / n_[nz]
        d = xs - (mean[0] if ng == 1 else np.repeat(mean[nz], sizes[nz]))
        d2 = d * d
        m2[nz] = np.add.reduceat(d2, at)
        d2 *= d
        m3[nz] = np.add.reduceat(d2, at)
    sd = np.sqrt(m2 / np.where(n > 1, n - 1, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(sd > 0, (m3 / n_) / sd**3, 0.0)
    return n, mean, sd, skew


def _boot_t(x: np.ndarray, rng, b: int, conf: float) -> tuple[float, float]:
    """Bootstrap-t interval of the mean of one sample (vectorised over the resamples). The
    sample is sorted first, so the seeded resamples do not depend on the rows' order."""
    x = np.sort(x)
    n = len(x)
    mean, sd = x.mean(), x.std(ddof=1)
    if sd == 0:
        return mean, mean
    xb = x[rng.integers(0, n, size=(b, n))]
    mb = xb.mean(axis=1)
    sb = xb.std(axis=1, ddof=1)
    keep = sb > 0
    t = (mb[keep] - mean) / (sb[keep] / np.sqrt(n))
    a = (1 - conf) / 2
    q_lo, q_hi = np.quantile(t, [a, 1 - a])
    se = sd / np.sqrt(n)
    return mean - q_hi * se, mean - q_lo * se


def mean_interval(
    codes, x, ngroups: int, conf: float = 0.95, seed: int = SEED, budget: int = BOOT_BUDGET
):
    """Interval of each segment's mean: bootstrap-t below ``BOOT_MAX_N`` units (while the
    resampled values stay within ``budget``, smallest segments first), Hall's transformation
    otherwise; NaN below 2 units."""
    xs, sizes = _layout(codes, x, ngroups)
    return _mean_interval(xs, _starts(sizes), sizes, conf, seed, budget)


def boot_plan(sizes: np.ndarray, budget: int = BOOT_BUDGET) -> list[int]:
    """Segments that get a bootstrap-t interval, in the order they draw from the seeded
    generator: 2 ≤ n < ``BOOT_MAX_N``, smallest first, while the resampled values fit
    ``budget``."""
    sizes = np.asarray(sizes, dtype=np.int64)
    small = np.flatnonzero((sizes >= 2) & (sizes < BOOT_MAX_N))
    plan, spent = [], 0
    for g in small[np.argsort(sizes[small], kind="stable")]:
        size = int(sizes[g])
        if spent + BOOT_B * size > budget:
            break
        spent += BOOT_B * size
        plan.append(int(g))
    return plan


def interval_from_moments(n, mean, sd, skew, samples, conf=0.95, seed=SEED, budget=BOOT_BUDGET):
    """Mean intervals from each segment's n, x̄, s, γ̂ (Hall) and, for the segments of
    ``boot_plan``, their values (``samples(g)``: bootstrap-t). The executors that cannot hold
    the values (``kpis.relational``) fetch only those of the planned segments."""
    lo, hi = hall_interval(n, mean, sd, skew, conf)
    rng = np.random.default_rng(seed)
    for g in boot_plan(np.asarray(n, dtype=np.int64), budget):
        lo[g], hi[g] = _boot_t(samples(g), rng, BOOT_B, conf)
    return lo, hi


def _mean_interval(xs, starts, sizes, conf=0.95, seed=SEED, budget=BOOT_BUDGET):
    n, mean, sd, skew = _moments(xs, starts, sizes)
    return interval_from_moments(
        n,
        mean,
        sd,
        skew,
        lambda g: xs[starts[g] : starts[g] + int(sizes[g])],
        conf,
        seed,
        budget,
    )


def moments_from_sums(n, total, m2, m3):
    """n, mean, sd (n − 1) and skewness m₃/s³ from n, Σx and the central sums Σ(x − x̄)²,
    Σ(x − x̄)³ (as ``_moments`` computes them in memory)."""
    n = np.asarray(n, dtype="float64")
    n_ = np.where(n > 0, n, 1.0)
    mean = np.where(n > 0, np.asarray(total, dtype="float64") / n_, 0.0)
    m2, m3 = np.asarray(m2, dtype="float64"), np.asarray(m3, dtype="float64")
    sd = np.sqrt(m2 / np.where(n > 1, n - 1, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(sd > 0, (m3 / n_) / sd**3, 0.0)
    return n, mean, sd, skew


def median_ranks(sizes, conf: float = 0.95) -> dict[int, list[int]]:
    """Per non-empty segment, the 0-based order statistics its median and interval read."""
    sizes = np.asarray(sizes, dtype=np.int64)
    ranks = median_rank(sizes, conf)
    out = {}
    for g in np.flatnonzero(sizes > 0):
        size, j = int(sizes[g]), int(ranks[g])
        mids = [(size - 1) // 2, size // 2]
        out[int(g)] = sorted({*mids, *([j - 1, size - j] if j >= 1 else [])})
    return out


def medians_from_order_stats(sizes, got, conf: float = 0.95):
    """Median and its interval per segment from ``got[g][rank]`` (``median_ranks``)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    ngroups = len(sizes)
    med, lo, hi = (np.full(ngroups, np.nan) for _ in range(3))
    ranks = median_rank(sizes, conf)
    for g in np.flatnonzero(sizes > 0):
        size, j = int(sizes[g]), int(ranks[g])
        mids = [(size - 1) // 2, size // 2]
        values = got[int(g)]
        med[g] = 0.5 * (values[mids[0]] + values[mids[1]])
        if j >= 1:
            lo[g], hi[g] = values[j - 1], values[size - j]
    return med, lo, hi


def median_rank(n, conf: float = 0.95) -> np.ndarray:
    """1-based rank j of the lower order statistic of the median interval (0 when none)."""
    n = np.asarray(n, dtype="float64")
    a = (1 - conf) / 2
    # j = #{k ≥ 0 : cdf(k) ≤ α/2}, the largest j with P(B < j) = cdf(j − 1) ≤ α/2, B ~ Bin(n, ½):
    # started from the normal approximation, then moved to the exact integer by the cdf itself
    m = np.where(n > 0, n, 1.0)
    j = np.clip(np.floor(m / 2 + dist.norm_ppf(a) * np.sqrt(m) / 2), 0, m)
    while (up := dist.binom_cdf(j, m, 0.5) <= a).any():
        j = np.where(up, j + 1, j)
    while (down := (j > 0) & (dist.binom_cdf(j - 1, m, 0.5) > a)).any():
        j = np.where(down, j - 1, j)
    return np.where(n > 0, j, 0).astype(np.int64)


def median_interval(codes, x, ngroups: int, conf: float = 0.95):
    """Median of each segment and its order-statistic interval (NaN where not defined)."""
    xs, sizes = _layout(codes, x, ngroups)
    return _median_interval(np.array(xs), _starts(sizes), sizes, conf)


def _order_stats(seg: np.ndarray, ranks: list[int]) -> list[float]:
    """Exact values of the (sorted, 0-based) ``ranks`` of ``seg`` (reordered in place).

    Large segments: a sorted sample of ~2,000 values brackets the ranks (±3√sample ranks of
    margin); one comparison pass counts the values below the bracket and keeps those inside, and
    only these are partitioned. A bracket that misses a rank falls back to a full partition."""
    n = len(seg)
    if n >= SELECT_MIN:
        sample = np.sort(seg[:: n // 2048])
        ns = len(sample)
        margin = int(3 * np.sqrt(ns)) + 8
        low = sample[max(ranks[0] * ns // n - margin, 0)]
        high = sample[min(ranks[-1] * ns // n + margin, ns - 1)]
        ge = seg >= low
        below = n - int(np.count_nonzero(ge))
        if below <= ranks[0]:
            ge &= seg <= high
            inside = seg[ge]
            if below + len(inside) > ranks[-1]:
                want = [r - below for r in ranks]
                inside.partition(want)
                return [float(inside[w]) for w in want]
    seg.partition(ranks)
    return [float(seg[r]) for r in ranks]


def _median_interval(xs, starts, sizes, conf=0.95):
    """Medians and their intervals by exact order statistics (``_order_stats``); may reorder
    ``xs`` within each segment."""
    got = {
        g: dict(
            zip(want, _order_stats(xs[starts[g] : starts[g] + int(sizes[g])], want), strict=True)
        )
        for g, want in median_ranks(sizes, conf).items()
    }
    return medians_from_order_stats(sizes, got, conf)


def grouped_intervals(xs, sizes, conf: float = 0.95, scratch: bool = False):
    """Mean interval, median and median interval of each segment from values already grouped
    by segment (row order within a segment) and the segment sizes: one layout for both.
    ``scratch``: ``xs`` may be reordered in place (else it is copied for the medians)."""
    xs = np.asarray(xs, dtype="float64")
    sizes = np.asarray(sizes, dtype=np.int64)
    starts = _starts(sizes)
    lo, hi = _mean_interval(xs, starts, sizes, conf)  # reads xs in row order (bootstrap)
    return lo, hi, *_median_interval(xs if scratch else xs.copy(), starts, sizes, conf)
