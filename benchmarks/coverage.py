"""Coverage of Pilote's 95 % intervals, measured by simulation (``make coverage``).

    python -m benchmarks.coverage [--reps 2000] [--seed 1]

Each scenario draws ``reps`` samples from a known truth and counts how often the interval holds
it, for the project's interval and for the raw one it replaced (Wilson over contacts, Student t,
NPS Wald). Replicates are vectorised: they are the segments of one call, as in the engine.

Families: iid proportions; contacts clustered by customer (1–6 contacts per customer, customer
rates drawn from a Beta with intra-class correlation ICC); lognormal durations (mean and median);
NPS from a trinomial. ``tests/test_coverage_intervals.py`` runs a small-replicate version.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from kpis import stats


@dataclass
class Result:
    family: str
    scenario: str
    n: int
    project: float
    raw: float
    reps: int


def _cover(lo, hi, truth) -> float:
    return float(np.mean((lo <= truth) & (truth <= hi)))


def iid_rate(n: int, p: float, reps: int, rng) -> Result:
    k = rng.binomial(n, p, size=reps)
    lo, hi = stats.wilson_interval(k, np.full(reps, n))
    return Result("iid rate", f"p = {p:g}", n, _cover(lo, hi, p), _cover(lo, hi, p), reps)


def clustered_sample(customers: int, p: float, icc: float, max_per: int, reps: int, rng):
    """Per replicate: contacts of ``customers`` customers (1..max_per each), y ~ Bernoulli(p_c),
    p_c ~ Beta(p(1−ρ)/ρ, (1−p)(1−ρ)/ρ). Returns k, n and the cluster sums per replicate."""
    a, b = p * (1 - icc) / icc, (1 - p) * (1 - icc) / icc
    m = rng.integers(1, max_per + 1, size=(reps, customers))
    pc = rng.beta(a, b, size=(reps, customers))
    y = rng.binomial(m, pc)
    k, n = y.sum(axis=1), m.sum(axis=1)
    sums = ((y * y).sum(axis=1), (y * m).sum(axis=1), (m * m).sum(axis=1))
    return k, n, sums


def clustered_rate(customers: int, p: float, icc: float, reps: int, rng, max_per=6) -> Result:
    k, n, (syy, syn, snn) = clustered_sample(customers, p, icc, max_per, reps, rng)
    lo, hi = stats.cluster_ratio_interval(k, n, syy, syn, snn, np.full(reps, customers))
    rlo, rhi = stats.wilson_interval(k, n)
    return Result(
        "clustered rate",
        f"p = {p:g}, ICC = {icc:g}, {customers} customers × 1–{max_per}",
        int(np.mean(n)),
        _cover(lo, hi, p),
        _cover(rlo, rhi, p),
        reps,
    )


def lognormal_mean(n: int, sigma: float, reps: int, rng) -> Result:
    x = rng.lognormal(0.0, sigma, size=(reps, n))
    codes = np.repeat(np.arange(reps), n)
    lo, hi = stats.mean_interval(codes, x.ravel(), reps, budget=10**12)
    rlo, rhi = stats.t_interval(np.full(reps, n), x.sum(axis=1), (x * x).sum(axis=1))
    truth = np.exp(sigma**2 / 2)
    return Result(
        "duration mean",
        f"lognormal σ = {sigma:g}",
        n,
        _cover(lo, hi, truth),
        _cover(rlo, rhi, truth),
        reps,
    )


def lognormal_median(n: int, sigma: float, reps: int, rng) -> Result:
    x = rng.lognormal(0.0, sigma, size=(reps, n))
    codes = np.repeat(np.arange(reps), n)
    _, lo, hi = stats.median_interval(codes, x.ravel(), reps)
    c = _cover(lo, hi, 1.0)
    return Result("duration median", f"lognormal σ = {sigma:g}", n, c, np.nan, reps)


def nps(n: int, probs: tuple[float, float, float], reps: int, rng) -> Result:
    draws = rng.multinomial(n, probs, size=reps)  # promoters, passives, detractors
    pro, det = draws[:, 0], draws[:, 2]
    truth = 100 * (probs[0] - probs[2])
    lo, hi = stats.nps_interval(pro, det, np.full(reps, n))
    rlo, rhi = stats.nps_wald_interval(pro, det, np.full(reps, n))
    label = f"pro/pas/det = {probs[0]:g}/{probs[1]:g}/{probs[2]:g}"
    return Result("NPS", label, n, _cover(lo, hi, truth), _cover(rlo, rhi, truth), reps)


NPS_MIXES = ((0.5, 0.3, 0.2), (0.2, 0.3, 0.5), (0.7, 0.25, 0.05), (0.1, 0.2, 0.7))


def run(reps: int, seed: int) -> list[Result]:
    rng = np.random.default_rng(seed)
    out = []
    for n in (30, 100, 1000):
        for p in (0.1, 0.5, 0.85):
            out.append(iid_rate(n, p, reps, rng))
    for customers in (30, 100, 1000):
        for p, icc in ((0.5, 0.2), (0.85, 0.5), (0.2, 0.5)):
            out.append(clustered_rate(customers, p, icc, reps, rng))
    for sigma in (0.5, 1.0, 1.5):
        for n in (10, 30, 100, 1000, 3000):
            out.append(lognormal_mean(n, sigma, reps, rng))
    for n in (10, 100, 1000):
        out.append(lognormal_median(n, 1.5, reps, rng))
    for n in (10, 30, 100, 1000):
        for probs in NPS_MIXES:
            out.append(nps(n, probs, reps, rng))
    return out


def table(results: list[Result]) -> str:
    lines = [
        "| family | scenario | n (mean) | Pilote interval | raw interval |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        raw = "—" if np.isnan(r.raw) else f"{100 * r.raw:.1f} %"
        lines.append(f"| {r.family} | {r.scenario} | {r.n:,} | {100 * r.project:.1f} % | {raw} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = run(args.reps, args.seed)
    print(table(results))
    print(
        f"\n{args.reps} replicates per scenario, seed {args.seed}, {time.perf_counter() - t0:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
