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

KPIs that read only period tables (costs, hours, customer_base, headcount: one row per period
and team) get those small tables back whole and are computed by the in-memory engine.

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

from kpis.declare import Combined, Measure, median_details
from kpis.definitions import REGISTRY
from kpis.definitions._base import Agg, NotComputable
from kpis.engine import _assemble, _finish, _not_computable, resolve_params, selection
from kpis.errors import TooManySegments
from kpis.filters import BORROWING_TABLES, is_date_range, time_field
from kpis.registry import Registry
from kpis.relational.combined import finish as join_combined
from kpis.relational.combined import measure_sides as combined_sides
from kpis.relational.combined import rows as combined_rows
from kpis.relational.compile import mask, number
from kpis.relational.source import POSITION, Source
from kpis.relational.sums import (
    COUNT,
    GROUP,
    _boot_samples,
    _central_sums,
    _cluster_sums,
    _distinct,
    _duration_stats,
    _order_stats,
)
from kpis.segments import PERIOD_COLUMN

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

    kpis, by = selection(kpi_ids, by, period, registry)
    rel = Relational(source, by, period, filters, MAX_SEGMENTS)
    planned: list[tuple] = []  # (kpi, params, measure or None, error or None)
    combined: dict[int, Combined] = {}  # KPIs of several tables (kpis.relational.combined)
    for kpi in kpis:
        p = resolve_params(kpi, params, registry)
        fn = getattr(kpi.compute, "declaration", None)
        try:
            if fn is None:
                raise NotComputable([], NOT_DECLARED)
            m = fn(Context(rel), p)
            if m is None:  # a setting the declaration leaves to the in-memory engine
                raise NotComputable([], NOT_DECLARED)
            if isinstance(m, Combined):  # several tables: its sides join the batches
                combined[len(planned)], m = m, None
            planned.append((kpi, p, m, None))
        except NotComputable as err:
            planned.append((kpi, p, None, err))
    measures = {i: m for i, (_, _, m, _) in enumerate(planned) if m is not None}
    measures.update(combined_sides(combined))
    batches: dict[tuple, list] = {}
    for i, m in measures.items():
        rkey = None if m.recontact is None else tuple(sorted(m.recontact.items()))
        batches.setdefault((m.table, rkey), []).append(i)
    done: dict[Any, Any] = {}
    for idxs in batches.values():
        done.update(run_batch(rel, {i: measures[i] for i in idxs}))
    done.update(join_combined(rel, combined, done))
    small = [k.id for k, _, m, _ in planned if m is None and _reads_period_tables(k, source)]
    parts, extra_cols = [], []
    for i, (kpi, p, _, err) in enumerate(planned):
        got = done.get(i, err)
        if kpi.id in small:
            continue
        if isinstance(got, NotComputable):
            parts.append(_not_computable(kpi, got))
            continue
        parts.append(_finish(kpi, got, p))
        extra_cols += [c for c in got.extra if c not in extra_cols and c not in by]
    out = _assemble(parts, by + ([PERIOD_COLUMN] if period else []) + extra_cols)
    if small:
        tables = {n: _fetch(source, n) for n in PERIOD_TABLES if source.has(n)}
        from kpis.engine import compute as in_memory

        rest = in_memory(tables, small, by, period, filters, params, registry)
        rank = {k.id: i for i, k in enumerate(kpis)}
        out = pd.concat([x for x in (out, rest) if len(x)], ignore_index=True)
        out = out.iloc[np.argsort(out["kpi"].map(rank).to_numpy(), kind="stable")]
        out = out.reset_index(drop=True)
    return out


PERIOD_TABLES = ("costs", "hours", "customer_base", "headcount")
MAX_PERIOD_ROWS = 1_000_000


def _reads_period_tables(kpi, source) -> bool:
    """A KPI that reads only period tables (one row per period and team: small) and finds
    them all: the engine hands those rows to the in-memory executor."""
    return bool(kpi.needs) and all(t in PERIOD_TABLES and source.has(t) for t in kpi.needs)


def _fetch(source, name: str) -> pd.DataFrame:
    """A period table brought back whole (refused beyond ``MAX_PERIOD_ROWS`` rows)."""
    t = source.table(name)
    n = int(t.count().execute())
    if n > MAX_PERIOD_ROWS:
        raise ValueError(f"period table {name} holds {n} rows: too many for a period table")
    if POSITION in t.columns:  # file order
        frame = t.order_by(POSITION).drop(POSITION).to_pandas()
    else:
        frame = t.to_pandas()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            frame[col] = frame[col].astype("datetime64[ns]")
    return frame


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
        self.rel.view(table, (), None)  # the view's own errors first, as in memory
        got = self.rel.borrowable(table)
        return f"{', '.join(got)} taken from contacts via contact_id" if got else ""

    def full_max(self, table: str, f: str) -> float:
        def ask():
            x = self.rel.source.table(table)[f].cast("float64").max().execute()
            return float("nan") if x is None or pd.isna(x) else float(x)

        return self.rel.memo(("max", table, f), ask)

    def any(self, table: str, expr, p: dict | None = None) -> bool:
        recontact = (p or {}).get("_recontact")

        def ask():
            v, _ = self.rel.view(table, (), recontact, grouped=False)
            return bool(v.aggregate(a=mask(expr, v).any()).execute()["a"].iloc[0])

        key = ("any", table, repr(expr), repr(sorted((recontact or {}).items())))
        return self.rel.memo(key, ask)

    @property
    def period(self) -> str | None:
        return self.rel.period

    def count(self, table: str, expr, p: dict | None = None) -> int:
        recontact = (p or {}).get("_recontact")

        def ask():
            v, _ = self.rel.view(table, (), recontact, grouped=False)
            got = v.aggregate(a=mask(expr, v).cast("int64").sum()).execute()["a"].iloc[0]
            return 0 if got is None or pd.isna(got) else int(got)

        key = ("count", table, repr(expr), repr(sorted((recontact or {}).items())))
        return self.rel.memo(key, ask)

    def rows(self, table: str, fields):
        """A small (period) table's filtered rows, segment numbers and keys."""
        return self.rel.memo(
            ("rows", table, tuple(fields)), lambda: combined_rows(self.rel, table, fields)
        )

    def last_time(self, table: str, f: str) -> float:
        def ask():
            at = self.rel.source.table(table)[f].max().execute()
            return float(pd.Timestamp(at).value) if at is not None and pd.notna(at) else np.nan

        return self.rel.memo(("last", table, f), ask)


class Relational:
    """The source, segmentation and filters of one ``compute`` call."""

    def __init__(self, source, by, period, filters, max_segments) -> None:
        self.source, self.by, self.period = source, list(by), period
        self.filters = dict(filters or {})
        self.max_segments = max_segments
        self._memo: dict[tuple, Any] = {}

    def memo(self, key: tuple, ask):
        """One answer per question and ``compute`` call (each is a query on the engine)."""
        if key not in self._memo:
            self._memo[key] = ask()
        return self._memo[key]

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

    def view(self, name: str, needs: Sequence[str], recontact: dict | None, grouped=True):
        """(filtered table with ``_g`` and the key columns, key column names); without ``_g``
        when not ``grouped`` (a question on the filtered rows)."""
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
        if not grouped:
            return t, keys
        if keys:
            t = _numbered(t, keys)
        else:
            t = t.mutate(**{GROUP: ibis.literal(0, type="int64")})
        return t, keys

    def _last_time(self, t) -> Any:
        return self.memo(("last", "started_at"), lambda: t["started_at"].max().execute())


def _numbered(t, keys: list[str]):
    """``t`` with ``_g``: the dense rank of its segment among the segments present (keys
    ascending, missing last), ranked on the small table of distinct segments and joined back
    (missing keys matched as equal) rather than by a window over every row."""
    seg = t.select(*keys).distinct()
    order = [ibis.asc(seg[k], nulls_first=False) for k in keys]
    seg = seg.mutate(**{GROUP: ibis.dense_rank().over(order_by=order)})
    seg = seg.select(GROUP, **{f"_k{j}": seg[k] for j, k in enumerate(keys)})
    on = [t[k].identical_to(seg[f"_k{j}"]) for j, k in enumerate(keys)]
    return t.join(seg, on).select(*t.columns, GROUP)


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


def _fields(m: Measure) -> set[str]:
    return m.fields()


def run_batch(rel: Relational, measures: dict[int, Measure]) -> dict[int, Any]:
    """The measures of one table (and one set of recontact parameters) in a few queries: one
    for every group sum, one per distinct count, one for every cluster sum, one for the central
    moments of the means of durations, one for their bootstrap values, one per such mean for its
    order statistics. Returns, per
    measure, its ``Agg`` or the ``NotComputable`` that stops it."""
    first = next(iter(measures.values()))
    try:
        v, keys = rel.view(first.table, (), first.recontact)
    except NotComputable as err:
        return dict.fromkeys(measures, err)
    out: dict[int, Any] = {}
    ready: dict[int, Measure] = {}
    for i, m in measures.items():
        absent = [f"{m.table}.{f}" for f in sorted(_fields(m)) if f not in v.columns]
        if absent:
            out[i] = NotComputable(absent)
        else:
            ready[i] = m
    if not ready:
        return out
    keep = {GROUP, POSITION, *keys, *(f for m in ready.values() for f in _fields(m))}
    keep |= {c for c in v.columns if c.startswith("_flag_") or c == "customer_id"}
    v = v.select(*[c for c in v.columns if c in keep]).cache()
    try:
        out.update(_batch_aggs(rel, v, keys, ready))
    finally:
        v.release()
    return out


def _batch_aggs(rel, v, keys, ready: dict[int, Measure]) -> dict[int, Agg]:
    aggs: dict[str, Any] = {}
    distinct: dict[str, tuple] = {}  # name: (rows, fields) counted apart (see _distinct)
    dens, nums, values = {}, {}, {}
    for i, m in ready.items():
        den = dens[i] = mask(m.den, v)
        if m.pairs:
            ent, tf = v[m.pairs[0]], v[m.pairs[1]]
            ok = den & ent.notnull() & tf.notnull()
            distinct[f"days{i}"] = (ok, {"_e": ent, "_d": tf.date()})
        if m.kind == "per":
            aggs[f"num{i}"] = mask(m.num, v).cast(COUNT).sum()
        elif m.kind == "sum":
            aggs[f"sum{i}"] = number(m.value, v).sum(where=den)
        elif m.kind == "count" and m.pairs:
            pass
        elif m.kind == "count":
            aggs[f"den{i}"] = den.cast(COUNT).sum()
        elif m.kind == "ratio":
            num = nums[i] = den & mask(m.num, v)
            if m.per_value:
                aggs[f"den{i}"] = den.cast(COUNT).sum()
            elif m.distinct:
                known = v[m.distinct].notnull()
                distinct[f"den{i}"] = (den & known, {"_e": v[m.distinct]})
                distinct[f"num{i}"] = (num & known, {"_e": v[m.distinct]})
            else:
                aggs[f"den{i}"] = den.cast(COUNT).sum()
                aggs[f"num{i}"] = num.cast(COUNT).sum()
        else:
            x = values[i] = number(m.value, v)
            ok = dens[i] = den & x.notnull()
            aggs[f"den{i}"] = ok.cast(COUNT).sum()
            if m.kind == "mean":
                aggs[f"sum{i}"] = x.sum(where=ok)
                aggs[f"sq{i}"] = (x * x).sum(where=ok)
            else:
                aggs[f"pro{i}"] = (ok & (x >= 9)).cast(COUNT).sum()
                aggs[f"det{i}"] = (ok & (x <= 6)).cast(COUNT).sum()
    if not aggs:  # only distinct counts: the segments still come from here
        aggs["_rows"] = v[POSITION].count()
    out = _grouped(v, keys, aggs)
    g = len(out)
    if g > rel.max_segments:
        fields = rel.by + ([f"{PERIOD_COLUMN} ({rel.period})"] if rel.period else [])
        raise TooManySegments(fields, g, rel.max_segments)
    for name, counts in _distinct(v, distinct, g).items():
        out[name] = counts
    keys_df = out[keys].reset_index(drop=True) if keys else pd.DataFrame(index=pd.RangeIndex(g))

    def col(name: str) -> np.ndarray:
        return out[name].fillna(0).to_numpy(dtype="float64")

    clustered = [
        i
        for i, m in ready.items()
        if m.kind == "ratio" and not m.distinct and not m.per_value and "customer_id" in v.columns
    ]
    clusters = _cluster_sums(v, {i: (nums[i], dens[i]) for i in clustered}, g)
    timed = {i: m for i, m in ready.items() if m.kind == "mean" and m.durations}
    central = _central_sums(v, {i: (values[i], dens[i]) for i in timed}, g)
    sizes = {i: col(f"den{i}").astype(np.int64) for i in timed}
    samples = _boot_samples(v, {i: (values[i], dens[i]) for i in timed}, sizes)
    stats = _order_stats(v, {i: (values[i], dens[i]) for i in timed}, sizes)
    result: dict[int, Agg] = {}
    for i, m in ready.items():
        kw = {"detail": m.detail, "empty": m.empty, "population": m.population, "extra": m.extra}
        if m.kind == "count" and m.pairs:
            agg = Agg("count", num=col(f"days{i}"), keys=keys_df, **kw)
        elif m.kind == "count":
            agg = Agg("count", num=col(f"den{i}"), keys=keys_df, **kw)
        elif m.kind == "sum":
            agg = Agg("count", num=col(f"sum{i}"), keys=keys_df, **kw)
        elif m.kind == "per":
            agg = Agg("per", num=col(f"num{i}"), den=col(f"days{i}"), n=col(f"num{i}"),
                      keys=keys_df, **kw)  # fmt: skip
        elif m.per_value:
            agg = _per_value(v, m.per_value, nums[i], col(f"den{i}"), keys_df, kw)
        elif m.kind == "ratio":
            agg = Agg("ratio", num=col(f"num{i}"), den=col(f"den{i}"), keys=keys_df, **kw)
            agg.cluster = clusters.get(i)
        elif m.kind == "nps":
            agg = Agg("nps", num=None, den=col(f"den{i}"), pro=col(f"pro{i}"),
                      det=col(f"det{i}"), keys=keys_df, **kw)  # fmt: skip
        else:
            agg = Agg("mean", num=col(f"sum{i}"), den=col(f"den{i}"), sq=col(f"sq{i}"),
                      keys=keys_df, **kw)  # fmt: skip
            if i in timed:
                agg.duration_stats = _duration_stats(agg, central[i], samples[i], stats[i])
                if m.median_in_detail:
                    agg.detail = median_details(m.detail, agg.duration_stats[2])
        result[i] = agg
    return result


def _per_value(v, f: str, hit, totals: np.ndarray, keys_df: pd.DataFrame, kw: dict) -> Agg:
    """``Measure.per_value``: rows of ``hit`` counted per segment and known value of ``f``,
    each segment's rows by count descending then by the value (text order, as in memory)."""
    hit = hit & v[f].notnull()
    got = v.filter(hit).group_by([GROUP, f]).aggregate(_n=v[POSITION].count()).to_pandas()
    got["_t"] = got[f].astype(str)
    got = got.sort_values([GROUP, "_n", "_t"], ascending=[True, False, True], kind="stable")
    gi = got[GROUP].to_numpy(dtype=np.int64)
    vals = got[f].reset_index(drop=True)
    cats = sorted(vals.unique(), key=str)
    kw = {**kw, "extra": {**kw["extra"], f: pd.Series(pd.Categorical(vals, categories=cats))}}
    return Agg("ratio", num=got["_n"].to_numpy(dtype="float64"), den=totals[gi],
               keys=keys_df.iloc[gi].reset_index(drop=True), **kw)  # fmt: skip


def _grouped(v, keys, aggs) -> pd.DataFrame:
    """Aggregates per segment ``_g`` in segment order (one row when there are no keys); an
    aggregate asked twice (two KPIs counting the same agent-days) is computed once."""
    first: dict = {}
    same = {name: first.setdefault(expr.op(), name) for name, expr in aggs.items()}
    aggs = {name: expr for name, expr in aggs.items() if same[name] == name}
    if keys:
        spec = {k: v[k].arbitrary() for k in keys}
        out = v.group_by(GROUP).aggregate(**spec, **aggs).order_by(GROUP).to_pandas()
        if PERIOD_COLUMN in keys:
            out[PERIOD_COLUMN] = pd.to_datetime(out[PERIOD_COLUMN]).astype("datetime64[ns]")
    else:
        out = v.aggregate(**aggs).to_pandas()
    for name, kept in same.items():
        if kept != name:
            out[name] = out[kept]
    return out
