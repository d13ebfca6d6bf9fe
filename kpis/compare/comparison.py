"""Provider comparison: raw and mix-standardised KPI values and their tests.

Providers handle different motif × canal × niveau mixes, so a raw FCR or DMT comparison is unfair.
Next to each raw value (from ``kpis.engine.compute``) the comparison gives the value standardised
to the pooled mix of the compared providers over their common support, sparse cells shrunk
(``kpis.compare.cells``); the cost per contact through the DMT mix factor (``kpis.compare.cost``).

Tests (normal approximation): each provider against the pooled value (``p − pooled`` written as
``Σ_c W_c (1 − α_c)(v*_pc − v_rest,c)``, ``α_c`` = the provider's share of the cell, so the
provider's own weight in the pooled value is accounted for) and every pair of providers
(``Σ_c W_c (v*_ic − v*_jc)``); both variances are the delta method over the cells (the shrunk
values' priors included) and count the weights as estimated. p-values are
corrected within each KPI and family (``kpis.stats.adjust_pvalues``: Holm by default, or
Benjamini–Hochberg). Counts and other KPIs without a group-sum form are shown raw, untested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpis import stats
from kpis.compare.cells import (
    PROVIDER_FIELD,
    Adjusted,
    CellStats,
    adjust,
    cell_stats,
    cell_value_var,
    default_strata,
    provider_label,
    weight_variance,
)
from kpis.compare.cost import COST_KPI, COST_NOTE, DRIVER_KPI, cost_standardised, cost_unit_sd
from kpis.compare.defaults import DEFAULT_KPIS
from kpis.compare.errors import NoProviderField, TooFewProviders
from kpis.compare.wording import comparison_sentences
from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.registry import Registry

CORRECTIONS = stats.CORRECTIONS
Z = stats.Z95


@dataclass
class Comparison:
    """Result of ``compare_providers``; ``table`` has one row per KPI × provider."""

    table: pd.DataFrame
    pairwise: pd.DataFrame
    cells: pd.DataFrame
    adjustments: dict[str, dict]
    sentences: list[dict]
    providers: list[str]
    kpis: list[str]
    meta: dict
    stats: dict[str, CellStats] = field(default_factory=dict, repr=False)
    adjusted: dict[str, Adjusted] = field(default_factory=dict, repr=False)

    def text(self, lang: str = "fr") -> list[str]:
        return [s[lang] for s in self.sentences]

    def to_dict(self) -> dict:
        """JSON-able summary (no row data: values per KPI × provider only)."""
        return {
            "table": records(self.table),
            "pairwise": records(self.pairwise),
            "adjustments": self.adjustments,
            "sentences": self.sentences,
            "providers": self.providers,
            "kpis": self.kpis,
            "meta": self.meta,
        }


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-able rows: numpy scalars as Python ones, NaN as None."""
    out = []
    for rec in df.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if isinstance(v, (np.floating, float)):
                v = None if math.isnan(float(v)) else float(v)
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            clean[str(k)] = v
        out.append(clean)
    return out


TABLE_COLUMNS = [
    "kpi",
    "provider",
    "unit",
    "direction",
    "kind",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "coverage",
    "pooled",
    "std_pooled",
    "diff",
    "p",
    "p_adj",
    "significant",
    "std_diff",
    "std_p",
    "std_p_adj",
    "std_significant",
    "status",
    "low_sample",
    "note",
]
PAIR_COLUMNS = [
    "kpi",
    "basis",
    "provider_a",
    "provider_b",
    "diff",
    "se",
    "p",
    "p_adj",
    "significant",
]
CELL_COLUMNS = ["kpi", "cell", "provider", "n", "value", "adjusted", "lambda", "weight", "support"]


def _provider_values(tables, kpi_ids, provider_field, providers, filters, params, registry):
    from kpis.engine import compute

    raw = compute(
        tables, kpi_ids, by=[provider_field], filters=filters, params=params, registry=registry
    )
    pooled_filters = dict(filters or {})
    if providers is not None:
        pooled_filters[provider_field] = list(providers)
    pooled = compute(tables, kpi_ids, filters=pooled_filters, params=params, registry=registry)
    return raw, pooled


def _find_providers(tables, provider_field) -> list[str]:
    contacts = tables.get("contacts")
    found: list = []
    for t in ([contacts] if contacts is not None else []) + list(tables.values()):
        if isinstance(t, pd.DataFrame) and provider_field in t.columns:
            s = t[provider_field].dropna()
            vals = (
                [c for c in s.cat.categories if (s == c).any()]
                if isinstance(s.dtype, pd.CategoricalDtype)
                else sorted(s.astype(str).unique())
            )
            found.extend(str(v) for v in vals if str(v) not in found)
            if contacts is not None and t is contacts:
                break
    return found


def _vs_pooled(cs: CellStats, adj: Adjusted, i: int) -> tuple[float, float]:
    """Standardised gap of provider i to the pooled value and its variance (module docstring)."""
    tot = [cs.n.sum(0), cs.a.sum(0), cs.b.sum(0)]
    rest = [tot[0] - cs.n[i], tot[1] - cs.a[i], tot[2] - cs.b[i]]
    rv, _ = cs.cell_values(*rest)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(tot[0] > 0, cs.n[i] / np.where(tot[0] > 0, tot[0], 1), 1.0)
    both = adj.support & (rest[0] > 0)
    W = adj.weights
    h = np.where(both, W * (1 - alpha), 0.0)
    g = np.where(both, (1 - alpha) * (adj.value[i] - rv), 0.0)
    coef = np.zeros(cs.n.shape)
    coef[i] = h
    # v_rest,c = Σ_{q ≠ i} n_qc v_qc / n_rest,c
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(rest[0] > 0, cs.n / np.where(rest[0] > 0, rest[0], 1), 0.0)
    share[i] = 0.0
    direct = (-h[None, :] * share).reshape(-1)
    d = float((W * g).sum())
    return d, adj.linear_var(coef, direct) + float(weight_variance(W, g, adj.n_support))


def _pairs(kid, basis, providers, est, evar, contrast_var, correction, alpha):
    """Every pair i < j: difference, se, p and corrected p."""
    recs = []
    P = len(providers)
    for i in range(P):
        for j in range(i + 1, P):
            d = est[i] - est[j]
            vv = evar[i] + evar[j] + (contrast_var(i, j) if contrast_var else 0.0)
            recs.append(
                {
                    "kpi": kid,
                    "basis": basis,
                    "provider_a": providers[i],
                    "provider_b": providers[j],
                    "diff": d,
                    "se": math.sqrt(vv) if vv == vv and vv > 0 else np.nan,
                    "p": float(stats.p_two_sided(d, vv)),
                }
            )
    adj = stats.adjust_pvalues([r["p"] for r in recs], correction)
    for r, q in zip(recs, adj, strict=True):
        r["p_adj"] = q
        r["significant"] = bool(q == q and q < alpha)
    return recs


def _adjustment_record(cs: CellStats, adj: Adjusted) -> dict:
    """What the standardisation did: cells out of the common support (who lacks them), shrunk
    cells (provider, n, λ), the covered share and τ²."""
    excluded = []
    for j, c in enumerate(cs.cells):
        if not adj.support[j] and cs.pooled_n[j] > 0:
            missing = [p for i, p in enumerate(cs.providers) if adj.eligible[i] and cs.n[i, j] <= 0]
            excluded.append({"cell": c, "n": float(cs.pooled_n[j]), "missing": missing})
    return {
        "strata": cs.fields,
        "covered": adj.covered,
        "excluded": excluded,
        "shrunk": adj.shrunk_cells(cs),
        "k": adj.k,
        "tau2": adj.tau2,
    }


def compare_providers(
    tables: Mapping[str, pd.DataFrame],
    kpi_ids: str | Sequence[str] = DEFAULT_KPIS,
    params: Mapping[str, Any] | None = None,
    min_cell: int = 30,
    *,
    providers: Sequence[str] | None = None,
    provider_field: str = PROVIDER_FIELD,
    strata: Sequence[str] | None = None,
    shrink_k: float | None = None,
    filters: Mapping[str, Any] | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    registry: Registry = REGISTRY,
) -> Comparison:
    """Compare providers on ``kpi_ids``: raw and mix-standardised values, tests, sentences.

    ``strata``: fields among motif, canal, niveau (default ``default_strata(tables)``).
    ``min_cell``: providers with fewer units are not standardised; a provider's cell with fewer
    units is shrunk with ``λ = n/(n + k)``, ``k = shrink_k`` (default ``min_cell``).
    ``correction``: "holm" or "bh", within each KPI, for the vs-pooled and the pairwise families,
    raw and standardised separately.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, not {correction!r}")
    kpi_ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
    for k in kpi_ids:
        registry.get(k)
    strata = default_strata(tables) if strata is None else list(strata)
    has_field = any(
        t is not None and provider_field in t.columns
        for t in tables.values()
        if isinstance(t, pd.DataFrame)
    )
    if not has_field:
        raise NoProviderField(provider_field)
    providers = [str(p) for p in (providers or _find_providers(tables, provider_field))]
    if len(providers) < 2:
        raise TooFewProviders(providers)

    raw, pooled = _provider_values(
        tables, kpi_ids, provider_field, providers, filters, params, registry
    )
    raw = raw.assign(_p=raw[provider_field].map(provider_label).astype(object))
    rows, pairs, cell_rows = [], [], []
    adjustments: dict[str, dict] = {}
    stats_all: dict[str, CellStats] = {}
    adj_all: dict[str, Adjusted] = {}
    notes: dict[str, str] = {}
    unit_sds: dict[str, float] = {}
    P = len(providers)

    def cells_of(kid):
        cs, note = cell_stats(
            tables,
            kid,
            providers,
            provider_field=provider_field,
            strata=strata,
            filters=filters,
            params=params,
            registry=registry,
        )
        return cs, note, (adjust(cs, min_cell, shrink_k) if cs is not None else None)

    for kid in kpi_ids:
        kpi = registry.get(kid)
        kr = raw[raw["kpi"] == kid].set_index("_p")
        pr = pooled[pooled["kpi"] == kid]
        pooled_value = float(pr["value"].iloc[0]) if len(pr) else np.nan
        try:
            cs, note, adj = cells_of(kid)
        except NotComputable as err:
            cs, note, adj = None, err.detail, None
        kind = cs.kind if cs is not None else None
        block = pd.DataFrame(index=pd.Index(providers))
        for col in ("value", "ci_low", "ci_high", "n", "status", "low_sample", "detail"):
            block[col] = kr[col].reindex(providers) if col in kr else np.nan
        block["status"] = block["status"].fillna("no_data").astype(object)
        all_nc = len(kr) and (kr["status"] == "not_computable").all()
        if all_nc or (not len(kr) and len(pr)):
            src = kr if all_nc else pr
            block["status"] = src["status"].iloc[0]
            block["detail"] = src["detail"].iloc[0]
        block["low_sample"] = block["low_sample"].fillna(False).astype(bool)
        nan = np.full(P, np.nan)
        std, std_var, cover = nan.copy(), nan.copy(), nan.copy()
        diff, p, sdiff, sp, raw_var = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
        contrast = None
        pair_var = nan
        std_pooled = np.nan
        if cs is not None:
            stats_all[kid], adj_all[kid] = cs, adj
            adjustments[kid] = _adjustment_record(cs, adj)
            unit_sds[kid] = cs.unit_sd()
            std, svar, wvar = adj.standardised()
            std_var = svar + wvar
            pair_var = np.zeros(P)  # the whole variance of a contrast: ``contrast`` below
            cover = np.where(adj.eligible, adj.covered, np.nan)
            tot = [cs.n.sum(axis=0), cs.a.sum(axis=0), cs.b.sum(axis=0)]
            pv, _ = cs.cell_values(*tot)
            std_pooled = float((adj.weights * np.where(adj.support, pv, 0.0)).sum())
            for i in range(P):
                if adj.eligible[i] and adj.n_support > 0:
                    sdiff[i], vv = _vs_pooled(cs, adj, i)
                    sp[i] = stats.p_two_sided(sdiff[i], vv)
                # vs pooled, raw: (1 − α)(v_p − v_rest)
                rest = [tot[0] - cs.n[i], tot[1] - cs.a[i], tot[2] - cs.b[i]]
                n_i = cs.n[i].sum()
                tv, tvar = cell_value_var(cs.kind, n_i, cs.a[i].sum(), cs.b[i].sum())
                rtv, rtvar = cell_value_var(cs.kind, *[r.sum() for r in rest])
                raw_var[i] = tvar
                if n_i > 0 and rest[0].sum() > 0:
                    al = n_i / tot[0].sum()
                    diff[i] = block["value"].iloc[i] - pooled_value
                    p[i] = stats.p_two_sided((1 - al) * (tv - rtv), (1 - al) ** 2 * (tvar + rtvar))
            v, _ = cs.cell_values()

            def contrast(i, j, adj=adj):
                d = np.where(adj.support, adj.value[i] - adj.value[j], 0.0)
                coef = adj.provider_coef(i) - adj.provider_coef(j)
                wv = float(weight_variance(adj.weights, d, adj.n_support))
                return adj.linear_var(coef) + wv

            for j, c in enumerate(cs.cells):
                for i, prov in enumerate(providers):
                    cell_rows.append(
                        {
                            "kpi": kid,
                            "cell": c,
                            "provider": prov,
                            "n": float(cs.n[i, j]),
                            "value": float(v[i, j]),
                            "adjusted": float(adj.value[i, j]),
                            "lambda": float(adj.lam[i, j]),
                            "weight": float(adj.weights[j]),
                            "support": bool(adj.support[j]),
                        }
                    )
        elif kid == COST_KPI and not all_nc:
            try:
                dcs, _dnote, dadj = cells_of(DRIVER_KPI)
            except NotComputable:
                dcs = None
            if dcs is not None:
                raw_cpc = block["value"].to_numpy(float)
                std, std_var = cost_standardised(raw_cpc, dcs, dadj)
                pair_var = std_var  # each weight variance in full: conservative
                cover = np.where(dadj.eligible, dadj.covered, np.nan)
                std_pooled = pooled_value
                sdiff = std - pooled_value
                note = COST_NOTE
                kind = "cost"
                unit_sds[kid] = cost_unit_sd(pooled_value, dcs)
        notes[kid] = note
        sig_raw = stats.adjust_pvalues(p, correction)
        sig_std = stats.adjust_pvalues(sp, correction)
        block["std_value"] = std
        half = Z * np.sqrt(std_var)
        lo, hi = std - half, std + half
        if kpi.unit == "%":
            lo, hi = np.clip(lo, 0, 100), np.clip(hi, 0, 100)
        elif kind == "nps":
            lo, hi = np.clip(lo, -100, 100), np.clip(hi, -100, 100)
        block["std_ci_low"], block["std_ci_high"] = lo, hi
        block["coverage"] = cover
        block["pooled"] = pooled_value
        block["std_pooled"] = std_pooled  # Σ_c W_c · pooled cell value, over the support
        block["diff"], block["p"], block["p_adj"] = diff, p, sig_raw
        block["significant"] = np.nan_to_num(sig_raw, nan=1.0) < alpha
        block["std_diff"], block["std_p"], block["std_p_adj"] = sdiff, sp, sig_std
        block["std_significant"] = np.nan_to_num(sig_std, nan=1.0) < alpha
        block["kpi"] = kid
        block["provider"] = providers
        block["unit"] = kpi.unit
        block["direction"] = kpi.direction
        block["kind"] = kind or ""
        extra = []
        if cs is not None and (~adj.eligible).any():
            extra.append(f"fewer than {min_cell} units: not standardised")
        if note:
            extra.append(note)
        block["note"] = [
            "; ".join(dict.fromkeys(x for x in [d if isinstance(d, str) else "", *extra] if x))
            for d in block["detail"]
        ]
        rows.append(block.reset_index(drop=True))
        if cs is not None:
            est = block["value"].to_numpy(float)
            pairs.extend(_pairs(kid, "raw", providers, est, raw_var, None, correction, alpha))
        if kind:
            pairs.extend(_pairs(kid, "std", providers, std, pair_var, contrast, correction, alpha))
    table = pd.concat(rows, ignore_index=True)[TABLE_COLUMNS] if rows else pd.DataFrame()
    meta = {
        "provider_field": provider_field,
        "strata": list(strata),
        "min_cell": min_cell,
        "shrink_k": float(min_cell if shrink_k is None else shrink_k),
        "correction": correction,
        "alpha": alpha,
        "method": "direct standardisation to the pooled mix over the common support, sparse "
        "cells shrunk (n/(n + k)), weights counted as estimated; normal tests",
        "notes": notes,
        "unit_sd": unit_sds,
    }
    comp = Comparison(
        table=table,
        pairwise=pd.DataFrame(pairs, columns=PAIR_COLUMNS),
        cells=pd.DataFrame(cell_rows, columns=CELL_COLUMNS),
        adjustments=adjustments,
        sentences=[],
        providers=providers,
        kpis=kpi_ids,
        meta=meta,
        stats=stats_all,
        adjusted=adj_all,
    )
    comp.sentences = comparison_sentences(comp, registry)
    return comp
