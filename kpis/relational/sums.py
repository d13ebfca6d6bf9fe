"""The per-segment sums of the relational executor that need more than one aggregate: distinct
counts, the cluster sums of the ratios' intervals, the central moments, bootstrap values and
order statistics of the means of durations (``kpis.stats.durations``). Each reads the batch's
view ``v`` (a table with the segment number ``_g``) and returns arrays indexed by ``_g``.
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd

from kpis.definitions._base import Agg
from kpis.relational.source import POSITION
from kpis.stats import durations

GROUP = "_g"
# rows are counted in doubles: exact below 2**53, and engines add them faster than integers
# (DuckDB's integer SUM is a 128-bit one)
COUNT = "float64"


def _distinct(v, wanted: dict[str, tuple], g: int) -> dict[str, np.ndarray]:
    """Per name, the number of distinct known values (tuples) of its fields among its rows, per
    segment: each a query of its own (``SELECT DISTINCT`` then a count per ``_g``), which
    engines run far faster than ``COUNT(DISTINCT …)`` beside many other aggregates. The same
    rows and fields asked twice are counted once."""
    out: dict[str, np.ndarray] = {}
    done: dict = {}
    for name, (rows, fields) in wanted.items():
        key = (rows.op(), tuple((k, f.op()) for k, f in fields.items()))
        if key not in done:
            pairs = v.filter(rows).select(GROUP, **fields).distinct()
            got = pairs.group_by(GROUP).aggregate(_n=pairs[GROUP].count()).to_pandas()
            done[key] = _aligned(got, "_n", g)
        out[name] = done[key]
    return out


def _cluster_sums(v, masks: dict[int, tuple], g: int) -> dict[int, tuple]:
    """Per measure (Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c², G) per segment, y and n the measure's
    numerator and denominator rows of customer c; a row without customer is alone (grouped on
    the customer key as it is, plus the row's position when it is missing)."""
    if not masks:
        return {}
    rows = v.mutate(
        _c=ibis.ifelse(v.customer_id.isnull(), v[POSITION], ibis.null("int64")),
        **{f"y{i}": num.cast(COUNT) for i, (num, _) in masks.items()},
        **{f"n{i}": den.cast(COUNT) for i, (_, den) in masks.items()},
    )
    sums = {}
    for i in masks:
        sums[f"y{i}"] = rows[f"y{i}"].sum()
        sums[f"n{i}"] = rows[f"n{i}"].sum()
    pairs = rows.group_by([GROUP, "customer_id", "_c"]).aggregate(**sums)
    per_seg = {}
    for i in masks:
        y, n = pairs[f"y{i}"], pairs[f"n{i}"]
        per_seg.update(
            {
                f"syy{i}": (y * y).sum(),
                f"syn{i}": (y * n).sum(),
                f"snn{i}": (n * n).sum(),
                f"G{i}": (n > 0).cast(COUNT).sum(),
            }
        )
    got = pairs.group_by(GROUP).aggregate(**per_seg).to_pandas()
    return {
        i: tuple(_aligned(got, f"{c}{i}", g) for c in ("syy", "syn", "snn", "G")) for i in masks
    }


def _central_sums(v, parts: dict[int, tuple], g: int) -> dict[int, tuple]:
    """Per mean of durations: Σ(x − x̄)², Σ(x − x̄)³ per segment (x̄ the segment's mean,
    aggregated then joined back to the rows)."""
    if not parts:
        return {}
    kept = v.select(
        GROUP, **{f"k{i}": ibis.ifelse(ok, x, ibis.null("float64")) for i, (x, ok) in parts.items()}
    )
    means = kept.group_by(GROUP).aggregate(**{f"a{i}": kept[f"k{i}"].mean() for i in parts})
    means = means.rename(_gm=GROUP)
    both = kept.join(means, kept[GROUP] == means._gm)
    rows = both.select(GROUP, **{f"d{i}": both[f"k{i}"] - both[f"a{i}"] for i in parts})
    sums = {}
    for i in parts:
        d = rows[f"d{i}"]
        sums[f"m2{i}"] = (d * d).sum()
        sums[f"m3{i}"] = (d * d * d).sum()
    got = rows.group_by(GROUP).aggregate(**sums).to_pandas()
    return {i: (_aligned(got, f"m2{i}", g), _aligned(got, f"m3{i}", g)) for i in parts}


def _aligned(frame: pd.DataFrame, col: str, g: int) -> np.ndarray:
    out = np.zeros(g)
    if len(frame):
        idx = frame[GROUP].to_numpy(dtype=np.int64)
        out[idx] = frame[col].fillna(0).to_numpy(dtype="float64")
    return out


def _duration_stats(agg: Agg, central: tuple, samples: dict, stats: dict) -> tuple:
    """(mean lo, hi, median, median lo, hi) per segment, as ``stats.grouped_intervals``: Hall
    from the moments, bootstrap-t from the values of the planned segments only (``samples``),
    medians from the order statistics they read (``stats``)."""
    sizes = agg.den.astype(np.int64)
    n, mean, sd, skew = durations.moments_from_sums(sizes, agg.num, *central)
    lo, hi = durations.interval_from_moments(n, mean, sd, skew, lambda s: samples[s])
    med, med_lo, med_hi = durations.medians_from_order_stats(sizes, stats)
    return lo, hi, med, med_lo, med_hi


def _rows_of(v, parts: dict[int, tuple], which: dict[int, Any], extra=()):
    """The kept values of every mean of durations in one table (``_m`` the mean, ``_x`` the
    value), restricted to the segments ``which[i]`` names (all when None): one query."""
    branches = [
        v.filter(ok if which[i] is None else ok & v[GROUP].isin(list(which[i]))).select(
            _m=ibis.literal(i, type="int64"), **{GROUP: v[GROUP]}, **{c: v[c] for c in extra},
            _x=x,
        )
        for i, (x, ok) in parts.items()
        if which[i] is None or len(which[i])
    ]  # fmt: skip
    if not branches:
        return None
    return branches[0] if len(branches) == 1 else ibis.union(*branches)


def _boot_samples(v, parts: dict[int, tuple], sizes: dict[int, np.ndarray]) -> dict:
    """Per mean of durations, the values of the segments that get a bootstrap interval
    (``durations.boot_plan``), each segment's in file order: one query for all the means."""
    plans = {i: durations.boot_plan(sizes[i]) for i in parts}
    out: dict[int, dict[int, np.ndarray]] = {i: {} for i in parts}
    rows = _rows_of(v, parts, plans, extra=(POSITION,))
    if rows is None:
        return out
    vals = rows.order_by(["_m", GROUP, POSITION]).to_pandas()
    for (i, s), part in vals.groupby(["_m", GROUP], sort=False):
        out[int(i)][int(s)] = part["_x"].to_numpy(dtype="float64")
    return out


def _order_stats(v, parts: dict[int, tuple], sizes: dict[int, np.ndarray]) -> dict:
    """Per mean of durations, the order statistics (rank → value) its medians and their
    intervals read (``durations.median_ranks``): one ranking query per mean (a single query
    for all of them sorts as many rows, through a union, and was no faster)."""
    out = {}
    for i, part in parts.items():
        out.update(_order_stats_of(v, {i: part}, sizes))
    return out


def _order_stats_of(v, parts: dict[int, tuple], sizes: dict[int, np.ndarray]) -> dict:
    wanted = {i: durations.median_ranks(sizes[i]) for i in parts}
    out = {i: {s: {} for s in wanted[i]} for i in parts}
    pairs = pd.DataFrame(
        [(i, s, r) for i in parts for s, ranks in wanted[i].items() for r in ranks],
        columns=["_m", GROUP, "_r"],
    )
    rows = _rows_of(v, parts, {i: None if wanted[i] else [] for i in parts})
    if rows is None or not len(pairs):
        return out
    order = ibis.row_number().over(group_by=[rows._m, rows[GROUP]], order_by=rows._x)
    ranked = rows.mutate(_r=order)
    want = ibis.memtable(pairs.astype("int64"))
    backend = v.get_backend()
    if backend.name == "pyspark":
        want = backend.create_view("_pilote_ranks", want, overwrite=True)
    hit = ranked.join(want, ["_m", GROUP, "_r"]).select("_m", GROUP, "_r", "_x").to_pandas()
    for i, s, r, val in hit.itertuples(index=False):
        out[int(i)][int(s)][int(r)] = float(val)
    return out
