"""Weighted scorecard of the compared providers, with rank uncertainty from a bootstrap.

Each KPI gives a provider a standardised difference to the pooled value,
``e_pk = s_k (x_pk − pooled_k) / sd_k`` (``s_k`` = +1 when higher is better, −1 when lower is;
``pooled_k`` the pooled value over the common support; ``sd_k`` the unit-level standard deviation
of the pooled data: √(p(1 − p)) for rates, the within-unit sd for durations, the DMT's coefficient
of variation × pooled cost for the cost per contact), and the score is
``100 · Σ_k w_k e_pk / Σ_k w_k``. The score is linear and strictly increasing in every KPI, with
no clipping, so a provider worse than another on every weighted KPI always scores below it
(``dominated_by`` says so). Contract thresholds are reported (met or not), not scored.

The bootstrap redraws each provider's units within provider (a multinomial draw over
cell × outcome counts — exact for ratios and NPS; for means the cell counts are resampled and
each cell mean drawn from its normal sampling law), re-standardises them with the comparison's
shrinkage and adds the shrinkage and weight variance as a normal term; KPIs without cell sums
(cost per contact) are drawn from their normal interval. KPIs are drawn independently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpis.compare.cells import Adjusted, CellStats, adjust, cell_value_var
from kpis.compare.comparison import Comparison, Z, records
from kpis.compare.defaults import default_weights
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

    def ranking(self) -> list[dict]:
        """``[{provider, rank, score, p_first}]``, rank 1 = best."""
        cols = ["provider", "rank", "score", "p_first"]
        return records(self.table[cols])

    def to_dict(self) -> dict:
        return {
            "ranking": self.ranking(),
            "table": records(self.table),
            "details": records(self.details),
            "sentences": self.sentences,
            "meta": self.meta,
        }


def _threshold(spec, kpi) -> tuple[float, str]:
    """Threshold value and label: a number or {"value", "label"}, else the KPI's target."""
    if spec is None:
        t = kpi.default_target
        return (float(t) if t is not None else np.nan), NORM_LABELS.get(kpi.id, "")
    if isinstance(spec, Mapping):
        return float(spec["value"]), str(spec.get("label", ""))
    return float(spec), ""


def effect(value, pooled: float, sd: float, direction: str):
    """Standardised difference to the pooled value, signed so that positive is better."""
    sign = -1.0 if direction == "lower" else 1.0
    return sign * (np.asarray(value, float) - pooled) / sd


def _boot_values(
    cs: CellStats, i: int, n_boot: int, rng, basis: str, adj: Adjusted | None = None
) -> np.ndarray:
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
    adj = adjust(cs) if adj is None else adj
    cv, _ = cell_value_var(cs.kind, n_b, a_b, b_b, np.zeros(C))
    lam = np.nan_to_num(adj.lam[i])
    prior = np.nan_to_num(adj.prior[i])
    star = np.where(n_b > 0, lam * np.nan_to_num(cv) + (1 - lam) * prior, prior)
    return (adj.weights * np.where(adj.support, star, 0.0)).sum(1)


def _dominated_by(point: np.ndarray, dirs: list[str], providers: list[str]) -> list[list[str]]:
    """For each provider, those at least as good on every KPI both have and better on one."""
    sign = np.array([-1.0 if d == "lower" else 1.0 for d in dirs])
    out = []
    for i in range(len(providers)):
        by = []
        for j in range(len(providers)):
            both = ~np.isnan(point[i]) & ~np.isnan(point[j])
            if j == i or not both.any():
                continue
            d = sign[both] * (point[j, both] - point[i, both])
            if (d >= 0).all() and (d > 0).any():
                by.append(providers[j])
        out.append(by)
    return out


def scorecard(
    comparison: Comparison,
    weights: Mapping[str, float] | None = None,
    thresholds: Mapping[str, Any] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    *,
    basis: str = "std",
    registry: Registry = REGISTRY,
) -> Scorecard:
    """Weighted scorecard of the compared providers, with rank uncertainty (module docstring).

    ``weights``: {kpi: weight} (default ``default_weights`` over the comparison's KPIs with a
    value). ``thresholds``: {kpi: value or {"value", "label"}} reported as met or missed (default:
    the registry target). ``basis``: "std" (mix-standardised, falling back to raw where a KPI has
    no standardised value) or "raw". The bootstrap draws ``n_boot`` times and reports how often
    each provider ranks first.
    """
    if basis not in ("std", "raw"):
        raise ValueError("basis must be 'std' or 'raw'")
    if weights is None:
        has = comparison.table.groupby("kpi")["value"].apply(lambda s: s.notna().any())
        weights = default_weights([k for k in comparison.kpis if has.get(k, False)])
    weights = {k: float(w) for k, w in weights.items() if w and float(w) > 0}
    unknown = [k for k in weights if k not in comparison.kpis]
    if unknown:
        raise ValueError(f"weights name KPIs not in the comparison: {', '.join(unknown)}")
    if not weights:
        raise ValueError("give at least one KPI a positive weight")
    # the bootstrap draws KPI by KPI: in the comparison's order, never the mapping's, so the same
    # weights give the same P(rank 1) however they were written (a JSON round trip sorts keys)
    weights = {k: weights[k] for k in comparison.kpis if k in weights}
    thresholds = dict(thresholds or {})
    providers = comparison.providers
    P, K = len(providers), len(weights)
    rng = np.random.default_rng(seed)
    point = np.full((P, K), np.nan)
    boot = np.full((n_boot, P, K), np.nan)
    refs, sds, dirs = np.full(K, np.nan), np.full(K, np.nan), []
    det_rows = []
    thr_info = {}
    for k, kid in enumerate(weights):
        kpi = registry.get(kid)
        dirs.append(kpi.direction)
        thr, label = _threshold(thresholds.get(kid), kpi)
        thr_info[kid] = {"value": thr, "label": label}
        t = comparison.table[comparison.table["kpi"] == kid].set_index("provider")
        cs, adj = comparison.stats.get(kid), comparison.adjusted.get(kid)
        extra_var = None
        if cs is not None and adj is not None:
            _s, svar, wvar = adj.standardised()
            own = (adj.weights**2 * np.where(adj.support, adj.var, 0.0)).sum(-1)
            extra_var = np.maximum(svar + wvar - own, 0.0)
        used_all = []
        for i, prov in enumerate(providers):
            row = t.loc[prov] if prov in t.index else None
            used, val = "raw", np.nan
            if row is not None:
                val = row["value"]
                if basis == "std" and row["std_value"] == row["std_value"]:
                    val, used = row["std_value"], "std"
            val = float(val)
            point[i, k] = val
            used_all.append(used)
            if val != val:
                continue
            if cs is not None:
                draws = _boot_values(cs, i, n_boot, rng, used, adj)
                if used == "std":
                    draws = draws + np.sqrt(extra_var[i]) * rng.standard_normal(n_boot)
                boot[:, i, k] = draws
            else:  # no sums to resample: its normal interval, else held fixed
                lo, hi = (row["std_ci_low"], row["std_ci_high"])
                if used == "raw":
                    lo, hi = row["ci_low"], row["ci_high"]
                se = (hi - lo) / (2 * Z) if lo == lo and hi == hi else 0.0
                boot[:, i, k] = val + se * rng.standard_normal(n_boot)
        ref = t["std_pooled"].dropna() if basis == "std" else t["pooled"].dropna()
        ref = ref if len(ref) else t["pooled"].dropna()
        refs[k] = float(ref.iloc[0]) if len(ref) else float(np.nanmean(point[:, k]))
        sd = comparison.meta.get("unit_sd", {}).get(kid, np.nan)
        if not (sd == sd and sd > 0):  # no unit-level spread known: the providers' spread
            spread = np.nanstd(point[:, k])
            sd = float(spread) if spread > 0 else 1.0
        sds[k] = sd
        for i, prov in enumerate(providers):
            val = point[i, k]
            meets = None
            if val == val and thr == thr:
                meets = bool(val >= thr) if kpi.direction != "lower" else bool(val <= thr)
            e = float(effect(val, refs[k], sd, kpi.direction))
            det_rows.append(
                {
                    "provider": prov,
                    "kpi": kid,
                    "basis": used_all[i],
                    "value": val,
                    "unit": kpi.unit,
                    "reference": refs[k],
                    "sd": sd,
                    "effect": e,
                    "weight": weights[kid],
                    "threshold": thr,
                    "threshold_label": label,
                    "meets": meets,
                }
            )
    w = np.array(list(weights.values()))
    sign = np.array([-1.0 if d == "lower" else 1.0 for d in dirs])

    def scores(values):
        e = sign * (values - refs) / sds
        has = ~np.isnan(values)
        ww = np.where(has, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ww.sum(-1) > 0, 100 * np.nansum(ww * e, -1) / ww.sum(-1), np.nan)

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
            "dominated_by": [", ".join(d) for d in _dominated_by(point, dirs, providers)],
        }
    )
    table = table.sort_values(["rank", "provider"], kind="stable").reset_index(drop=True)
    meta = {
        "weights": weights,
        "thresholds": thr_info,
        "basis": basis,
        "n_boot": n_boot,
        "seed": seed,
        "method": "score = 100 × weighted mean of (value − pooled)/unit sd, signed so higher is "
        "better; no clipping; bootstrap within provider",
    }
    sc = Scorecard(table=table, details=details, sentences=[], meta=meta)
    sc.sentences = scorecard_sentences(sc, registry)
    return sc
