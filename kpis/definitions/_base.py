"""Shared pieces of the KPI declarations: the aggregated result type, the "not computable"
signal, common parameters and small helpers that turn per-row masks into group sums.

A compute function receives the engine's environment (``env``: ``env.view(table, needs)`` gives
the filtered, segmented table) and the KPI's resolved parameters, and returns an ``Agg`` of group
sums (one entry per segment) or raises ``NotComputable`` naming the fields it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpis.clusters import ClusterIndex
from kpis.registry import Param

# Result kinds: ratio (×100, Wilson; cluster-robust when the units carry a customer_id), rate
# (×100, no interval: hours, money), mean (t interval; durations: bootstrap-t / Hall, and the
# median), nps (points, Bonett–Price interval), count (no interval), per (num ÷ den, no ×100).
KINDS = ("ratio", "rate", "mean", "nps", "count", "per")


class NotComputable(Exception):
    """A KPI cannot be computed: ``needs`` lists the missing "table.field" items."""

    def __init__(self, needs: list[str] | tuple[str, ...] = (), detail: str = "") -> None:
        self.needs = list(needs)
        self.detail = detail or ("needs " + ", ".join(self.needs) if self.needs else "")
        super().__init__(self.detail)


@dataclass
class Agg:
    """Group sums of one KPI: one entry per segment of ``keys`` (a DataFrame of key columns)."""

    kind: str
    num: np.ndarray
    den: np.ndarray | None = None
    keys: pd.DataFrame | None = None
    sq: np.ndarray | None = None  # Σx² for means
    pro: np.ndarray | None = None  # NPS promoters
    det: np.ndarray | None = None  # NPS detractors
    n: np.ndarray | None = None  # sample size when it is not the denominator
    detail: Any = ""  # str, or one str per segment
    empty: str = ""  # why a segment can have an empty denominator ("no offered contacts")
    extra: dict = field(default_factory=dict)  # extra key columns (e.g. motif)
    population: str = ""  # population id for this run (default: the KPI's declared one)
    cluster: tuple | None = None  # (Σ y_c², Σ y_c·n_c, Σ n_c², clusters) per segment
    units: tuple | None = None  # (segment codes, values) of the units of a duration mean
    duration_stats: tuple | None = None  # (lo, hi, median, median lo, hi): relational executor


# Common parameters -----------------------------------------------------------------------------

MIN_N = Param(
    30,
    "Minimum sample size; below it the value is flagged low_sample.",
    "Taille minimale d'échantillon ; en dessous, valeur signalée « échantillon insuffisant ».",
)
WINDOW_DAYS = Param(
    7,
    "Recontact window in days (a follow-up at most this many days later).",
    "Fenêtre de recontact en jours.",
)
SAME_MOTIF = Param(
    True,
    "Count a recontact only on the same motif.",
    "Ne compter un recontact que sur le même motif.",
)
EXCLUDE_CENSORED = Param(
    True,
    "Leave out contacts whose window runs past the last timestamp of the data.",
    "Écarter les contacts dont la fenêtre dépasse la dernière date des données.",
)
SHORT_ABANDON_S = Param(
    0,
    "Abandons with wait_s below this many seconds leave numerator and denominator "
    "(abandon rate, abandoned count, service level).",
    "Les abandons de moins de N secondes sortent du numérateur et du dénominateur.",
)
SL_SECONDS = Param(
    20,
    "Service-level threshold in seconds (answered within X s).",
    "Seuil du niveau de service en secondes.",
)

RECONTACT_PARAMS = {
    "window_days": WINDOW_DAYS,
    "same_motif": SAME_MOTIF,
    "exclude_censored": EXCLUDE_CENSORED,
}


def mean_agg(v, values: np.ndarray, mask: np.ndarray, durations: bool = False, **kw) -> Agg:
    """Mean of ``values`` over rows where mask and the value is known: Σx, n, Σx² per segment;
    ``durations``: also keep the units (``duration_units``) for the skew-proof interval and the
    median."""
    m = mask & ~np.isnan(values)
    x = np.where(m, values, 0.0)
    total = v.seg.sum(x, clean=True)
    np.multiply(x, x, out=x)  # reuse the buffer for Σx² (one temporary, not two)
    agg = Agg(
        "mean",
        num=total,
        den=v.seg.count(m),
        sq=v.seg.sum(x, clean=True),
        keys=v.seg.groups,
        **kw,
    )
    if durations:
        agg.units = duration_units(v, values, m)
    return agg


def _segment_order(v) -> np.ndarray | None:
    """Row order grouping the segments (stable), None when the rows already are (one segment,
    or rows sorted by time and a period breakdown); memoised on the view."""
    codes, g = v.seg.codes, v.seg.ngroups
    if g == 1 or len(codes) < 2 or not np.any(codes[1:] < codes[:-1]):
        return None
    small = codes.astype(np.int16 if g < 2**15 else np.int64)  # int16: radix sort
    return np.argsort(small, kind="stable")


def duration_units(v, values: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values where ``m``, grouped by segment (row order within a segment), and the number
    per segment: the layout the mean and median intervals read (``stats.grouped_intervals``)."""
    order = v.memo("segment_order", lambda: _segment_order(v))
    xs = values[m] if order is None else values[order[m[order]]]
    return xs, v.seg.count(m).astype(np.int64)


def cluster_sums(v, num: np.ndarray, den: np.ndarray, k=None, n=None) -> tuple | None:
    """Per segment Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c² and the number of clusters (customers with a
    unit), from the rows' customer ids (``kpis.clusters``); None when the table has no
    customer_id. ``k``, ``n``: segment counts of num and den when already known."""
    if not v.has("customer_id"):
        return None
    index = v.memo("cluster_index", lambda: _cluster_index(v))
    k = v.seg.count(num) if k is None else k
    n = v.seg.count(den) if n is None else n
    return index.sums(num, den, k, n)


def _cluster_index(v) -> ClusterIndex:
    from kpis.recontact import customer_codes

    cust = customer_codes(v.full)
    if v.mask is not None:
        cust = cust[v.mask]
    return ClusterIndex(v.seg.codes, v.seg.ngroups, cust)


def ratio_agg(v, num: np.ndarray, den: np.ndarray, kind: str = "ratio", **kw) -> Agg:
    """Σnum ÷ Σden per segment (masks are 0/1 per row; num is counted only where den); with a
    customer_id, the cluster sums for the cluster-robust interval."""
    den = np.asarray(den, dtype=bool)
    num = np.asarray(num, dtype=bool) & den
    agg = Agg(kind, num=v.seg.count(num), den=v.seg.count(den), keys=v.seg.groups, **kw)
    if kind == "ratio":
        agg.cluster = cluster_sums(v, num, den, agg.num, agg.den)
    return agg


def count_agg(v, mask: np.ndarray, **kw) -> Agg:
    return Agg("count", num=v.seg.count(mask), keys=v.seg.groups, **kw)


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def in_values(s: pd.Series, values) -> np.ndarray:
    """Row mask: the value is in ``values`` (compared as text, case-insensitive)."""
    wanted = {str(x).strip().casefold() for x in as_list(values)}
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        hit = np.array([str(c).strip().casefold() in wanted for c in cats], dtype=bool)
        codes = s.cat.codes.to_numpy()
        return np.where(codes >= 0, hit[np.maximum(codes, 0)] if len(hit) else False, False)
    text = s.astype("str").str.strip().str.casefold()
    return (text.isin(wanted) & s.notna()).to_numpy(dtype=bool)


def items_mask(v, p) -> tuple[np.ndarray, str]:
    """Rows that are tickets/items: rows with a ticket_id when that field exists (calls without
    a ticket are not waiting items), else every row (param ``items``: 'auto' or 'all')."""
    mode = str(p.get("items", "auto"))
    if mode not in ("auto", "all"):
        raise ValueError("items must be 'auto' or 'all'")
    if mode == "auto" and v.has("ticket_id"):
        return v.known("ticket_id"), "items = rows with a ticket_id"
    return np.ones(len(v.df), dtype=bool), "items = every row"


ITEMS = Param(
    "auto",
    "'auto': only rows with a ticket_id when that field exists; 'all': every row.",
    "« auto » : seulement les lignes avec un ticket_id quand ce champ existe ; « all » : toutes.",
)
