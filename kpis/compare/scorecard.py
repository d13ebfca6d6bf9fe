"""Weighted scorecard of the compared providers, with rank uncertainty from a bootstrap.

Each KPI gets a sub-score against a contract threshold; the score is the weighted mean of the
sub-scores. The bootstrap resamples each provider's units within provider (a multinomial draw over
cell × outcome counts — exact for ratios and NPS; for means the cell counts are resampled and each
cell mean drawn from its normal sampling law). KPIs are resampled independently of one another
(correlations between KPIs of the same contacts are ignored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpis.compare.cells import CellStats, cell_value_var, standardise
from kpis.compare.comparison import Comparison, records
from kpis.compare.wording import scorecard_sentences
from kpis.definitions import REGISTRY
from kpis.registry import Registry

# Contract norms known by name (used as labels when the threshold is the norm's value).
NORM_LABELS = {"qos_rate": "NF 345", "service_level": "niveau de service 80/20"}


@dataclass
class Scorecard:
    """Weighted scores, ranking and P(rank 1) per provider; ``details`` per provider × KPI."""

    table: pd.DataFrame
    details: pd.DataFrame
    sentences: list[dict]
    meta: dict

    def text(self, lang: str = "fr") -> list[str]:
        return [s[lang] for s in self.sentences]

    def to_dict(self) -> dict:
        return {
            "table": records(self.table),
            "details": records(self.details),
            "sentences": self.sentences,
            "meta": self.meta,
        }


def _threshold(spec, kpi) -> tuple[float, str]:
    """Threshold value and label: a number or {"value", "label"}, else the KPI's target."""
    if spec is None:
        return float(kpi.default_target), NORM_LABELS.get(kpi.id, "")
    if isinstance(spec, Mapping):
        return float(spec["value"]), str(spec.get("label", ""))
    return float(spec), ""


def default_tolerance(unit: str, threshold: float) -> float:
    """Distance to the threshold that earns a full 0 or 100: 10 points for rates and NPS,
    25 % of the threshold otherwise."""
    if unit in ("%", "points"):
        return 10.0
    return max(abs(threshold) * 0.25, 1e-9) if threshold else 1.0


def subscore(value, threshold: float, tolerance: float, direction: str):
    """50 at the threshold, 100 a tolerance better, 0 a tolerance worse (linear, clipped)."""
    sign = -1.0 if direction == "lower" else 1.0
    value = np.asarray(value, float)
    return 50.0 + 50.0 * np.clip(sign * (value - threshold) / tolerance, -1.0, 1.0)


def _boot_values(cs: CellStats, i: int, n_boot: int, rng, basis: str) -> np.ndarray:
    """Bootstrap replicates of provider i's value (standardised or raw), shape (n_boot,)."""
    n = cs.n[i]
    N = int(round(n.sum()))
    if N <= 0:
        return np.full(n_boot, np.nan)
    C = len(n)
    if cs.kind == "ratio":
        k = cs.a[i]
        probs = np.concatenate([k, n - k]) / N
        draw = rng.multinomial(N, np.clip(probs, 0, None) / probs.sum(), size=n_boot)
        a_b, n_b = draw[:, :C], draw[:, :C] + draw[:, C:]
        b_b = np.zeros_like(a_b, dtype=float)
    elif cs.kind == "nps":
        pro, det = cs.a[i], cs.b[i]
        probs = np.concatenate([pro, det, n - pro - det]) / N
        draw = rng.multinomial(N, np.clip(probs, 0, None) / probs.sum(), size=n_boot)
        a_b, b_b = draw[:, :C], draw[:, C : 2 * C]
        n_b = a_b + b_b + draw[:, 2 * C :]
    else:
        n_b = rng.multinomial(N, n / N, size=n_boot)
        v, _ = cs.cell_values()
        with np.errstate(divide="ignore", invalid="ignore"):
            s2 = np.where(n >= 2, (cs.b[i] - cs.a[i] ** 2 / n) / (n - 1), cs.pooled_s2())
        s2 = np.nan_to_num(np.maximum(s2, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(s2 / np.where(n_b > 0, n_b, 1))
        means = v[i] + se * rng.standard_normal(n_b.shape)
        means = np.where(n_b > 0, np.nan_to_num(means), 0.0)
        a_b = means * n_b
        # b is only needed for the variance, which the bootstrap does not use
        b_b = np.zeros_like(a_b)
    a_b, n_b = a_b.astype(float), n_b.astype(float)
    if basis == "raw":
        vals, _ = cell_value_var(cs.kind, n_b.sum(1), a_b.sum(1), b_b.sum(1))
        return vals
    cv, _ = cell_value_var(cs.kind, n_b, a_b, b_b, np.zeros(C))
    est, _, _ = standardise(cv, np.zeros_like(cv), n_b, cs.weights)
    return est


def scorecard(
    comparison: Comparison,
    weights: Mapping[str, float],
    thresholds: Mapping[str, Any] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    *,
    basis: str = "std",
    tolerances: Mapping[str, float] | None = None,
    registry: Registry = REGISTRY,
) -> Scorecard:
    """Weighted scorecard of the compared providers, with rank uncertainty.

    Each KPI gets a sub-score (``subscore``: 50 at the contract threshold, 100 one tolerance
    better, 0 one tolerance worse); the score is the weighted mean of the sub-scores the provider
    has. ``thresholds``: {kpi: value or {"value", "label"}} (default: the registry target; NF 345
    names the 90 % quality-of-service threshold). ``basis``: "std" (mix-standardised, falling
    back to raw where a KPI has no standardised value) or "raw". The bootstrap redraws each
    provider's units ``n_boot`` times and reports how often each provider ranks first.
    """
    if basis not in ("std", "raw"):
        raise ValueError("basis must be 'std' or 'raw'")
    weights = {k: float(w) for k, w in weights.items() if w and float(w) > 0}
    unknown = [k for k in weights if k not in comparison.kpis]
    if unknown:
        raise ValueError(f"weights name KPIs not in the comparison: {', '.join(unknown)}")
    if not weights:
        raise ValueError("give at least one KPI a positive weight")
    thresholds = dict(thresholds or {})
    tolerances = dict(tolerances or {})
    providers = comparison.providers
    P, K = len(providers), len(weights)
    rng = np.random.default_rng(seed)
    point = np.full((P, K), np.nan)
    boot = np.full((n_boot, P, K), np.nan)
    det_rows = []
    thr_info = {}
    for k, kid in enumerate(weights):
        kpi = registry.get(kid)
        thr, label = _threshold(thresholds.get(kid), kpi)
        tol = float(tolerances.get(kid, default_tolerance(kpi.unit, thr)))
        thr_info[kid] = {"value": thr, "label": label, "tolerance": tol}
        t = comparison.table[comparison.table["kpi"] == kid].set_index("provider")
        cs = comparison.stats.get(kid)
        for i, prov in enumerate(providers):
            used = "raw"
            val = t.loc[prov, "value"] if prov in t.index else np.nan
            if (
                basis == "std"
                and prov in t.index
                and t.loc[prov, "std_value"] == t.loc[prov, "std_value"]
            ):
                val, used = t.loc[prov, "std_value"], "std"
            val = float(val)
            point[i, k] = val
            if cs is not None and val == val:
                boot[:, i, k] = _boot_values(cs, i, n_boot, rng, used)
            elif val == val:
                boot[:, i, k] = val  # no sums to resample: held fixed
            meets = None
            if val == val:
                meets = bool(val >= thr) if kpi.direction != "lower" else bool(val <= thr)
            det_rows.append(
                {
                    "provider": prov,
                    "kpi": kid,
                    "basis": used,
                    "value": val,
                    "unit": kpi.unit,
                    "threshold": thr,
                    "threshold_label": label,
                    "meets": meets,
                    "weight": weights[kid],
                    "subscore": float(subscore(val, thr, tol, kpi.direction)),
                }
            )
    dirs = [registry.get(k).direction for k in weights]
    thr_v = np.array([thr_info[k]["value"] for k in weights])
    tol_v = np.array([thr_info[k]["tolerance"] for k in weights])
    w = np.array(list(weights.values()))
    sign = np.array([-1.0 if d == "lower" else 1.0 for d in dirs])

    def scores(values):
        s = 50.0 + 50.0 * np.clip(sign * (values - thr_v) / tol_v, -1.0, 1.0)
        has = ~np.isnan(values)
        ww = np.where(has, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ww.sum(-1) > 0, np.nansum(ww * s, -1) / ww.sum(-1), np.nan)

    score = scores(point)
    bscore = scores(boot)  # (n_boot, P)
    filled = np.where(np.isnan(bscore), -np.inf, bscore)
    best = filled.max(axis=1, keepdims=True)
    top = (filled == best) & np.isfinite(filled)
    first = (top / np.maximum(top.sum(axis=1, keepdims=True), 1)).mean(axis=0)
    ranks = 1 + (filled[:, None, :] > filled[:, :, None]).sum(axis=2)  # (n_boot, P)
    filled_pt = np.where(np.isnan(score), -np.inf, score)
    rank = 1 + (filled_pt[None, :] > filled_pt[:, None]).sum(axis=1)
    with np.errstate(invalid="ignore"):
        lo_s, hi_s = np.nanpercentile(bscore, [2.5, 97.5], axis=0)
    details = pd.DataFrame(det_rows)
    met = details.groupby("provider", sort=False)["meets"].agg(
        lambda s: int(sum(bool(x) for x in s if x is not None))
    )
    n_k = details.groupby("provider", sort=False)["value"].agg(lambda s: int(s.notna().sum()))
    table = pd.DataFrame(
        {
            "provider": providers,
            "score": score,
            "score_ci_low": lo_s,
            "score_ci_high": hi_s,
            "rank": rank,
            "p_first": first,
            "mean_rank": ranks.mean(axis=0),
            "rank_low": np.percentile(ranks, 2.5, axis=0, method="lower"),
            "rank_high": np.percentile(ranks, 97.5, axis=0, method="higher"),
            "thresholds_met": [int(met.get(p, 0)) for p in providers],
            "kpis_scored": [int(n_k.get(p, 0)) for p in providers],
        }
    )
    table = table.sort_values(["rank", "provider"], kind="stable").reset_index(drop=True)
    meta = {
        "weights": weights,
        "thresholds": thr_info,
        "basis": basis,
        "n_boot": n_boot,
        "seed": seed,
        "method": "sub-score 50 at threshold, ±50 at ± tolerance; bootstrap within provider",
    }
    sc = Scorecard(table=table, details=details, sentences=[], meta=meta)
    sc.sentences = scorecard_sentences(sc, registry)
    return sc
