"""Cells of the provider comparison: per provider × motif × canal sums of one KPI, small cells
merged, and direct standardisation to the pooled mix.

A provider's standardised value is ``Σ_c W_c · v_pc`` (``W_c``: the cell's share of the pooled
data of the compared providers, in the KPI's own denominator) and its variance, by the delta
method, ``Σ_c W_c² · var(v_pc)``, with ``var = p̃(1 − p̃)/n`` (``p̃ = (k + ½)/(n + 1)``, so a 100 %
cell does not claim zero variance) for ratios, ``s²/n`` for means and the trinomial variance for
NPS. A cell where some provider has fewer than ``min_cell`` units is merged with the other small
canals of its motif ("<motif> · autres canaux"), then into one "autres" cell; a provider with no
unit in a cell is standardised over the cells it has (weights renormalised, ``coverage`` < 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.registry import Registry

PROVIDER_FIELD = "provider"
CELL_FIELDS = ("motif", "canal")
OTHER_FR = "autres"
OTHER_CANALS_FR = "autres canaux"
ALL_CANALS_FR = "tous canaux"
MISSING_LABEL = "(non renseigné)"
STANDARDISABLE = ("ratio", "mean", "nps")


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
        return cell_value_var(self.kind, n, a, b, fb)


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
