"""Provider comparison: raw and mix-standardised KPI values, tests, and a weighted scorecard.

Providers handle different motif × canal mixes, so a raw FCR or DMT comparison is unfair. Next to
each raw value (from ``kpis.engine.compute``) this module gives the value *standardised to the
pooled mix* (direct standardisation):

- the cells are the motif × canal combinations; ``W_c`` is the share of cell ``c`` in the pooled
  data of the compared providers (for the KPI's own denominator: contacts for FCR, handled calls
  for DMT, survey answers for CSAT…);
- a provider's standardised value is ``Σ_c W_c · v_pc`` (cell rates for ratios, cell means for
  means, cell NPS for NPS) and its variance, by the delta method, ``Σ_c W_c² · var(v_pc)`` with
  ``var = p̃(1 − p̃)/n`` (``p̃ = (k + ½)/(n + 1)``, so a 100 % cell does not claim zero variance),
  ``s²/n`` for means and the trinomial variance for NPS; the interval is normal (± 1.96 se);
- a cell where some provider has fewer than ``min_cell`` units is merged with the other small
  canals of its motif ("<motif> · autres canaux"); if that is still too small it goes into one
  "autres" cell; every merge is reported (``Comparison.merges``) and stated in the text;
- a provider with no unit in a cell is standardised over the cells it has (weights renormalised),
  and its ``coverage`` (share of the pooled mix covered) says so.

Tests (normal approximation): each provider against the pooled value (``p − pooled`` written as
``Σ_c W_c (1 − α_c)(v_pc − v_rest,c)``, ``α_c`` = the provider's share of the cell, so the
provider's own weight in the pooled value is accounted for) and every pair of providers; p-values
are corrected for multiple comparisons within each KPI and family (Holm by default, or
Benjamini–Hochberg). Counts and other KPIs without a group-sum form are shown raw, untested.

``scorecard`` weights KPIs, scores each against a contract threshold and ranks providers; its
uncertainty comes from a bootstrap that resamples each provider's units within provider (a
multinomial draw over cell × outcome counts — exact for ratios and NPS; for means the cell counts
are resampled and each cell mean drawn from its normal sampling law). KPIs are resampled
independently of one another (correlations between KPIs of the same contacts are ignored).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpis import stats
from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.errors import PiloteError
from kpis.registry import Registry

PROVIDER_FIELD = "provider"
CELL_FIELDS = ("motif", "canal")
DEFAULT_KPIS = ("fcr", "dmt", "csat", "service_level", "transfer_rate")
OTHER_FR = "autres"
OTHER_CANALS_FR = "autres canaux"
ALL_CANALS_FR = "tous canaux"
MISSING_LABEL = "(non renseigné)"
STANDARDISABLE = ("ratio", "mean", "nps")
CORRECTIONS = stats.CORRECTIONS
Z = stats.Z95
# Contract norms known by name (used as labels when the threshold is the norm's value).
NORM_LABELS = {"qos_rate": "NF 345", "service_level": "niveau de service 80/20"}


class CompareError(PiloteError):
    """The comparison cannot be made (no provider field, fewer than two providers…)."""

    code = "compare_error"


class NoProviderField(CompareError):
    code = "no_provider_field"

    def __init__(self, field_name: str) -> None:
        super().__init__(
            f"aucune colonne « {field_name} » : la comparaison demande un champ prestataire "
            "(ou un fichier par prestataire avec son libellé à l'import).",
            f"no '{field_name}' column: the comparison needs a provider field "
            "(or one file per provider, labelled at import).",
            column=field_name,
        )


class TooFewProviders(CompareError):
    code = "too_few_providers"

    def __init__(self, found: Sequence[str]) -> None:
        names = ", ".join(map(str, found)) or "—"
        super().__init__(
            f"il faut au moins deux prestataires à comparer (trouvés : {names}).",
            f"at least two providers are needed (found: {names}).",
        )


# Formatting -------------------------------------------------------------------------------------


def _num(x: float, decimals: int, lang: str) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_value(value: float | None, unit: str, lang: str = "fr") -> str:
    """A KPI value as shown to a user: ``78,2 %``, ``312 s``, ``+12 points``…"""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "%":
        return _num(value, 1, lang) + (" %" if lang == "fr" else "%")
    if unit == "s":
        return _num(value, 0, lang) + " s"
    if unit == "points":
        return _num(value, 1, lang) + " points"
    if unit == "count":
        return _num(value, 0, lang)
    if unit == "currency":
        return _num(value, 2, lang) + " €"
    return _num(value, 2, lang)


def format_diff(diff: float, unit: str, lang: str = "fr") -> str:
    """A difference: ``+5,1 points`` for rates and NPS, ``−12 s`` for durations."""
    if diff is None or math.isnan(diff):
        return "—"
    mag = abs(diff)
    digits = 1 if unit in ("%", "points") else 0 if unit == "s" else 2
    sign = "" if round(mag, digits) == 0 else "+" if diff > 0 else "−"
    if unit in ("%", "points"):
        return f"{sign}{_num(mag, 1, lang)} points"
    if unit == "s":
        return f"{sign}{_num(mag, 0, lang)} s"
    return f"{sign}{_num(mag, 2, lang)}"


def format_p(p: float, lang: str = "fr") -> str:
    if p is None or math.isnan(p):
        return "—"
    if p < 0.001:
        return "< 0,001" if lang == "fr" else "< 0.001"
    return _num(p, 3, lang)


# Multiple comparisons ---------------------------------------------------------------------------


# Cell statistics --------------------------------------------------------------------------------


def _cell_value_var(kind: str, n, a, b, fallback_s2=None):
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


@dataclass
class CellStats:
    """Sums of one KPI per provider (rows) × final merged cell (columns)."""

    kpi: str
    kind: str
    providers: list[str]
    cells: list[str]
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
        return _cell_value_var(self.kind, n, a, b, fb)


def standardise(values, variances, n, weights):
    """Σ W_c v_c over the cells with data (weights renormalised), its variance and coverage.

    ``values``/``variances``/``n``: (..., C); ``weights``: (C,). Returns arrays of shape (...).
    """
    has = np.asarray(n) > 0
    w = np.where(has, weights, 0.0)
    cover = w.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        wn = w / cover[..., None]
        est = np.nansum(wn * np.where(has, values, 0.0), axis=-1)
        var = np.nansum(wn * wn * np.where(has, variances, 0.0), axis=-1)
    est = np.where(cover > 0, est, np.nan)
    var = np.where(cover > 0, var, np.nan)
    return est, var, cover


def _label(value) -> str:
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


def _raw_cells(tables, kpi, provider_field, cell_fields, filters, params, registry):
    """Long frame provider × cell fields with n, a, b; the cell fields used; the Agg kind."""
    last_err: NotComputable | None = None
    fields = [f for f in cell_fields]
    options = [fields] + [[f] for f in fields if len(fields) > 1] + [[]]
    for flds in options:
        try:
            agg = _agg_sums(tables, kpi, [provider_field, *flds], filters, params, registry)
        except NotComputable as err:
            last_err = err
            continue
        if agg.extra or agg.kind not in STANDARDISABLE:
            return None, flds, agg.kind
        keys = agg.keys.reset_index(drop=True)
        frame = pd.DataFrame({provider_field: keys[provider_field].map(_label).astype(object)})
        for f in flds:
            frame[f] = keys[f].map(_label).astype(object)
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


def _merge_cells(raw: pd.DataFrame, fields: list[str], providers: list[str], eligible, min_cell):
    """Assign each raw cell to a final cell: (raw key → final label, merges, raw keys sorted)."""
    pf = raw.columns[0]
    if not fields:
        return {(): "tout"}, [], [()]
    key_cols = list(fields)
    table = raw.pivot_table(index=key_cols, columns=pf, values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=providers, fill_value=0)
    elig = [p for p in providers if p in eligible]

    def small(counts: pd.Series) -> list[str]:
        return [p for p in elig if counts.get(p, 0) < min_cell]

    def name(key) -> str:
        return " · ".join(key)

    keys = [k if isinstance(k, tuple) else (k,) for k in table.index]
    counts = {k: table.iloc[i] for i, k in enumerate(keys)}
    assign: dict[tuple, str] = {}
    merges: list[dict] = []
    to_other: list[tuple] = []
    if len(fields) == 2:
        by_motif: dict[str, list[tuple]] = {}
        for k in keys:
            if small(counts[k]):
                by_motif.setdefault(k[0], []).append(k)
            else:
                assign[k] = name(k)
        for motif, members in by_motif.items():
            merged = sum((counts[k] for k in members), start=pd.Series(0.0, index=providers))
            n_canals = sum(1 for k in keys if k[0] == motif)
            label = f"{motif} · {ALL_CANALS_FR if len(members) == n_canals else OTHER_CANALS_FR}"
            short = small(merged)
            if short:
                to_other.extend(members)
            else:
                for k in members:
                    assign[k] = label
                merges.append(
                    {
                        "into": label,
                        "cells": [name(k) for k in members],
                        "step": "motif",
                        "short_providers": sorted({p for k in members for p in small(counts[k])}),
                    }
                )
    else:
        for k in keys:
            if small(counts[k]):
                to_other.append(k)
            else:
                assign[k] = name(k)
    if to_other:
        for k in to_other:
            assign[k] = OTHER_FR
        merged = sum((counts[k] for k in to_other), start=pd.Series(0.0, index=providers))
        merges.append(
            {
                "into": OTHER_FR,
                "cells": [name(k) for k in to_other],
                "step": "autres",
                "short_providers": sorted({p for k in to_other for p in small(counts[k])}),
                "still_small": small(merged),
            }
        )
    return assign, merges, keys


def cell_stats(
    tables: Mapping[str, pd.DataFrame],
    kpi_id: str,
    providers: Sequence[str] | None = None,
    *,
    provider_field: str = PROVIDER_FIELD,
    cell_fields: Sequence[str] = CELL_FIELDS,
    min_cell: int = 30,
    filters: Mapping | None = None,
    params: Mapping | None = None,
    registry: Registry = REGISTRY,
) -> tuple[CellStats | None, list[dict], str]:
    """Merged cell sums of one KPI per provider, the merges made, and a note.

    Returns ``(None, [], note)`` when the KPI has no group-sum form to standardise (counts,
    costs, per-agent figures…).
    """
    kpi = registry.get(kpi_id)
    raw, fields, kind = _raw_cells(
        tables, kpi, provider_field, cell_fields, filters, params, registry
    )
    if raw is None:
        return None, [], f"{kind} KPI: no group-sum form, raw value only, untested"
    raw = raw[raw[provider_field] != MISSING_LABEL]
    if providers is None:
        providers = sorted(raw.loc[raw["n"] > 0, provider_field].unique().tolist())
    providers = [str(p) for p in providers]
    raw = raw[raw[provider_field].isin(providers) & (raw["n"] > 0)]
    totals = raw.groupby(provider_field)["n"].sum()
    eligible = {p for p in providers if totals.get(p, 0) >= min_cell}
    assign, merges, sorted_keys = _merge_cells(raw, fields, providers, eligible, min_cell)
    keys = list(zip(*[raw[f] for f in fields], strict=True)) if fields else [()] * len(raw)
    raw = raw.assign(cell=[assign[k] for k in keys])
    summed = raw.groupby([provider_field, "cell"], sort=False)[["n", "a", "b"]].sum()
    order = list(dict.fromkeys(assign[k] for k in sorted_keys if assign[k] != OTHER_FR))
    order += [OTHER_FR] if OTHER_FR in assign.values() else []
    idx = pd.MultiIndex.from_product([providers, order])
    summed = summed.reindex(idx, fill_value=0.0)
    shape = (len(providers), len(order))
    cs = CellStats(
        kpi=kpi_id,
        kind=kind,
        providers=providers,
        cells=order,
        n=summed["n"].to_numpy().reshape(shape),
        a=summed["a"].to_numpy().reshape(shape),
        b=summed["b"].to_numpy().reshape(shape),
        fields=list(fields),
    )
    note = ""
    if list(fields) != list(cell_fields):
        missing = [f for f in cell_fields if f not in fields]
        note = f"standardised over {' × '.join(fields) or 'no cell'}; missing: {', '.join(missing)}"
    return cs, merges, note


# The comparison ---------------------------------------------------------------------------------


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
            "table": _records(self.table),
            "pairwise": _records(self.pairwise),
            "merges": self.merges,
            "sentences": self.sentences,
            "providers": self.providers,
            "kpis": self.kpis,
            "meta": self.meta,
        }


def _records(df: pd.DataFrame) -> list[dict]:
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
    raw = raw.assign(_p=raw[provider_field].map(_label).astype(object))
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
                tv, tvar = _cell_value_var(cs.kind, n_i, cs.a[i].sum(), cs.b[i].sum())
                rtv, rtvar = _cell_value_var(cs.kind, *[r.sum() for r in rest])
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
    comp.sentences = _sentences(comp, registry)
    return comp


# Sentences --------------------------------------------------------------------------------------


def _better(diff: float, direction: str, lang: str) -> str:
    if direction == "neutral":
        if lang == "fr":
            return "au-dessus de" if diff > 0 else "au-dessous de"
        return "above" if diff > 0 else "below"
    good = (diff > 0) == (direction == "higher")
    if lang == "fr":
        return "meilleur que" if good else "moins bon que"
    return "better than" if good else "worse than"


def _order(values: np.ndarray, providers: list[str], direction: str) -> list[str]:
    ok = [i for i in range(len(providers)) if not math.isnan(values[i])]
    rev = direction != "lower"
    return [providers[i] for i in sorted(ok, key=lambda i: values[i], reverse=rev)]


def _sentences(comp: Comparison, registry: Registry) -> list[dict]:
    out: list[dict] = []
    corr = comp.meta["correction"]
    corr_fr = "Holm" if corr == "holm" else "Benjamini-Hochberg"
    alpha = comp.meta["alpha"]
    a_fr, a_en = _num(100 * alpha, 0, "fr"), _num(100 * alpha, 0, "en")

    def say(kid, fr, en, kind="info"):
        out.append({"kpi": kid, "kind": kind, "fr": fr, "en": en})

    for kid in comp.kpis:
        kpi = registry.get(kid)
        t = comp.table[comp.table["kpi"] == kid].reset_index(drop=True)
        name_fr, name_en = kpi.name_fr, kpi.name_en
        unit = kpi.unit
        if (t["status"] == "not_computable").all():
            d = str(t["note"].iloc[0])
            say(kid, f"{name_fr} : non calculable ({d}).", f"{name_en}: not computable ({d}).")
            continue
        has_std = t["std_value"].notna().any()
        if not has_std:
            vals_fr = ", ".join(
                f"{r.provider} {format_value(r.value, unit, 'fr')} (n = {_num(r.n, 0, 'fr')})"
                for r in t.itertuples()
                if r.value == r.value
            )
            vals_en = ", ".join(
                f"{r.provider} {format_value(r.value, unit, 'en')} (n = {_num(r.n, 0, 'en')})"
                for r in t.itertuples()
                if r.value == r.value
            )
            say(
                kid,
                f"{name_fr} (brut, non standardisé) : {vals_fr}.",
                f"{name_en} (raw, not standardised): {vals_en}.",
            )
            continue
        pooled = t["pooled"].iloc[0]
        say(
            kid,
            f"{name_fr} : valeur commune {format_value(pooled, unit, 'fr')} ; chaque prestataire "
            "est aussi donné standardisé sur le mix commun motif × canal.",
            f"{name_en}: pooled value {format_value(pooled, unit, 'en')}; each provider is also "
            "shown standardised to the pooled motif × canal mix.",
        )
        for r in t.itertuples():
            if r.std_value != r.std_value:
                if r.value == r.value:
                    say(
                        kid,
                        f"{r.provider} : {format_value(r.value, unit, 'fr')} brut, "
                        f"n = {_num(r.n, 0, 'fr')} — trop peu pour standardiser.",
                        f"{r.provider}: {format_value(r.value, unit, 'en')} raw, "
                        f"n = {_num(r.n, 0, 'en')} — too few to standardise.",
                        "warning",
                    )
                continue
            sig = bool(r.std_significant)
            base_fr = (
                f"{r.provider} : {format_value(r.std_value, unit, 'fr')} après ajustement du mix "
                f"(brut {format_value(r.value, unit, 'fr')}, n = {_num(r.n, 0, 'fr')})"
            )
            base_en = (
                f"{r.provider}: {format_value(r.std_value, unit, 'en')} mix-adjusted "
                f"(raw {format_value(r.value, unit, 'en')}, n = {_num(r.n, 0, 'en')})"
            )
            if sig:
                rel_fr = _better(r.std_diff, kpi.direction, "fr")
                rel_en = _better(r.std_diff, kpi.direction, "en")
                say(
                    kid,
                    f"{base_fr}, significativement {rel_fr} la valeur commune "
                    f"({format_diff(r.std_diff, unit, 'fr')}, p ajusté {format_p(r.std_p_adj)}, "
                    f"{corr_fr}).",
                    f"{base_en}, significantly {rel_en} the pooled value "
                    f"({format_diff(r.std_diff, unit, 'en')}, adjusted p "
                    f"{format_p(r.std_p_adj, 'en')}, {corr_fr}).",
                    "finding",
                )
            else:
                say(
                    kid,
                    f"{base_fr} : pas d'écart significatif avec la valeur commune.",
                    f"{base_en}: no significant difference from the pooled value.",
                )
            if r.coverage == r.coverage and r.coverage < 0.999:
                say(
                    kid,
                    f"{r.provider} n'a aucun contact dans une partie du mix commun : valeur "
                    f"standardisée sur {_num(100 * r.coverage, 0, 'fr')} % du mix.",
                    f"{r.provider} has no unit in part of the pooled mix: standardised over "
                    f"{_num(100 * r.coverage, 0, 'en')}% of the mix.",
                    "warning",
                )
        pw = comp.pairwise[(comp.pairwise["kpi"] == kid) & (comp.pairwise["basis"] == "std")]
        sig_pairs = pw[pw["significant"]]
        for r in sig_pairs.itertuples():
            say(
                kid,
                f"{r.provider_a} est significativement {_better(r.diff, kpi.direction, 'fr')} "
                f"{r.provider_b} après ajustement ({format_diff(r.diff, unit, 'fr')}, "
                f"p ajusté {format_p(r.p_adj)}, {corr_fr}).",
                f"{r.provider_a} is significantly {_better(r.diff, kpi.direction, 'en')} "
                f"{r.provider_b} after adjustment ({format_diff(r.diff, unit, 'en')}, "
                f"adjusted p {format_p(r.p_adj, 'en')}, {corr_fr}).",
                "finding",
            )
        if len(pw) and not len(sig_pairs):
            say(
                kid,
                f"Aucun écart significatif entre prestataires après ajustement "
                f"(correction {corr_fr}, seuil {a_fr} %).",
                f"No significant difference between providers after adjustment "
                f"({corr_fr} correction, {a_en}% level).",
            )
        raw_order = _order(t["value"].to_numpy(float), comp.providers, kpi.direction)
        std_order = _order(t["std_value"].to_numpy(float), comp.providers, kpi.direction)
        common = [x for x in raw_order if x in std_order]
        std_common = [x for x in std_order if x in common]
        if len(common) >= 2 and common != std_common:
            say(
                kid,
                f"Le mix change la lecture : en brut l'ordre est {' > '.join(common)} ; après "
                f"ajustement du mix motif × canal il devient {' > '.join(std_common)}. L'écart "
                "brut tient en partie aux motifs et canaux traités, pas seulement à la "
                "performance.",
                f"The mix changes the reading: raw order {' > '.join(common)}; after adjusting "
                f"the motif × canal mix it becomes {' > '.join(std_common)}. Part of the raw gap "
                "comes from the motifs and channels handled, not only from performance.",
                "finding",
            )
            out[-1]["key"] = True
        for m in comp.merges.get(kid, []):
            who = ", ".join(m["short_providers"])
            cells_txt = ", ".join(m["cells"][:6]) + (" …" if len(m["cells"]) > 6 else "")
            mc = comp.meta["min_cell"]
            say(
                kid,
                f"Cellules regroupées dans « {m['into']} » (moins de {mc} unités chez {who}) : "
                f"{cells_txt}.",
                f"Cells merged into '{m['into']}' (fewer than {mc} units for {who}): {cells_txt}.",
                "method",
            )
            if m.get("still_small"):
                w = ", ".join(m["still_small"])
                say(
                    kid,
                    f"La cellule « {m['into']} » reste sous le seuil pour {w} : "
                    "valeur ajustée moins précise.",
                    f"Cell '{m['into']}' stays under the threshold for {w}: "
                    "the adjusted value is less precise.",
                    "warning",
                )
    return out


# Scorecard --------------------------------------------------------------------------------------


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
            "table": _records(self.table),
            "details": _records(self.details),
            "sentences": self.sentences,
            "meta": self.meta,
        }


def _threshold(spec, kpi) -> tuple[float, str]:
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
        vals, _ = _cell_value_var(cs.kind, n_b.sum(1), a_b.sum(1), b_b.sum(1))
        return vals
    cv, _ = _cell_value_var(cs.kind, n_b, a_b, b_b, np.zeros(C))
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
    sc.sentences = _score_sentences(sc, registry)
    return sc


def _score_sentences(sc: Scorecard, registry: Registry) -> list[dict]:
    out = []
    t = sc.table
    parts_fr = [
        f"{int(r.rank)}. {r.provider} (score {_num(r.score, 0, 'fr')}, premier dans "
        f"{_num(100 * r.p_first, 0, 'fr')} % des rééchantillonnages)"
        for r in t.itertuples()
        if r.score == r.score
    ]
    parts_en = [
        f"{int(r.rank)}. {r.provider} (score {_num(r.score, 0, 'en')}, first in "
        f"{_num(100 * r.p_first, 0, 'en')}% of resamples)"
        for r in t.itertuples()
        if r.score == r.score
    ]
    n_boot = sc.meta["n_boot"]
    out.append(
        {
            "kind": "finding",
            "fr": "Classement pondéré : " + " ; ".join(parts_fr) + f" ({n_boot} tirages).",
            "en": "Weighted ranking: " + "; ".join(parts_en) + f" ({n_boot} resamples).",
            "key": True,
        }
    )
    if len(t) and t["p_first"].max() < 0.8:
        out.append(
            {
                "kind": "warning",
                "fr": "Le premier rang est incertain : aucun prestataire n'est premier dans au "
                "moins 80 % des rééchantillonnages.",
                "en": "The first place is uncertain: no provider ranks first in at least 80% "
                "of resamples.",
            }
        )
    misses = sc.details[sc.details["meets"] == False]  # noqa: E712
    for r in misses.itertuples():
        kpi = registry.get(r.kpi)
        lab = f" ({r.threshold_label})" if r.threshold_label else ""
        op = "<" if kpi.direction != "lower" else ">"
        out.append(
            {
                "kind": "warning",
                "fr": f"{r.provider} : {kpi.name_fr} {format_value(r.value, r.unit, 'fr')} "
                f"{op} seuil {format_value(r.threshold, r.unit, 'fr')}{lab}.",
                "en": f"{r.provider}: {kpi.name_en} {format_value(r.value, r.unit, 'en')} "
                f"{op} threshold {format_value(r.threshold, r.unit, 'en')}{lab}.",
            }
        )
    return out


def comparison_findings(comp: Comparison, sc: Scorecard | None = None) -> list[dict]:
    """The sentences as plain findings (rule, severity, segment, text_fr, text_en, evidence)."""
    out = []
    sev = {"finding": "info", "warning": "warning", "method": "info", "info": "info"}
    for s in comp.sentences + (sc.sentences if sc else []):
        out.append(
            {
                "rule": "provider_comparison",
                "severity": sev.get(s["kind"], "info"),
                "kind": "finding" if s["kind"] in ("finding", "warning") else "note",
                "segment": {"kpi": s.get("kpi")} if s.get("kpi") else {},
                "text_fr": s["fr"],
                "text_en": s["en"],
                "evidence": {"key": bool(s.get("key"))},
            }
        )
    return out
