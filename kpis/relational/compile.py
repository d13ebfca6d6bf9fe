"""Declaration expressions (``kpis.declare.Expr``) compiled to Ibis column expressions.

Masks compile to non-null booleans (a yes/no field held as numbers: any non-zero is yes, missing
is no) (a comparison with a missing number is false, as in NumPy, so
``~`` means the same on both executors); numbers compile to float64 with NULL for missing.
"""

from __future__ import annotations

import ibis
import pandas as pd

from kpis.declare import Expr
from kpis.relational.source import POSITION

_TRUNC = {"day": "D", "week": "W", "month": "M"}
TRUE_TEXT = ("true", "1", "oui", "yes", "y", "o", "vrai")


def mask(expr: Expr, t) -> ibis.expr.types.BooleanValue:
    """A non-null boolean column."""
    return _compile(expr, t).fill_null(False)


def number(expr: Expr, t) -> ibis.expr.types.FloatingValue:
    return _compile(expr, t)


def _true(col):
    dtype = col.type()
    if dtype.is_boolean():
        return col.fill_null(False)
    if dtype.is_floating():  # any non-zero number is yes (NaN, like null, is no)
        return ((col != 0) & ~col.isnan()).fill_null(False)
    if dtype.is_numeric():  # any non-zero code is yes, as the in-memory cast to boolean
        return (col != 0).fill_null(False)
    return col.cast("string").strip().lower().isin(TRUE_TEXT).fill_null(False)


def _compile(expr: Expr, t):
    op, a = expr.op, expr.args
    if op == "true":
        return _true(t[a[0]])
    if op == "known":
        return t[a[0]].notnull()
    if op == "value":
        col = t[a[0]]
        if col.type().is_boolean():
            return col.cast("int8").cast("float64")
        return col.cast("float64")
    if op == "isin":
        col = t[a[0]]
        text = col.cast("string") if not col.type().is_string() else col
        return text.strip().lower().isin(list(a[1])).fill_null(False)
    if op == "seconds":
        start, end = t[a[0]], t[a[1]]
        return end.delta(start, unit="millisecond").cast("float64") / 1000.0
    if op == "elapsed":
        at = pd.Timestamp(int(a[1])).to_pydatetime()
        return ibis.literal(at).delta(t[a[0]], unit="millisecond").cast("float64") / 1000.0
    if op in ("before", "after"):
        at = pd.Timestamp(int(a[1])).to_pydatetime()
        col = t[a[0]]
        return ((col <= at) if op == "before" else (col > at)).fill_null(False)
    if op == "after_period_end":
        start = t[a[1]].truncate(_TRUNC[a[2]])
        if a[2] == "month":  # 32 days after a month's start lies in the next month
            nxt = (start + ibis.interval(days=32)).truncate("M")
        else:
            nxt = start + ibis.interval(days=7 if a[2] == "week" else 1)
        return (t[a[0]] >= nxt).fill_null(False)
    if op == "week_minute_in":
        col = t[a[0]]
        wm = col.day_of_week.index().cast("int64") * 1440 + col.hour() * 60 + col.minute()
        inside = ibis.literal(False)
        for lo, hi in a[1]:
            inside = inside | ((wm >= lo) & (wm < hi))
        return inside.fill_null(False)
    if op == "flag":
        return t[f"_flag_{a[0]}"]
    if op == "lit" and isinstance(a[0], bool):  # a column, so that it can be summed
        return t[POSITION].notnull() if a[0] else t[POSITION].isnull()
    if op == "lit":
        return ibis.literal(a[0], type="float64")
    if op == "nonneg":
        x = _compile(a[0], t)
        return ibis.ifelse(x >= 0, x, ibis.null("float64"))
    if op == "fill0":
        return _compile(a[0], t).fill_null(0.0)
    if op == "where":
        return ibis.ifelse(mask(a[0], t), _compile(a[1], t), ibis.null("float64"))
    if op == "is_num":
        return _compile(a[0], t).notnull()
    if op == "not":
        return ~mask(a[0], t)
    if op in ("and", "or"):
        x, y = mask(a[0], t), mask(a[1], t)
        return (x & y) if op == "and" else (x | y)
    x, y = _compile(a[0], t), _compile(a[1], t)
    if op in _CMP:
        return _CMP[op](x, y).fill_null(False)
    return _ARITH[op](x, y)


_CMP = {
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
    "eq": lambda x, y: x == y,
}
_ARITH = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
}
