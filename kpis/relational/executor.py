"""Run KPI declarations on a relational engine through Ibis; bring back aggregates only.

For each declared KPI (``kpis.declare``): the table is filtered as ``kpis.filters`` does
(value filters, date ranges on the table's own time field, surveys and evaluations borrowing a
field from the first contact row with their ``contact_id``), each row gets its segment number
``_g`` (dense rank of the segment fields and the period, missing values last: the order of the
in-memory engine), and the engine returns per segment:

- ratio: Σnum, Σden, and per customer (a row without customer id being its own customer)
  Σy², Σy·n, Σn², G — the sums of the cluster-robust interval; distinct customers for the
  per-customer recontact rate;
- count: Σden; NPS: answers, promoters, detractors;
- mean: n, Σx, Σx² and the central sums Σ(x − x̄)², Σ(x − x̄)³ (window mean per segment); for
  durations also the few values of the segments that get a bootstrap interval and the order
  statistics the median and its interval read (``kpis.stats.durations``).

Recontact flags are window functions over the whole, unfiltered contacts table: the next
contact of the customer (same motif by default) ordered by time then file order, within the
window; censored when the window runs past the last timestamp. Results go through the same
``_finish`` as the in-memory engine, so values, intervals, statuses and details are computed by
the same code from the same sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from kpis.declare import Measure
from kpis.definitions import REGISTRY
from kpis.definitions._base import Agg, NotComputable
from kpis.engine import _assemble, _finish, _not_computable, resolve_params
from kpis.errors import TooManySegments
from kpis.filters import BORROWING_TABLES, is_date_range, time_field
from kpis.registry import Registry
from kpis.relational.compile import mask, number
from kpis.relational.source import POSITION, Source
from kpis.segments import PERIOD_COLUMN, PERIODS
from kpis.stats import durations

GROUP = "_g"
NOT_DECLARED = "computed in memory only (not yet declared for the relational executor)"
_TRUNC = {"day": "D", "week": "W", "month": "M"}


def compute(
    source: Source,
    kpi_ids: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    filters: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry = REGISTRY,
) -> pd.DataFrame:
    """``kpis.engine.compute`` on a relational source: same arguments, same table."""
    from kpis.engine import MAX_SEGMENTS

    if kpi_ids is None:
        kpis = list(registry)
    else:
        ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
        kpis = [registry.get(i) for i in ids]
    by = [by] if isinstance(by, str) else list(by or [])
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS} or None, not {period!r}")
    rel = Relational(source, by, period, filters, MAX_SEGMENTS)
    parts, extra_cols = [], []
    for kpi in kpis:
        p = resolve_params(kpi, params, registry)
        fn = getattr(kpi.compute, "declaration", None)
        try:
            if fn is None:
                raise NotComputable([], NOT_DECLARED)
            agg = run(rel, fn(Context(rel), p), p)
            part = _finish(kpi, agg, p)
            extra_cols += [c for c in agg.extra if c not in extra_cols and c not in by]
        except NotComputable as err:
            part = _not_computable(kpi, err)
        parts.append(part)
    return _assemble(parts, by + ([PERIOD_COLUMN] if period else []) + extra_cols)


class Context:
    """What a declaration may ask of the data (``kpis.declare``), answered by the engine."""

    def __init__(self, rel: Relational) -> None:
        self.rel = rel
        self.by = list(rel.by)

    def table(self, name: str) -> bool:
        return self.rel.source.has(name)

    def columns(self, table: str) -> set[str]:
        if not self.rel.source.has(table):
            return set()
        return set(self.rel.source.columns(table)) | set(self.rel.borrowable(table))

    def has(self, table: str, f: str) -> bool:
        return f in self.columns(table)

    def note(self, table: str) -> str:
        got = self.rel.borrowable(table)
        return f"{', '.join(got)} taken from contacts via contact_id" if got else ""

    def full_max(self, table: str, f: str) -> float:
        x = self.rel.source.table(table)[f].cast("float64").max().execute()
        return float("nan") if x is None or pd.isna(x) else float(x)

    def any(self, table: str, expr, p: dict | None = None) -> bool:
        v, _ = self.rel.view(table, (), (p or {}).get("_recontact"))
        return bool(v.aggregate(a=mask(expr, v).any()).execute()["a"].iloc[0])


class Relational:
    """The source, segmentation and filters of one ``compute`` call."""

    def __init__(self, source, by, period, filters, max_segments) -> None:
        self.source, self.by, self.period = source, list(by), period
        self.filters = dict(filters or {})
        self.max_segments = max_segments
        self._last: dict[str, Any] = {}

    def borrowable(self, name: str) -> list[str]:
        """Segment and filter fields the table lacks and takes from contacts."""
        src = self.source
        if name not in BORROWING_TABLES or not src.has("contacts") or not src.has(name):
            return []
        own, contacts = set(src.columns(name)), set(src.columns("contacts"))
        if "contact_id" not in own or "contact_id" not in contacts:
            return []
        wanted = [f for f in self.by if f != PERIOD_COLUMN]
        wanted += [k for k, v in self.filters.items() if not is_date_range(k, v)]
        return [f for f in dict.fromkeys(wanted) if f not in own and f in contacts]

    def view(self, name: str, needs: Sequence[str], recontact: dict | None):
        """(filtered table with ``_g`` and the key columns, key column names)."""
        src = self.source
        if not src.has(name):
            raise NotComputable([name], f"needs table {name}")
        t = src.table(name)
        if recontact is not None:
            t = with_recontact_flags(t, recontact, self._last_time(t))
        got = self.borrowable(name)
        if got:
            t = _borrow(t, src.table("contacts"), got)
        tf = time_field(name)
        missing = [f"{name}.{f}" for f in self.by if f not in t.columns]
        cond = None
        for k, val in self.filters.items():
            if is_date_range(k, val):
                if tf not in t.columns:
                    missing.append(f"{name}.{tf}")
                    continue
                m = _range(t[tf], *val)
            elif k not in t.columns:
                missing.append(f"{name}.{k}")
                continue
            else:
                m = _values(t[k], val)
            cond = m if cond is None else cond & m
        if self.period is not None and tf not in t.columns:
            missing.append(f"{name}.{tf}")
        if missing:
            missing = list(dict.fromkeys(missing))
            raise NotComputable(
                missing,
                f"{name} lacks {', '.join(m.split('.', 1)[1] for m in missing)}"
                " (segment, period or filter field)",
            )
        absent = [f"{name}.{f}" for f in needs if f not in t.columns]
        if absent:
            raise NotComputable(absent)
        if cond is not None:
            t = t.filter(cond)
        keys = list(self.by)
        if self.period is not None:
            t = t.mutate(**{PERIOD_COLUMN: t[tf].truncate(_TRUNC[self.period])})
            keys.append(PERIOD_COLUMN)
        if keys:
            order = [ibis.asc(t[k], nulls_first=False) for k in keys]
            t = t.mutate(**{GROUP: ibis.dense_rank().over(order_by=order)})
        else:
            t = t.mutate(**{GROUP: ibis.literal(0, type="int64")})
        return t, keys

    def _last_time(self, t) -> Any:
        if "last" not in self._last:
            self._last["last"] = t["started_at"].max().execute()
        return self._last["last"]


def _range(col, lo, hi):
    m = col.notnull()
    if lo is not None:
        m = m & (col >= pd.Timestamp(lo).to_pydatetime())
    if hi is not None:
        hi = pd.Timestamp(hi)
        if hi == hi.normalize():
            m = m & (col < (hi + pd.Timedelta(days=1)).to_pydatetime())
        else:
            m = m & (col <= hi.to_pydatetime())
    return m.fill_null(False)


def _values(col, value):
    values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    with_na = any(v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) for v in values)
    values = [v for v in values if not (v is None or v is pd.NA or pd.isna(v))]
    m = ibis.literal(False)
    if values:
        texts = [str(v) for v in values]
        if col.type().is_string():
            m = col.isin(texts)
        elif col.type().is_numeric():
            nums = []
            for v in values:
                try:
                    nums.append(float(v))
                except (TypeError, ValueError):
                    continue
            m = col.cast("float64").isin(nums) if nums else m
        else:
            m = col.isin(values) | col.cast("string").isin(texts)
    if with_na:
        m = m | col.isnull()
    return m.fill_null(False)


def _borrow(t, contacts, fields):
    """The first contact row (file order) of each row's contact_id supplies ``fields``."""
    first = contacts.mutate(
        _rn=ibis.row_number().over(group_by=contacts.contact_id, order_by=contacts[POSITION])
    )
    first = first.filter(first._rn == 0).select(
        _cid=first.contact_id.cast("string"), **{f: first[f] for f in fields}
    )
    joined = t.left_join(first, t.contact_id.cast("string") == first._cid)
    return joined.select(*t.columns, *fields)


def with_recontact_flags(t, p: Mapping, last) -> Any:
    """Contacts with ``_flag_eligible`` and ``_flag_followed`` (``kpis.recontact``'s rules)."""
    window = ibis.interval(microseconds=int(round(float(p["window_days"]) * 86_400e6)))
    same_motif = bool(p["same_motif"])
    time = t.started_at
    in_scope = t.customer_id.notnull() & time.notnull()
    match = in_scope & t.motif.notnull() if same_motif else in_scope
    part = [t.customer_id, *([t.motif] if same_motif else []), match]
    order = [time]
    if "_row" in t.columns:
        if "_file" in t.columns:
            order.append(ibis.asc(t["_file"].cast("string"), nulls_first=True))
        order.append(ibis.asc(t["_row"].cast("float64"), nulls_first=False))
    order.append(t[POSITION])
    nxt = time.lead().over(ibis.window(group_by=part, order_by=order))
    followed = (match & nxt.notnull() & (nxt <= time + window)).fill_null(False)
    eligible = in_scope
    if p["exclude_censored"] and last is not None and not pd.isna(last):
        censored = time.notnull() & (time + window > pd.Timestamp(last).to_pydatetime())
        eligible = eligible & ~censored.fill_null(False)
    return t.mutate(_flag_followed=followed, _flag_eligible=eligible.fill_null(False))


# Aggregates ------------------------------------------------------------------------------------


def run(rel: Relational, m: Measure, p: Mapping) -> Agg:
    """The measure's group sums from the engine, as the in-memory ``Agg``."""
    needed = set(m.needs)
    for e in m.exprs():
        needed |= e.fields()
    v, keys = rel.view(m.table, tuple(sorted(needed)), m.recontact)
    kw = {"detail": m.detail, "empty": m.empty, "population": m.population, "extra": m.extra}
    den = mask(m.den, v)
    aggs: dict[str, Any] = {"_den": den.cast("int64").sum()}
    num = None
    if m.kind == "ratio":
        num = den & mask(m.num, v)
        if m.distinct:
            aggs = {
                "_den": v[m.distinct].nunique(where=den),
                "_num": v[m.distinct].nunique(where=num),
            }
        else:
            aggs["_num"] = num.cast("int64").sum()
    x = None
    if m.kind in ("mean", "nps"):
        x = number(m.value, v)
        ok = den & x.notnull()
        aggs = {"_den": ok.cast("int64").sum()}
        if m.kind == "mean":
            aggs["_sum"] = x.sum(where=ok)
            aggs["_sq"] = (x * x).sum(where=ok)
        else:
            aggs["_pro"] = (ok & (x >= 9)).cast("int64").sum()
            aggs["_det"] = (ok & (x <= 6)).cast("int64").sum()
    out = _grouped(v, keys, aggs)
    if len(out) > rel.max_segments:
        fields = rel.by + ([f"{PERIOD_COLUMN} ({rel.period})"] if rel.period else [])
        raise TooManySegments(fields, len(out), rel.max_segments)
    g = len(out)
    keys_df = out[keys].reset_index(drop=True) if keys else None
    col = lambda c: out[c].fillna(0).to_numpy(dtype="float64")  # noqa: E731
    if m.kind == "count":
        return Agg("count", num=col("_den"), keys=keys_df, **kw)
    if m.kind == "ratio":
        agg = Agg("ratio", num=col("_num"), den=col("_den"), keys=keys_df, **kw)
        if not m.distinct and "customer_id" in v.columns:
            agg.cluster = _cluster_sums(v, num, den, g)
        return agg
    if m.kind == "nps":
        return Agg("nps", num=None, den=col("_den"), pro=col("_pro"), det=col("_det"),
                   keys=keys_df, **kw)  # fmt: skip
    agg = Agg("mean", num=col("_sum"), den=col("_den"), sq=col("_sq"), keys=keys_df, **kw)
    if m.durations:
        agg.duration_stats = _duration_stats(v, x, den & x.notnull(), agg, g)
    return agg


def _grouped(v, keys, aggs) -> pd.DataFrame:
    """Aggregates per segment ``_g`` in segment order (one row when there are no keys)."""
    if keys:
        spec = {k: v[k].arbitrary() for k in keys}
        out = v.group_by(GROUP).aggregate(**spec, **aggs).order_by(GROUP).to_pandas()
        if PERIOD_COLUMN in keys:
            out[PERIOD_COLUMN] = pd.to_datetime(out[PERIOD_COLUMN]).astype("datetime64[ns]")
        return out
    return v.aggregate(**aggs).to_pandas()


def _cluster_sums(v, num, den, g: int) -> tuple:
    """(Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c², G) per segment; a row without customer is alone."""
    cust = ibis.ifelse(
        v.customer_id.notnull(),
        v.customer_id.cast("string"),
        ibis.literal("\x01") + v[POSITION].cast("string"),
    )
    rows = v.mutate(_c=cust, _y=num.cast("int64"), _n=den.cast("int64"))
    pairs = rows.group_by([GROUP, "_c"]).aggregate(y=rows._y.sum(), n=rows._n.sum())
    seg = pairs.group_by(GROUP).aggregate(
        syy=(pairs.y * pairs.y).sum(),
        syn=(pairs.y * pairs.n).sum(),
        snn=(pairs.n * pairs.n).sum(),
        G=(pairs.n > 0).cast("int64").sum(),
    )
    got = seg.to_pandas()
    return tuple(_aligned(got, c, g) for c in ("syy", "syn", "snn", "G"))


def _aligned(frame: pd.DataFrame, col: str, g: int) -> np.ndarray:
    out = np.zeros(g)
    if len(frame):
        idx = frame[GROUP].to_numpy(dtype=np.int64)
        out[idx] = frame[col].fillna(0).to_numpy(dtype="float64")
    return out


def _duration_stats(v, x, ok, agg: Agg, g: int) -> tuple:
    """(mean lo, hi, median, median lo, hi) per segment, as ``stats.grouped_intervals``."""
    sizes = agg.den.astype(np.int64)
    rows = v.filter(ok).mutate(_x=x)
    rows = rows.mutate(_d=rows._x - rows._x.mean().over(group_by=rows[GROUP]))
    central = rows.group_by(GROUP).aggregate(
        m2=(rows._d * rows._d).sum(), m3=(rows._d * rows._d * rows._d).sum()
    )
    base = 0  # Ibis numbers dense ranks from 0 on every backend
    got = central.to_pandas()
    n, mean, sd, skew = durations.moments_from_sums(
        sizes, agg.num, _aligned(got, "m2", g), _aligned(got, "m3", g)
    )
    plan = durations.boot_plan(sizes)
    samples: dict[int, np.ndarray] = {}
    if plan:
        picked = rows.filter(rows[GROUP].isin([s + base for s in plan]))
        vals = picked.select(GROUP, "_x").to_pandas()
        for s, part in vals.groupby(GROUP):
            samples[int(s) - base] = part["_x"].to_numpy(dtype="float64")
    lo, hi = durations.interval_from_moments(n, mean, sd, skew, lambda s: samples[s])
    wanted = durations.median_ranks(sizes)
    pairs = pd.DataFrame(
        [(s + base, r) for s, ranks in wanted.items() for r in ranks], columns=[GROUP, "_r"]
    )
    stats: dict[int, dict[int, float]] = {s: {} for s in wanted}
    if len(pairs):
        ranked = rows.mutate(
            _r=ibis.row_number().over(group_by=rows[GROUP], order_by=rows._x)
        ).select(GROUP, "_r", "_x")
        want = ibis.memtable(pairs.astype("int64"))
        if v.get_backend().name == "pyspark":
            want = v.get_backend().create_view("_pilote_ranks", want, overwrite=True)
        hit = ranked.join(want, [GROUP, "_r"]).select(GROUP, "_r", "_x").to_pandas()
        for s, r, val in hit.itertuples(index=False):
            stats[int(s) - base][int(r)] = float(val)
    med, med_lo, med_hi = durations.medians_from_order_stats(sizes, stats)
    return lo, hi, med, med_lo, med_hi
