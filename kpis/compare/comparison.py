"""Provider comparison: raw and mix-standardised KPI values and their tests.

Providers handle different motif × canal mixes, so a raw FCR or DMT comparison is unfair. Next to
each raw value (from ``kpis.engine.compute``) the comparison gives the value standardised to the
pooled mix of the compared providers (``kpis.compare.cells``).

Tests (normal approximation): each provider against the pooled value (``p − pooled`` written as
``Σ_c W_c (1 − α_c)(v_pc − v_rest,c)``, ``α_c`` = the provider's share of the cell, so the
provider's own weight in the pooled value is accounted for) and every pair of providers; p-values
are corrected for multiple comparisons within each KPI and family (``kpis.stats.adjust_pvalues``:
Holm by default, or Benjamini–Hochberg). Counts and other KPIs without a group-sum form are shown
raw, untested.
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
    CELL_FIELDS,
    PROVIDER_FIELD,
    CellStats,
    cell_stats,
    cell_value_var,
    provider_label,
    standardise,
)
from kpis.compare.errors import NoProviderField, TooFewProviders
from kpis.compare.wording import comparison_sentences
from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.registry import Registry

DEFAULT_KPIS = ("fcr", "dmt", "csat", "service_level", "transfer_rate")
CORRECTIONS = stats.CORRECTIONS
Z = stats.Z95


@dataclass
class Comparison:
    """Result of ``compare_providers``; ``table`` has one row per KPI × provider."""

    table: pd.DataFrame
    pairwise: pd.DataFrame
    cells: pd.DataFrame
    merges: dict[str, list[dict]]
    sentences: list[dict]
    providers: list[str]
    kpis: list[str]
    meta: dict
    stats: dict[str, CellStats] = field(default_factory=dict, repr=False)

    def text(self, lang: str = "fr") -> list[str]:
        return [s[lang] for s in self.sentences]

    def to_dict(self) -> dict:
        """JSON-able summary (no row data: values per KPI × provider only)."""
        return {
            "table": records(self.table),
            "pairwise": records(self.pairwise),
            "merges": self.merges,
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


def compare_providers(
    tables: Mapping[str, pd.DataFrame],
    kpi_ids: str | Sequence[str] = DEFAULT_KPIS,
    params: Mapping[str, Any] | None = None,
    min_cell: int = 30,
    *,
    providers: Sequence[str] | None = None,
    provider_field: str = PROVIDER_FIELD,
    cell_fields: Sequence[str] = CELL_FIELDS,
    filters: Mapping[str, Any] | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    registry: Registry = REGISTRY,
) -> Comparison:
    """Compare providers on ``kpi_ids``: raw and mix-standardised values, tests, sentences.

    ``min_cell``: a motif × canal cell where some provider has fewer units is merged (within the
    motif, then into "autres"). ``correction``: "holm" or "bh", applied within each KPI to the
    vs-pooled family and to the pairwise family, for raw and standardised values separately.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, not {correction!r}")
    kpi_ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
    for k in kpi_ids:
        registry.get(k)
    contacts = tables.get("contacts")
    has_field = any(
        t is not None and provider_field in t.columns
        for t in tables.values()
        if isinstance(t, pd.DataFrame)
    )
    if not has_field:
        raise NoProviderField(provider_field)
    if providers is None:
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
        providers = found
    providers = [str(p) for p in providers]
    if len(providers) < 2:
        raise TooFewProviders(providers)

    raw, pooled = _provider_values(
        tables, kpi_ids, provider_field, providers, filters, params, registry
    )
    raw = raw.assign(_p=raw[provider_field].map(provider_label).astype(object))
    rows, pairs, cell_rows = [], [], []
    merges_all: dict[str, list[dict]] = {}
    stats_all: dict[str, CellStats] = {}
    notes: dict[str, str] = {}
    for kid in kpi_ids:
        kpi = registry.get(kid)
        kr = raw[raw["kpi"] == kid].set_index("_p")
        pr = pooled[pooled["kpi"] == kid]
        pooled_value = float(pr["value"].iloc[0]) if len(pr) else np.nan
        try:
            cs, merges, note = cell_stats(
                tables,
                kid,
                providers,
                provider_field=provider_field,
                cell_fields=cell_fields,
                min_cell=min_cell,
                filters=filters,
                params=params,
                registry=registry,
            )
            kind = cs.kind if cs is not None else None
        except NotComputable as err:
            cs, merges, note, kind = None, [], err.detail, None
        notes[kid] = note
        merges_all[kid] = merges
        block = pd.DataFrame(index=pd.Index(providers))
        for col in ("value", "ci_low", "ci_high", "n", "status", "low_sample", "detail"):
            block[col] = (
                kr[col].reindex(providers)
                if col in kr
                else pd.Series(np.nan, index=pd.Index(providers))
            )
        block["status"] = block["status"].fillna("no_data").astype(object)
        all_nc = len(kr) and (kr["status"] == "not_computable").all()
        if all_nc or (not len(kr) and len(pr)):
            src = kr if all_nc else pr
            block["status"] = src["status"].iloc[0]
            block["detail"] = src["detail"].iloc[0]
        block["low_sample"] = block["low_sample"].fillna(False).astype(bool)
        P = len(providers)
        std = np.full(P, np.nan)
        std_var = np.full(P, np.nan)
        cover = np.full(P, np.nan)
        diff = np.full(P, np.nan)
        p = np.full(P, np.nan)
        sdiff = np.full(P, np.nan)
        sp = np.full(P, np.nan)
        raw_var = np.full(P, np.nan)
        if cs is not None:
            stats_all[kid] = cs
            W = cs.weights
            v, var = cs.cell_values()
            eligible = cs.n.sum(axis=1) >= min_cell
            std, std_var, cover = standardise(v, var, cs.n, W)
            std = np.where(eligible, std, np.nan)
            std_var = np.where(eligible, std_var, np.nan)
            cover = np.where(eligible, cover, np.nan)
            # provider totals and "rest" (all other compared providers) per cell
            tot = [cs.n.sum(axis=0), cs.a.sum(axis=0), cs.b.sum(axis=0)]
            pv, pvar = cs.cell_values(tot[0], tot[1], tot[2])
            for i in range(P):
                rest = [tot[0] - cs.n[i], tot[1] - cs.a[i], tot[2] - cs.b[i]]
                rv, rvar = cs.cell_values(*rest)
                # vs pooled, standardised: Σ W'_c (1 − α_c)(v_pc − v_rc)
                has = cs.n[i] > 0
                if eligible[i] and has.any():
                    w = np.where(has, W, 0.0)
                    w = w / w.sum()
                    alpha_c = np.where(tot[0] > 0, cs.n[i] / np.where(tot[0] > 0, tot[0], 1), 1)
                    both = has & (rest[0] > 0)
                    d = np.where(both, (1 - alpha_c) * (v[i] - rv), 0.0)
                    dv = np.where(both, (1 - alpha_c) ** 2 * (var[i] + rvar), 0.0)
                    sdiff[i] = std[i] - float(np.nansum(w * np.where(has, pv, 0.0)))
                    sp[i] = stats.p_two_sided(np.nansum(w * d), np.nansum(w * w * dv))
                # vs pooled, raw: (1 − α)(v_p − v_rest)
                n_i = cs.n[i].sum()
                tv, tvar = cell_value_var(cs.kind, n_i, cs.a[i].sum(), cs.b[i].sum())
                rtv, rtvar = cell_value_var(cs.kind, *[r.sum() for r in rest])
                raw_var[i] = tvar
                if n_i > 0 and rest[0].sum() > 0:
                    al = n_i / tot[0].sum()
                    diff[i] = block["value"].iloc[i] - pooled_value
                    p[i] = stats.p_two_sided((1 - al) * (tv - rtv), (1 - al) ** 2 * (tvar + rtvar))
            for j, c in enumerate(cs.cells):
                for i, prov in enumerate(providers):
                    cell_rows.append(
                        {
                            "kpi": kid,
                            "cell": c,
                            "provider": prov,
                            "n": float(cs.n[i, j]),
                            "value": float(v[i, j]),
                            "weight": float(W[j]),
                        }
                    )
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
        if cs is not None:
            small = [providers[i] for i in range(P) if cs.n[i].sum() < min_cell]
            if small:
                extra.append(f"fewer than {min_cell} units: not standardised")
        if note:
            extra.append(note)
        block["note"] = [
            "; ".join(dict.fromkeys(x for x in [d if isinstance(d, str) else "", *extra] if x))
            for d in block["detail"]
        ]
        rows.append(block.reset_index(drop=True))
        # pairwise
        if cs is not None:
            for basis, est, evar in (
                ("raw", block["value"].to_numpy(float), raw_var),
                ("std", std, std_var),
            ):
                recs = []
                for i in range(P):
                    for j in range(i + 1, P):
                        d = est[i] - est[j]
                        vv = evar[i] + evar[j]
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
                pairs.extend(recs)
    table = pd.concat(rows, ignore_index=True)[TABLE_COLUMNS] if rows else pd.DataFrame()
    pairwise = pd.DataFrame(pairs, columns=PAIR_COLUMNS)
    cells = pd.DataFrame(cell_rows, columns=["kpi", "cell", "provider", "n", "value", "weight"])
    meta = {
        "provider_field": provider_field,
        "cell_fields": list(cell_fields),
        "min_cell": min_cell,
        "correction": correction,
        "alpha": alpha,
        "method": "direct standardisation to the pooled mix; normal tests",
        "notes": notes,
    }
    comp = Comparison(
        table=table,
        pairwise=pairwise,
        cells=cells,
        merges=merges_all,
        sentences=[],
        providers=providers,
        kpis=kpi_ids,
        meta=meta,
        stats=stats_all,
    )
    comp.sentences = comparison_sentences(comp, registry)
    return comp
