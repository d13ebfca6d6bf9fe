"""KPI declarations: *what* a KPI counts, independent of the engine that counts it.

A declared KPI's ``compute`` is ``declared(fn)``: ``fn(ctx, p)`` returns a ``Measure`` — the
table, the rows of the population (``den``), the rows or values counted (``num``, ``value``), the
kind of aggregate — built from small expressions over the table's fields:

- ``true(f)`` (a yes/no field is true; missing → false), ``known(f)`` (not missing),
  ``value(f)`` (a number; missing → missing), ``isin(f, values)`` (text compared
  case-insensitively), ``seconds(start, end)`` (end − start in seconds), ``elapsed(f, at_ns)``
  (seconds from ``f`` to a fixed instant), ``flag(name)`` (the
  recontact flags ``eligible`` / ``followed`` of ``kpis.recontact``), ``lit(x)``;
- combined with ``&``, ``|``, ``~`` (masks) and ``+ - * /``, ``< <= > >= ==`` (numbers; a
  comparison with a missing number is false), ``is_num(x)`` (the number is known),
  ``fill0(x)`` (missing → 0), ``where(cond, x)`` (x where cond, else missing), ``nonneg(x)``
  (x where ≥ 0, else missing).

Two executors read the same declaration: the in-memory one below (NumPy masks on the engine's
``View``, then ``ratio_agg``/``mean_agg``/``count_agg`` as before) and the relational one
(``kpis.relational``: the expressions compiled to Ibis, run by DuckDB, Spark or any Ibis
backend, only aggregates brought back). ``ctx`` tells a declaration what the data has:
``ctx.has(f)``, ``ctx.by`` (segment fields), ``ctx.full_max(f)`` (maximum of a field over the
whole unfiltered table), ``ctx.last_time(f)`` (latest datetime of the whole table, ns since the
epoch), ``ctx.any(expr)`` (some filtered row satisfies ``expr``) and ``ctx.count(expr)`` (how
many filtered rows do).

A KPI of several tables returns a ``Combined``: sides (``Measure``, ``Distinct`` agent-months,
``InWindows`` counts per period window), each run with its own table's filters and segments,
and a ``join`` of their results on the segment keys (Python, shared by both executors);
``ctx.rows(table, fields)`` gives a small period table's filtered rows to build it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MEASURE_KINDS = ("ratio", "count", "mean", "nps", "sum", "per")


@dataclass(frozen=True, eq=False)
class Expr:
    """One node of a row expression: ``op`` and its arguments (fields, values or nodes)."""

    op: str
    args: tuple = ()

    # masks
    def __and__(self, other: Expr) -> Expr:
        return Expr("and", (self, other))

    def __or__(self, other: Expr) -> Expr:
        return Expr("or", (self, other))

    def __invert__(self) -> Expr:
        return Expr("not", (self,))

    # numbers
    def __add__(self, other) -> Expr:
        return Expr("add", (self, _wrap(other)))

    def __sub__(self, other) -> Expr:
        return Expr("sub", (self, _wrap(other)))

    def __mul__(self, other) -> Expr:
        return Expr("mul", (self, _wrap(other)))

    def __truediv__(self, other) -> Expr:
        return Expr("div", (self, _wrap(other)))

    def __lt__(self, other) -> Expr:
        return Expr("lt", (self, _wrap(other)))

    def __le__(self, other) -> Expr:
        return Expr("le", (self, _wrap(other)))

    def __gt__(self, other) -> Expr:
        return Expr("gt", (self, _wrap(other)))

    def __ge__(self, other) -> Expr:
        return Expr("ge", (self, _wrap(other)))

    def eq(self, other) -> Expr:
        return Expr("eq", (self, _wrap(other)))

    def fields(self) -> set[str]:
        """The table fields this expression reads."""
        out: set[str] = set()
        if self.op in ("true", "known", "value", "isin", "elapsed", "week_minute_in"):
            out.add(self.args[0])
        elif self.op in ("before", "after"):
            out.add(self.args[0])
        elif self.op == "after_period_end":
            out.update(self.args[:2])
        elif self.op == "seconds":
            out.update(self.args)
        for a in self.args:
            if isinstance(a, Expr):
                out |= a.fields()
        return out

    def flags(self) -> set[str]:
        """The recontact flags this expression reads."""
        out = {self.args[0]} if self.op == "flag" else set()
        for a in self.args:
            if isinstance(a, Expr):
                out |= a.flags()
        return out


def _wrap(x) -> Expr:
    return x if isinstance(x, Expr) else Expr("lit", (float(x),))


def true(f: str) -> Expr:
    """Rows where the yes/no field ``f`` is true (missing → false)."""
    return Expr("true", (f,))


def known(f: str) -> Expr:
    """Rows where ``f`` is not missing."""
    return Expr("known", (f,))


def value(f: str) -> Expr:
    """The number in ``f`` (missing → missing)."""
    return Expr("value", (f,))


def isin(f: str, values) -> Expr:
    """Rows whose ``f``, as text, is one of ``values`` (trimmed, case-insensitive)."""
    return Expr("isin", (f, tuple(sorted({str(x).strip().casefold() for x in values}))))


def seconds(start: str, end: str) -> Expr:
    """``end − start`` in seconds (two datetime fields; missing when either is)."""
    return Expr("seconds", (start, end))


def elapsed(f: str, at_ns: float) -> Expr:
    """Seconds from the datetime field ``f`` to the instant ``at_ns`` (ns since the epoch, as
    ``ctx.last_time`` gives it): ``(at − f) ÷ 10⁹``; missing when ``f`` is."""
    return Expr("elapsed", (f, float(at_ns)))


def before(f: str, at_ns: float) -> Expr:
    """Rows whose datetime ``f`` is at or before the instant ``at_ns`` (missing → false)."""
    return Expr("before", (f, float(at_ns)))


def after(f: str, at_ns: float) -> Expr:
    """Rows whose datetime ``f`` is after the instant ``at_ns`` (missing → false)."""
    return Expr("after", (f, float(at_ns)))


def after_period_end(f: str, time_field: str, period: str) -> Expr:
    """Rows whose datetime ``f`` is at or after the start of the period (``day``, ``week``,
    ``month``) following the one of ``time_field``: ``f`` still to come at that period's last
    instant (missing → false)."""
    return Expr("after_period_end", (f, time_field, period))


def week_minute_in(f: str, spans) -> Expr:
    """Rows whose datetime ``f`` falls, as minute of its week (Monday 00:00 = 0), in one of
    ``spans`` ``[(lo, hi), …]`` (lo inclusive, hi exclusive); missing → false."""
    return Expr("week_minute_in", (f, tuple((int(lo), int(hi)) for lo, hi in spans)))


def nonneg(x: Expr) -> Expr:
    """``x`` where it is ≥ 0, else missing (a resolution dated before its start)."""
    return Expr("nonneg", (x,))


def fill0(x: Expr) -> Expr:
    """``x`` with missing numbers counted 0."""
    return Expr("fill0", (x,))


def where(cond: Expr, x: Expr) -> Expr:
    """``x`` on rows where ``cond``, missing elsewhere."""
    return Expr("where", (cond, x))


def flag(name: str) -> Expr:
    """A recontact flag of the row: ``eligible`` or ``followed`` (``kpis.recontact``)."""
    if name not in ("eligible", "followed"):
        raise ValueError(f"unknown recontact flag {name!r}")
    return Expr("flag", (name,))


def is_num(x: Expr) -> Expr:
    """Rows where the number ``x`` is known."""
    return Expr("is_num", (x,))


def lit(x: bool | float) -> Expr:
    return Expr("lit", (x,))


ALL = lit(True)


@dataclass(frozen=True, eq=False)
class Measure:
    """What one KPI counts in one table.

    - ``ratio``: Σ(num ∧ den) ÷ Σden (×100), cluster-robust by customer when it has a
      ``customer_id``; ``distinct``: count distinct values of that field instead of rows
      (the per-customer recontact rate: customers with a ``num`` row ÷ customers with a ``den``
      row).
      ``per_value="motif"``: one row per segment and known motif x, num = Σ(num ∧ den ∧
      motif = x), den = Σden of the segment, most frequent first then by text (Pareto), the
      value in ``extra["motif"]``; no clustering.
    - ``count``: Σden (rows of the population); with ``pairs=(entity, time)``, distinct
      (entity, calendar day of time) among den rows with both known (agent-days).
    - ``sum``: Σ``value`` over den rows (missing counts 0), a count-like total.
    - ``per``: Σ(num ∧ den-free rows) ÷ distinct ``pairs`` among den rows, n = the numerator
      (contacts per agent-day).
    - ``mean``: mean of ``value`` over den rows where it is known (Σx, n, Σx²);
      ``durations``: skew-proof interval and median (``kpis.stats.durations``).
    - ``nps``: ``value`` the 0–10 score over den rows where known; promoters ≥ 9,
      detractors ≤ 6.
    """

    kind: str
    table: str
    den: Expr = ALL
    num: Expr | None = None
    value: Expr | None = None
    needs: tuple[str, ...] = ()
    durations: bool = False
    distinct: str | None = None
    recontact: dict | None = None  # {window_days, same_motif, exclude_censored}
    detail: str = ""
    empty: str = ""
    population: str = ""
    extra: dict = field(default_factory=dict)
    median_in_detail: bool = False  # durations: "; median 812 s" added to each segment's detail
    per_value: str | None = None  # ratio: one row per known value of this field (see below)
    pairs: tuple[str, str] | None = None  # count/per: distinct (entity, day of a datetime)

    def __post_init__(self) -> None:
        if self.kind not in MEASURE_KINDS:
            raise ValueError(f"measure kind {self.kind!r} not in {MEASURE_KINDS}")

    def fields(self) -> set[str]:
        """Every table field the measure reads."""
        out = set(self.needs) | ({self.per_value} if self.per_value else set())
        out |= set(self.pairs or ())
        for e in self.exprs():
            out |= e.fields()
        return out

    def exprs(self) -> list[Expr]:
        return [e for e in (self.den, self.num, self.value) if e is not None]


@dataclass(frozen=True, eq=False)
class Distinct:
    """The distinct (segment keys, ``entity``, start of the calendar ``unit`` of ``time``)
    among ``den`` rows with both known: a frame of rows (columns: the segment keys, ``_entity``,
    ``_unit``), not per-segment numbers (agent-months active in two tables)."""

    table: str
    den: Expr
    entity: str
    time: str
    unit: str = "month"

    def fields(self) -> set[str]:
        return self.den.fields() | {self.entity, self.time}


@dataclass(frozen=True, eq=False)
class InWindows:
    """``den`` rows counted per window: rows whose ``keys`` fields (as text, missing = "nan")
    equal the window's key and whose ``time`` lies in [start, end]; ``windows`` = ((key
    texts, start ns, end ns), …); one count per window, in that order."""

    table: str
    den: Expr
    time: str
    keys: tuple[str, ...]
    windows: tuple

    def fields(self) -> set[str]:
        return self.den.fields() | {self.time, *self.keys}


@dataclass(frozen=True, eq=False)
class Combined:
    """A KPI of several tables: each side (a ``Measure``: an ``Agg`` per segment; a
    ``Distinct``: a frame; an ``InWindows``: counts) runs with its own table's filters,
    borrowing and segments; ``join(results)`` then builds the ``Agg`` in Python on the segment
    keys. A side listed in ``optional`` whose table cannot be read gives None instead of
    stopping the KPI."""

    sides: tuple
    join: Callable[[list], Any]
    optional: tuple[int, ...] = ()


@dataclass
class Rows:
    """A small table's filtered rows (``frame``, file order), their segment numbers
    (``codes``) and the segments' keys (``keys``, one row per segment)."""

    frame: Any
    codes: np.ndarray
    keys: Any


def declared(fn: Callable[[Any, dict], Measure | None], fallback: Callable | None = None):
    """The engine's compute function for a declaration: the in-memory executor. A declaration
    returning None (a setting it cannot declare) is computed by ``fallback(env, p)`` in memory
    and said "computed in memory only" relationally; a ``Combined`` runs each side here then
    its join."""

    def compute(env, p):
        ctx = MemoryContext(env)
        m = fn(ctx, p)
        if m is None:
            if fallback is None:
                raise ValueError(f"{compute.__name__}: no measure and no fallback")
            return fallback(env, p)
        if isinstance(m, Combined):
            from kpis.combined import side_in_memory

            return m.join(run_sides(m, lambda _, s: side_in_memory(ctx, s, p)))
        return run_in_memory(ctx, m, p)

    compute.declaration = fn
    compute.fallback = fallback
    compute.__name__ = getattr(fn, "__name__", "declared")
    compute.__doc__ = fn.__doc__
    return compute


# In-memory executor -------------------------------------------------------------------------


class MemoryContext:
    """What a declaration may ask of the data, answered from the engine's views."""

    def __init__(self, env) -> None:
        self.env = env
        self.by = list(env.by)

    def table(self, name: str) -> bool:
        """Whether the table exists (with at least its columns)."""
        return self.env.table(name) is not None

    def columns(self, table: str) -> set[str]:
        from kpis.definitions._base import NotComputable

        try:
            return set(self.env.view(table).df.columns)
        except NotComputable:
            frame = self.env.table(table)
            return set() if frame is None else set(frame.columns)

    def has(self, table: str, f: str) -> bool:
        return f in self.columns(table)

    def note(self, table: str) -> str:
        return self.env.view(table).note

    def full_max(self, table: str, f: str) -> float:
        """Maximum of ``f`` over the whole (unfiltered) table; NaN when none is known."""
        x = self.env.table(table)[f].to_numpy("float64", na_value=np.nan)
        return float(np.nanmax(x)) if np.isfinite(x).any() else float("nan")

    def any(self, table: str, expr: Expr, p: dict | None = None) -> bool:
        v = self.env.view(table)
        return bool(np.any(evaluate(expr, v, self.env, p or {})))

    @property
    def period(self) -> str | None:
        """The period of the breakdown (``day``, ``week``, ``month``) or None."""
        return self.env.period

    def count(self, table: str, expr: Expr, p: dict | None = None) -> int:
        """Rows of the filtered table satisfying the mask ``expr``."""
        v = self.env.view(table)
        return int(np.count_nonzero(evaluate(expr, v, self.env, p or {})))

    def last_time(self, table: str, f: str) -> float:
        """Latest value of the datetime field ``f`` over the whole (unfiltered) table, in ns
        since the epoch; NaN when none is known."""
        import pandas as pd

        at = self.env.table(table)[f].max()
        return float(pd.Timestamp(at).value) if pd.notna(at) else float("nan")

    def rows(self, table: str, fields) -> Rows:
        """A small (period) table's filtered rows of ``fields``, segment numbers and keys."""
        v = self.env.view(table, tuple(fields))
        frame = v.df[list(fields)].reset_index(drop=True)
        return Rows(frame, v.seg.codes, v.seg.groups.reset_index(drop=True))


def run_sides(c: Combined, run: Callable) -> list:
    """Each side's result by ``run(j, side)`` in order; an optional side not readable → None."""
    from kpis.definitions._base import NotComputable

    out = []
    for j, side in enumerate(c.sides):
        try:
            out.append(run(j, side))
        except NotComputable:
            if j not in c.optional:
                raise
            out.append(None)
    return out


def evaluate(expr: Expr, v, env, p) -> np.ndarray:
    """The expression on a view's rows: bool masks, float64 numbers (NaN = missing)."""
    op, a = expr.op, expr.args
    if op == "true":
        return v.true(a[0])
    if op == "known":
        return v.known(a[0])
    if op == "value":
        return v.values(a[0])
    if op == "isin":
        from kpis.definitions._base import in_values

        return v.memo(("isin", a), lambda: in_values(v.df[a[0]], a[1]))
    if op == "seconds":  # memoised: a duration is often read by both den and num
        return v.memo(("seconds", a), lambda: (v.values(a[1]) - v.values(a[0])) / 1e9)
    if op == "elapsed":
        return (a[1] - v.values(a[0])) / 1e9
    if op == "before":
        return v.values(a[0]) <= a[1]
    if op == "after":
        return v.values(a[0]) > a[1]
    if op == "after_period_end":
        return _after_period_end(v.df[a[0]], v.df[a[1]], a[2])
    if op == "week_minute_in":
        return v.memo(("week_minute_in", a), lambda: _week_minute_in(v.df[a[0]], a[1]))
    if op == "flag":
        return env.recontact(p["_recontact"])[a[0]].to_numpy()
    if op == "lit":
        return np.full(len(v.df), a[0], dtype=bool if isinstance(a[0], bool) else "float64")
    if op == "nonneg":
        x = evaluate(a[0], v, env, p)
        return np.where(x >= 0, x, np.nan)
    if op == "fill0":
        x = evaluate(a[0], v, env, p)
        if x.dtype != np.float64 or np.isinf(x).any():  # ±inf → ±largest float, as always
            return np.nan_to_num(x, nan=0.0)
        return np.where(np.isnan(x), 0.0, x)  # one pass fewer than nan_to_num
    if op == "where":
        return np.where(evaluate(a[0], v, env, p), evaluate(a[1], v, env, p), np.nan)
    if op == "is_num":
        return ~np.isnan(evaluate(a[0], v, env, p))
    if op == "not":
        return ~evaluate(a[0], v, env, p)
    x, y = (evaluate(e, v, env, p) for e in a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _BINARY[op](x, y)


def _after_period_end(f, t, period: str) -> np.ndarray:
    """``after_period_end``: ``f`` ≥ start of the period after the one of ``t``."""
    from kpis.segments import period_start

    if period == "month":  # straight from the month (NaT stays NaT): two calendar casts fewer
        nxt = (t.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") + 1).astype(
            "datetime64[ns]"
        )
    else:
        nxt = period_start(t, period) + np.timedelta64(7 if period == "week" else 1, "D")
    x = f.to_numpy(dtype="datetime64[ns]")
    return ~np.isnat(x) & ~np.isnat(nxt) & (x >= nxt)


def _week_minute_in(t, spans) -> np.ndarray:
    """``week_minute_in`` through one lookup table over the week's 10 080 minutes."""
    x = t.to_numpy(dtype="datetime64[ns]")
    nat = np.isnat(x)
    week = np.zeros(7 * 1440, dtype=bool)
    for lo, hi in spans:
        week[lo:hi] = True
    # 1970-01-01 was a Thursday: minute 0 of the epoch is minute 3 × 1440 of its week
    minutes = x.view(np.int64) // 60_000_000_000
    return week[(minutes + 3 * 1440) % (7 * 1440)] & ~nat


_BINARY = {
    "and": np.logical_and,
    "or": np.logical_or,
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
}


def run_in_memory(ctx: MemoryContext, m: Measure, p: dict):
    """The measure on the engine's filtered, segmented view: an ``Agg`` of group sums."""
    from kpis.definitions._base import Agg, count_agg, mean_agg, ratio_agg
    from kpis.recontact import customer_codes

    env = ctx.env
    needed = m.fields()
    v = env.view(m.table, tuple(sorted(needed)))
    q = dict(p)
    if m.recontact is not None:
        q["_recontact"] = m.recontact
    kw = {"detail": m.detail, "empty": m.empty, "population": m.population, "extra": m.extra}
    den = evaluate(m.den, v, env, q)
    if m.kind == "count" and m.pairs:
        return Agg("count", num=distinct_day_pairs(v, m.pairs, den, repr(m.den)), keys=v.seg.groups,
                   **kw)  # fmt: skip
    if m.kind == "count":
        return count_agg(v, den, **kw)
    if m.kind == "per":
        num = v.seg.count(evaluate(m.num, v, env, q))
        days = distinct_day_pairs(v, m.pairs, den, repr(m.den))
        return Agg("per", num=num, den=days, n=num, keys=v.seg.groups, **kw)
    if m.kind == "sum":
        return Agg("count", num=v.seg.sum(evaluate(m.value, v, env, q), den),
                   keys=v.seg.groups, **kw)  # fmt: skip
    if m.kind == "ratio" and m.per_value:
        return per_value_agg(v, m.per_value, den & evaluate(m.num, v, env, q), den, kw)
    if m.kind == "ratio" and m.distinct:
        num = den & evaluate(m.num, v, env, q)
        codes = customer_codes(v.full) if m.distinct == "customer_id" else None
        if codes is None:
            raise ValueError("distinct counts only customer_id")
        if v.mask is not None:
            codes = codes[v.mask]
        d, n = v.seg.distinct_any(codes, den, num)
        return Agg("ratio", num=n, den=d, keys=v.seg.groups, **kw)
    if m.kind == "ratio":
        return ratio_agg(v, evaluate(m.num, v, env, q), den, **kw)
    x = evaluate(m.value, v, env, q)
    if m.kind == "mean":
        agg = mean_agg(v, x, den, durations=m.durations, **kw)
        if m.median_in_detail and agg.units is not None:
            # the intervals now: their medians (exact order statistics, the midpoint of the
            # two middle values for an even count) are the segments' medians for the detail
            from kpis import engine

            agg.duration_stats = engine._duration_intervals(agg.units, v.seg.ngroups)
            agg.units = None
            agg.detail = median_details(m.detail, agg.duration_stats[2])
        elif m.median_in_detail:
            import pandas as pd

            ok = den & ~np.isnan(x)
            med = pd.Series(x[ok]).groupby(v.seg.codes[ok]).median()
            med = med.reindex(range(v.seg.ngroups)).to_numpy()
            agg.detail = median_details(m.detail, np.asarray(med, dtype="float64"))
        return agg
    known_ = den & ~np.isnan(x)
    return Agg(
        "nps",
        num=None,
        den=v.seg.count(known_),
        pro=v.seg.count(known_ & (x >= 9)),
        det=v.seg.count(known_ & (x <= 6)),
        keys=v.seg.groups,
        **kw,
    )


def distinct_day_pairs(v, pairs: tuple[str, str], mask: np.ndarray, key: str) -> np.ndarray:
    """Per segment: distinct (entity, calendar day of time) among mask rows with both known
    (memoised on the view per declaration of the mask)."""
    import pandas as pd

    ent, tf = pairs

    def make():
        ok = mask & v.known(ent) & v.known(tf)
        e = v.df[ent]
        if isinstance(e.dtype, pd.CategoricalDtype):
            codes, n = e.cat.codes.to_numpy().astype(np.int64), len(e.cat.categories)
        else:
            codes, uniq = pd.factorize(e)
            codes, n = codes.astype(np.int64), len(uniq)
        day = v.df[tf].to_numpy("datetime64[ns]").astype("datetime64[D]").view(np.int64)
        d0 = int(day[ok].min()) if ok.any() else 0
        entity = np.where(ok, (day - d0) * max(n, 1) + codes, 0)
        return v.seg.count_distinct(entity, ok)

    return v.memo(("day_pairs", pairs, key), make).copy()


def per_value_agg(v, f: str, hit: np.ndarray, den: np.ndarray, kw: dict):
    """Per segment and known value x of ``f``: Σ(hit ∧ f = x) ÷ Σden, rows of a segment by
    count descending then by the value's text."""
    import pandas as pd

    from kpis.definitions._base import Agg

    col = v.df[f]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, cats = col.cat.codes.to_numpy().astype(np.int64), col.cat.categories
    else:
        codes, uniq = pd.factorize(col, sort=True)
        codes, cats = codes.astype(np.int64), pd.Index(uniq)
    text_rank = np.argsort(np.argsort(np.asarray(cats.astype(str), dtype=object), kind="stable"))
    hit = hit & (codes >= 0)
    totals = v.seg.count(den)
    k = max(len(cats), 1)
    counts = np.bincount(v.seg.codes[hit] * k + codes[hit], minlength=v.seg.ngroups * k)
    nz = np.flatnonzero(counts)
    gi, mi = nz // k, nz % k
    order = np.lexsort((text_rank[mi] if len(cats) else mi, -counts[nz], gi))
    keys = v.seg.groups.iloc[gi[order]].reset_index(drop=True)
    vals = pd.Series(pd.Categorical.from_codes(mi[order], categories=cats))
    kw = {**kw, "extra": {**kw["extra"], f: vals}}
    return Agg("ratio", num=counts[nz][order].astype(float), den=totals[gi][order], keys=keys, **kw)


def median_details(detail: str, medians: np.ndarray) -> np.ndarray:
    """One detail per segment: ``detail`` and, where known, "; median 812 s"."""
    return np.array(
        [detail + ("" if np.isnan(m) else f"; median {m:.0f} s") for m in medians], dtype=object
    )
