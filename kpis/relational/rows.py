"""Rows fetched from a relational source, bounded: what the interpretation rules that read rows
(and the report's views) get when the data lives in a base.

``rows_query(source, name, filters)`` is a canonical table filtered in the engine as
``kpis.filters.filter_rows`` filters in memory (value filters, date ranges on the table's own
time field, surveys and evaluations borrowing a field from the first contact row of their
``contact_id``), with the filter fields the table cannot take; ``count`` counts its rows (one
COUNT query); ``fetch`` brings back only the asked columns, in file order (``_pos``), with the
canonical pandas types of the in-memory import (categories over the whole table's values,
nullable booleans, ``datetime64[ns]``). Nothing is fetched beyond ``MAX_ROWS`` rows: the caller
counts first and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpis.filters import BORROWING_TABLES, is_date_range, time_field
from kpis.relational.executor import _borrow, _range, _values
from kpis.relational.source import POSITION, Source

MAX_ROWS = 5_000_000  # rows a rule (or a report view) may bring out of the base


def beyond_bound(counts: Mapping[str, int], bound: int, lang: str) -> str:
    """Which tables hold too many rows to leave the base, in words: « Contacts » (30 064
    lignes), more than the bound."""
    from kpis import format as fmt
    from kpis.labels import table_label

    word = "lignes" if lang == "fr" else "rows"
    parts = ", ".join(
        (f"« {table_label(k, lang)} »" if lang == "fr" else f"'{table_label(k, lang)}'")
        + f" ({fmt.integer(n, lang)} {word})"
        for k, n in counts.items()
    )
    m = fmt.integer(bound, lang)
    if lang == "fr":
        return f"{parts} : plus que la limite de {m} lignes lues hors de la base"
    return f"{parts}: more than the bound of {m} rows read out of the base"


@dataclass
class RowsQuery:
    """One table filtered in the engine: ``expr`` (Ibis), ``missing`` (filter fields the table
    lacks, even borrowed: not applied, as ``FilteredRows.missing``), ``borrowed``."""

    table: str
    expr: Any
    missing: list[str] = field(default_factory=list)
    borrowed: list[str] = field(default_factory=list)


def rows_query(source: Source, name: str, filters: Mapping[str, Any] | None, t=None) -> RowsQuery:
    """``name`` filtered by ``filters`` in the engine (``t``: the table expression to filter,
    by default ``source.table(name)``; e.g. contacts with their recontact flags)."""
    filters = dict(filters or {})
    t = source.table(name) if t is None else t
    own = set(t.columns)
    wanted = [k for k, v in filters.items() if not is_date_range(k, v) and k not in own]
    borrowed: list[str] = []
    if wanted and name in BORROWING_TABLES and source.has("contacts") and "contact_id" in own:
        contacts = source.table("contacts")
        if "contact_id" in contacts.columns:
            borrowed = [f for f in dict.fromkeys(wanted) if f in contacts.columns]
            if borrowed:
                t = _borrow(t, contacts, borrowed)
    tf = time_field(name)
    cond, missing = None, []
    for k, val in filters.items():
        if is_date_range(k, val):
            if tf not in t.columns:
                missing.append(tf)
                continue
            m = _range(t[tf], *val)
        elif k not in t.columns:
            missing.append(k)
            continue
        else:
            m = _values(t[k], val)
        cond = m if cond is None else cond & m
    if cond is not None:
        t = t.filter(cond)
    return RowsQuery(name, t, list(dict.fromkeys(missing)), borrowed)


def count(expr) -> int:
    """Rows of an Ibis table expression (one COUNT query)."""
    n = expr.count().execute()
    return 0 if n is None or pd.isna(n) else int(n)


def fetch(
    source: Source, name: str, expr, columns: Sequence[str], categories: bool = True
) -> pd.DataFrame:
    """``columns`` of ``expr`` (rows of canonical table ``name``) in file order, with the
    canonical pandas types; category fields take the categories of the whole table (one
    DISTINCT query each), as the in-memory import does."""
    cols = [c for c in dict.fromkeys(columns) if c in expr.columns and c != POSITION]
    order = [POSITION] if POSITION in expr.columns else []
    frame = expr.select(*cols, *order).order_by(order).to_pandas() if order else None
    if frame is None:
        frame = expr.select(*cols).to_pandas()
    frame = frame.drop(columns=order).reset_index(drop=True)
    return canonical(source, name, frame, categories)


def canonical(source: Source, name: str, frame: pd.DataFrame, categories: bool = True):
    """A fetched frame with the in-memory import's types (``kpis.schema`` kinds)."""
    from kpis.schema import TABLES

    kinds = {f.name: f.kind for f in TABLES[name].fields} if name in TABLES else {}
    for col in frame.columns:
        s, kind = frame[col], kinds.get(col)
        if pd.api.types.is_datetime64_any_dtype(s.dtype) or kind == "datetime":
            frame[col] = pd.to_datetime(s).astype("datetime64[ns]")
        elif kind == "bool" or pd.api.types.is_bool_dtype(s.dtype):
            frame[col] = s.astype("boolean")
        elif kind == "category" and categories:
            cats = _categories(source, name, col)
            frame[col] = pd.Categorical(s.astype(object).where(s.notna(), None), categories=cats)
        elif kind in ("duration", "score", "number") or col.startswith("item:"):
            frame[col] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif kind == "id" and pd.api.types.is_integer_dtype(s.dtype):
            frame[col] = s.astype("Int64")
        elif kind == "id" and pd.api.types.is_float_dtype(s.dtype):
            frame[col] = s.astype("Int64") if (s.dropna() % 1 == 0).all() else s
    return frame


def _categories(source: Source, name: str, col: str) -> list:
    """The sorted distinct known values of a category field over the whole table."""
    t = source.table(name)
    got = t.select(col).distinct().to_pandas()[col].dropna()
    return sorted(got.astype(str).unique())
