"""Cells of the provider comparison: per provider × stratum sums of one KPI, the common support,
sparse cells shrunk, and direct standardisation to the pooled mix.

Strata: the caller's fields among motif, canal, niveau (default ``default_strata``: those mapped).
No cell is merged across providers' mixes:

- a cell where some eligible provider (≥ ``min_cell`` units in all) has no unit lies outside the
  common support and is left out for every provider (``covered``: the pooled share kept);
- inside it, a cell where a provider has fewer than ``min_cell`` units is shrunk,
  ``v* = λ·v + (1 − λ)·prior`` with ``λ = n/(n + k)``; the prior is ``μ_c + δ_p,g``: the cell
  effect of the additive fit ``v_pc = μ_c + δ_p`` (weights n) plus the provider's effect within
  the cell's motif (its first stratum), itself shrunk toward the provider's overall effect
  (same k). The fit is linear in the cell values, so the variances are the exact delta method
  over the independent cells (the prior's dependence on every cell counted), plus
  ``(1 − λ)²·τ²``, τ² the interaction variance the additive fit leaves in the dense cells.

Standardised value ``S_p = Σ_c W_c v*_pc`` (``W_c``: the cell's share of the pooled units of the
support), ``var = var(Σ_c W_c v*_pc) + (Σ_c W_c v*_pc² − S_p²)/N``: the last term counts the
weights as a multinomial estimate from the N pooled units. Cell variances: ``p̃(1 − p̃)/n`` with
``p̃ = (k + ½)/(n + 1)`` for ratios, ``s²/n`` for means, the trinomial variance for NPS.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.registry import Registry

PROVIDER_FIELD = "provider"
STRATA = ("motif", "canal", "niveau")
MISSING_LABEL = "(non renseigné)"
STANDARDISABLE = ("ratio", "mean", "nps")


def default_strata(tables: Mapping[str, pd.DataFrame], table: str = "contacts") -> list[str]:
    """The strata the data maps: motif, canal, niveau when the table has ≥ 2 known values."""
    df = tables.get(table)
    if not isinstance(df, pd.DataFrame):
        return []
    return [f for f in STRATA if f in df.columns and df[f].dropna().nunique() >= 2]


def cell_value_var(kind: str, n, a, b, fallback_s2=None):
    """Value and sampling variance of each cell from its sums (any array shape).

    ratio: a = successes; mean: a = Σx, b = Σx²; nps: a = promoters, b = detractors.
    Values are in display units (percent, points, seconds); empty cells give NaN.
    """
    n = np.asarray(n, float)
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        nn = np.where(n > 0, n, np.nan)
        if kind == "ratio":
            v = 100.0 * a / nn
            pt = (a + 0.5) / (nn + 1.0)
            var = 1e4 * pt * (1 - pt) / nn
        elif kind == "nps":
            pp, pd_ = a / nn, b / nn
            v = 100.0 * (pp - pd_)
            var = 1e4 * np.maximum(pp + pd_ - (pp - pd_) ** 2, 0.0) / nn
        else:
            v = a / nn
            s2 = np.maximum((b - a * a / nn) / (nn - 1.0), 0.0)
            if fallback_s2 is not None:
                s2 = np.where(n >= 2, s2, np.broadcast_to(fallback_s2, s2.shape))
            var = s2 / nn
    return v, var


def unit_sd(kind: str, n: float, a: float, b: float) -> float:
    """Unit-level standard deviation of the pooled data (display units): √(p(1 − p)) for ratios,
    the within-unit sd for means, √(p⁺ + p⁻ − (p⁺ − p⁻)²) for NPS."""
    if n <= 0:
        return float("nan")
    if kind == "ratio":
        p = a / n
        return 100.0 * math.sqrt(max(p * (1 - p), 0.0))
    if kind == "nps":
        pp, pm = a / n, b / n
        return 100.0 * math.sqrt(max(pp + pm - (pp - pm) ** 2, 0.0))
    return math.sqrt(max(b / n - (a / n) ** 2, 0.0))


def weight_variance(weights: np.ndarray, values: np.ndarray, n_total: float) -> np.ndarray:
    """Variance of ``Σ_c Ŵ_c d_c`` from multinomial weights: ``(Σ W d² − (Σ W d)²)/N``."""
    if n_total <= 0:
        return np.zeros(np.shape(values)[:-1])
    d = np.nan_to_num(np.asarray(values, float))
    m = (weights * d).sum(-1)
    return np.maximum((weights * d * d).sum(-1) - m * m, 0.0) / n_total


@dataclass
class CellStats:
    """Sums of one KPI per provider (rows) × stratum cell (columns)."""

    kpi: str
    kind: str
    providers: list[str]
    cells: list[str]
    groups: list[str]  # the cell's first stratum (its motif): the shrinkage parent
    n: np.ndarray
    a: np.ndarray
    b: np.ndarray
    fields: list[str]

    @property
    def pooled_n(self) -> np.ndarray:
        return self.n.sum(axis=0)

    @property
    def weights(self) -> np.ndarray:
        tot = self.pooled_n.sum()
        return self.pooled_n / tot if tot > 0 else np.zeros(len(self.cells))

    def pooled_s2(self) -> np.ndarray:
        """Within-cell variance of the pooled data (means only): fallback for tiny cells."""
        n, a, b = self.pooled_n, self.a.sum(axis=0), self.b.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nan_to_num(np.maximum((b - a * a / n) / (n - 1.0), 0.0))

    def cell_values(self, n=None, a=None, b=None):
        n = self.n if n is None else n
        a = self.a if a is None else a
        b = self.b if b is None else b
        fb = self.pooled_s2() if self.kind == "mean" else None
        return cell_value_var(self.kind, n, a, b, fb)

    def unit_sd(self) -> float:
        return unit_sd(self.kind, self.n.sum(), self.a.sum(), self.b.sum())


@dataclass
class Adjusted:
    """Cell values ready to standardise: support, weights, shrunk values and their gradients.

    ``v*`` is linear in the cell values (the additive fit is), so every variance below is the
    exact delta method over the independent cells: ``var = Σ_q (∂·/∂v_q)² var(v_q)``, plus the
    interaction term ``Σ_c W_c² (1 − λ_c)² τ²``, plus the weights' multinomial variance.
    """

    support: np.ndarray  # (C,) cells every eligible provider has
    weights: np.ndarray  # (C,) pooled shares over the support (0 outside), sum 1
    covered: float  # pooled share of the units inside the support
    n_support: float  # pooled units inside the support (N of the weight variance)
    eligible: np.ndarray  # (P,) providers with ≥ min_cell units
    value: np.ndarray  # (P, C) v* (NaN outside the support or for small providers)
    var: np.ndarray  # (P, C) λ² var(v): the provider's own sampling part
    lam: np.ndarray  # (P, C) λ (1 for dense cells)
    prior: np.ndarray  # (P, C)
    dstar: np.ndarray  # (P·C, P, C) ∂v*_pc/∂v_q
    cell_var: np.ndarray  # (P·C,) var(v_q) of every cell (0 where empty)
    tau2: float
    k: float

    def tau_var(self, coef: np.ndarray) -> float:
        """Interaction variance of ``Σ_c coef_pc v*_pc``: ``Σ coef² (1 − λ)² τ²``."""
        lam = np.nan_to_num(self.lam, nan=1.0)
        return float((coef**2 * (1 - lam) ** 2).sum() * self.tau2)

    def linear_var(self, coef: np.ndarray, direct: np.ndarray | None = None) -> float:
        """Variance of ``Σ_pc coef_pc v*_pc + Σ_q direct_q v_q`` (cells independent)."""
        coef = np.nan_to_num(coef)
        grad = np.einsum("qpc,pc->q", np.nan_to_num(self.dstar), coef)
        if direct is not None:
            grad = grad + direct
        return float((grad**2 * self.cell_var).sum()) + self.tau_var(coef)

    def provider_coef(self, i: int) -> np.ndarray:
        coef = np.zeros(self.value.shape)  # (P, C); also when no cell is in the support
        coef[i] = np.where(self.support, self.weights, 0.0)
        return coef

    def standardised(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """S_p, its sampling + shrinkage variance, and the weight variance, per provider."""
        W = self.weights
        v = np.where(self.support, self.value, 0.0)
        est = (W * v).sum(-1)
        P = len(est)
        var = np.array([self.linear_var(self.provider_coef(i)) for i in range(P)])
        wvar = weight_variance(W, v, self.n_support)
        bad = ~self.eligible | (self.n_support <= 0)
        return (np.where(bad, np.nan, est), np.where(bad, np.nan, var), np.where(bad, np.nan, wvar))

    def shrunk_cells(self, cs: CellStats) -> list[dict]:
        """Cells shrunk toward their prior: provider, cell, n, λ."""
        out = []
        for i, p in enumerate(cs.providers):
            for j, c in enumerate(cs.cells):
                if self.support[j] and self.eligible[i] and self.lam[i, j] < 1:
                    out.append(
                        {"provider": p, "cell": c, "n": float(cs.n[i, j]), "lambda": self.lam[i, j]}
                    )
        return out


def _inv(x):
    return np.where(x > 0, 1.0 / np.where(x > 0, x, 1.0), 0.0)


def _additive_prior(vv, w, groups, k):
    """``μ_c + δ*_p,g`` for cell values ``vv`` (..., P, C), weights ``w`` (P, C): the additive
    fit by backfitting, then the provider's effect within each group shrunk toward its overall
    effect. Linear in ``vv`` (any leading batch axes)."""
    sw0, sw1 = w.sum(0), w.sum(1)
    inv0, inv1, tot = _inv(sw0), _inv(sw1), max(float(sw1.sum()), 1e-12)
    delta = np.zeros(vv.shape[:-1])
    for _ in range(500):
        mu = (w * (vv - delta[..., None])).sum(-2) * inv0
        new = (w * (vv - mu[..., None, :])).sum(-1) * inv1
        new = new - (sw1 * new).sum(-1, keepdims=True) / tot
        done = np.max(np.abs(new - delta), initial=0.0) < 1e-10
        delta = new
        if done:
            break
    mu = (w * (vv - delta[..., None])).sum(-2) * inv0
    resid = vv - mu[..., None, :]
    eff = np.repeat(delta[..., None], vv.shape[-1], axis=-1)
    groups = np.asarray(groups, dtype=object)
    for g in dict.fromkeys(groups.tolist()):
        cols = groups == g
        wg = w[:, cols]
        n_g = wg.sum(1)
        d_g = (wg * resid[..., cols]).sum(-1) * _inv(n_g)
        sh = n_g * _inv(n_g + k)
        eff[..., cols] = (sh * d_g + (1 - sh) * delta)[..., None]
    return mu[..., None, :] + eff


def adjust(cs: CellStats, min_cell: int = 30, k: float | None = None) -> Adjusted:
    """Common support, additive-fit priors and shrinkage of the sparse cells (module docstring)."""
    k = float(min_cell if k is None else k)
    P, C = cs.n.shape
    v, var = cs.cell_values()
    eligible = cs.n.sum(1) >= min_cell
    support = (cs.n[eligible] > 0).all(0) if eligible.any() else np.zeros(C, bool)
    pooled = cs.pooled_n * support
    N = float(pooled.sum())
    W = pooled / N if N > 0 else np.zeros(C)
    m = eligible[:, None] & support[None, :] & (cs.n > 0)
    w = np.where(m, cs.n, 0.0)
    vv = np.where(m, v, 0.0)
    vr = np.where(m, var, 0.0)
    prior = _additive_prior(vv, w, cs.groups, k)
    # ∂prior/∂v_q: the fit applied to each unit cell (it is linear); cells outside m weigh 0
    jac = _additive_prior(np.eye(P * C).reshape(P * C, P, C), w, cs.groups, k)
    if cs.kind == "ratio":
        prior = np.clip(prior, 0.0, 100.0)
    elif cs.kind == "nps":
        prior = np.clip(prior, -100.0, 100.0)
    dense = m & (cs.n >= min_cell)
    if dense.any():
        fitted = _additive_prior(vv, w, cs.groups, 0.0)  # k = 0: δ within the group as is
        tau2 = float(max(np.mean((vv - fitted)[dense] ** 2 - vr[dense]), 0.0))
    else:
        tau2 = 0.0
    n = cs.n
    lam = np.where(n >= min_cell, 1.0, n / (n + k))
    value = lam * np.where(n > 0, v, 0.0) + (1 - lam) * prior
    own = np.eye(P * C).reshape(P * C, P, C) * np.where(n > 0, lam, 0.0)
    dstar = own + (1 - lam)[None] * jac
    ok = eligible[:, None] & support[None, :]
    return Adjusted(
        support=support,
        weights=W,
        covered=float(N / cs.pooled_n.sum()) if cs.pooled_n.sum() > 0 else float("nan"),
        n_support=N,
        eligible=eligible,
        value=np.where(ok, value, np.nan),
        var=np.where(ok, lam**2 * np.where(n > 0, var, 0.0), np.nan),
        lam=np.where(ok, lam, np.nan),
        prior=np.where(ok, prior, np.nan),
        dstar=np.where(ok[None], dstar, 0.0),
        cell_var=np.where(n > 0, np.nan_to_num(var), 0.0).reshape(-1),
        tau2=tau2,
        k=k,
    )


def provider_label(value) -> str:
    """A segment key as text; a missing key is "(non renseigné)"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING_LABEL
    return str(value)


def _agg_sums(tables, kpi, by, filters, params, registry):
    """The KPI's group sums (engine ``Agg``) for segments ``by``, or NotComputable."""
    from kpis.engine import Env, resolve_params

    p = resolve_params(kpi, params, registry)
    env = Env(tables, by, None, filters)
    if kpi.compute is None:
        raise NotComputable([], "no compute function declared")
    return kpi.compute(env, p)


def _raw_cells(tables, kpi, provider_field, strata, filters, params, registry):
    """Long frame provider × strata with n, a, b; the strata used (the largest subset the KPI's
    table carries); the Agg kind."""
    last_err: NotComputable | None = None
    fields = list(strata)
    options = [list(c) for r in range(len(fields), -1, -1) for c in combinations(fields, r)]
    for flds in options:
        try:
            agg = _agg_sums(tables, kpi, [provider_field, *flds], filters, params, registry)
        except NotComputable as err:
            last_err = err
            continue
        if agg.extra or agg.kind not in STANDARDISABLE:
            return None, flds, agg.kind
        keys = agg.keys.reset_index(drop=True)
        frame = pd.DataFrame(
            {provider_field: keys[provider_field].map(provider_label).astype(object)}
        )
        for f in flds:
            frame[f] = keys[f].map(provider_label).astype(object)
        den = np.asarray(agg.den, float)
        if agg.kind == "ratio":
            a, b = np.asarray(agg.num, float), np.zeros(len(den))
        elif agg.kind == "nps":
            a, b = np.asarray(agg.pro, float), np.asarray(agg.det, float)
        else:
            a, b = np.asarray(agg.num, float), np.asarray(agg.sq, float)
        frame["n"], frame["a"], frame["b"] = den, a, b
        return frame, flds, agg.kind
    raise last_err or NotComputable([], "not computable")


def cell_stats(
    tables: Mapping[str, pd.DataFrame],
    kpi_id: str,
    providers: Sequence[str] | None = None,
    *,
    provider_field: str = PROVIDER_FIELD,
    strata: Sequence[str] = STRATA,
    filters: Mapping | None = None,
    params: Mapping | None = None,
    registry: Registry = REGISTRY,
) -> tuple[CellStats | None, str]:
    """Cell sums of one KPI per provider × stratum cell, and a note.

    Returns ``(None, note)`` when the KPI has no group-sum form to standardise (counts, costs,
    per-agent figures…).
    """
    kpi = registry.get(kpi_id)
    raw, fields, kind = _raw_cells(tables, kpi, provider_field, strata, filters, params, registry)
    if raw is None:
        return None, f"{kind} KPI: no group-sum form, raw value only, untested"
    raw = raw[raw[provider_field] != MISSING_LABEL]
    if providers is None:
        providers = sorted(raw.loc[raw["n"] > 0, provider_field].unique().tolist())
    providers = [str(p) for p in providers]
    raw = raw[raw[provider_field].isin(providers) & (raw["n"] > 0)]
    if fields:
        keys = sorted(set(zip(*[raw[f] for f in fields], strict=True)))
        cell_of = [" · ".join(k) for k in zip(*[raw[f] for f in fields], strict=True)]
    else:
        keys, cell_of = [("tout",)], ["tout"] * len(raw)
    cells = [" · ".join(k) for k in keys]
    raw = raw.assign(cell=cell_of)
    summed = raw.groupby([provider_field, "cell"], sort=False)[["n", "a", "b"]].sum()
    summed = summed.reindex(pd.MultiIndex.from_product([providers, cells]), fill_value=0.0)
    shape = (len(providers), len(cells))
    cs = CellStats(
        kpi=kpi_id,
        kind=kind,
        providers=providers,
        cells=cells,
        groups=[k[0] for k in keys],
        n=summed["n"].to_numpy().reshape(shape),
        a=summed["a"].to_numpy().reshape(shape),
        b=summed["b"].to_numpy().reshape(shape),
        fields=list(fields),
    )
    note = ""
    if list(fields) != list(strata):
        missing = [f for f in strata if f not in fields]
        note = f"standardised over {' × '.join(fields) or 'no cell'}; missing: {', '.join(missing)}"
    return cs, note
