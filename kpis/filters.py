"""Row filtering: the one function every view uses to restrict a table by the global filters.

``filter_rows(frame, filters, table=..., contacts=...)`` returns which rows of one canonical table
pass ``filters`` (``{field: value or list}``), as a boolean mask, and which filter fields the
table lacks. The engine (``kpis.engine.Env``), the pages (``ui.state``), the notebook cells and the
cross-analyses all call it, so a filter means the same rows everywhere.

Rules
-----
- **Value filter** ``{field: value}`` or ``{field: [v1, v2, …]}`` (list, tuple, set): rows whose
  ``field`` equals one of the values. ``None`` / NaN among the values also selects rows where the
  field is missing; an empty list selects no row. A value also matches a cell whose text is the
  same (``"12"`` selects ``agent_id`` 12; the pages offer values as text).
- **Which tables**: a value filter applies to every table that has the field. Surveys and
  evaluations that lack it **borrow** it from contacts through ``contact_id`` (first contact row
  with that id; a row whose ``contact_id`` is unknown gets a missing value, so it passes only a
  filter that selects missing values). Other tables never borrow.
- **Date range** ``{key: (start, end)}``, ``key`` one of ``DATE_FILTER_KEYS`` (``"date"``,
  ``"period"`` or any table's time field such as ``"started_at"``) and the value a 2-tuple: applies
  to each table's **own** time field (``TIME_FIELDS``: contacts ``started_at``, surveys
  ``answered_at``, evaluations ``evaluated_at``, period tables ``period_start``):
  ``start ≤ t``; an ``end`` at midnight (a day) keeps that **whole day** (``t < end + 1 day``),
  an end with a time of day keeps ``t ≤ end``; ``None`` leaves that side open; rows without a time
  are out. A 2-element *list* is a value filter (JSON callers turn it into a tuple first).
- **Missing field**: a filter whose field the table lacks (after borrowing) — or a date range on a
  table without its time field — is *not applied* and is *reported* in ``FilteredRows.missing``.
  The caller decides: the engine makes the KPI ``not_computable``; the pages and the pre-filtered
  views skip that filter (and may say so).

The mask is computed once, without copying the table; ``FilteredRows.rows`` materialises the
selected rows only when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

TIME_FIELDS = {
    "contacts": "started_at",
    "surveys": "answered_at",
    "evaluations": "evaluated_at",
    "costs": "period_start",
    "hours": "period_start",
    "customer_base": "period_start",
    "headcount": "period_start",
}
DATE_FILTER_KEYS = frozenset(TIME_FIELDS.values()) | {"date", "period"}
BORROWING_TABLES = ("surveys", "evaluations")


def time_field(table: str) -> str:
    """The time field a date range applies to in ``table`` (``period_start`` when unknown)."""
    return TIME_FIELDS.get(table, "period_start")


def is_date_range(key: str, value: Any) -> bool:
    """Whether the filter ``{key: value}`` is a date range (else a value filter)."""
    return key in DATE_FILTER_KEYS and isinstance(value, tuple) and len(value) == 2


@dataclass
class FilteredRows:
    """The answer of ``filter_rows`` for one table.

    ``frame``: the table, plus the columns borrowed from contacts (a shallow copy then);
    ``mask``: rows that pass every applied filter (``None``: every row, nothing was applied);
    ``missing``: fields of filters that could not be applied (the table's time field for a date
    range), in filter order; ``borrowed``: fields taken from contacts through ``contact_id``.
    """

    table: str
    frame: pd.DataFrame
    mask: np.ndarray | None
    missing: list[str] = field(default_factory=list)
    borrowed: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every filter was applied."""
        return not self.missing

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The selected rows (the frame itself when nothing was filtered out)."""
        return self.frame if self.mask is None else self.frame[self.mask]

    @property
    def n(self) -> int:
        return len(self.frame) if self.mask is None else int(self.mask.sum())


def filter_rows(
    frame: pd.DataFrame,
    filters: Mapping[str, Any] | None,
    *,
    table: str = "contacts",
    contacts: pd.DataFrame | None = None,
    borrow: Iterable[str] = (),
) -> FilteredRows:
    """Rows of ``frame`` (canonical table ``table``) that pass ``filters`` — see the module
    docstring for the rules. ``contacts``: the whole contacts table, to borrow fields for surveys
    and evaluations; ``borrow``: more fields to borrow when absent (the engine's segment fields).
    A filter on a field the table lacks is reported in ``missing`` and not applied."""
    filters = dict(filters or {})
    tf = time_field(table)
    wanted = [*borrow, *(k for k, v in filters.items() if not is_date_range(k, v))]
    absent = [f for f in dict.fromkeys(wanted) if f not in frame.columns]
    borrowed: list[str] = []
    if absent:
        frame, borrowed = _borrow(table, frame, absent, contacts)
    mask = None
    missing = []
    for k, val in filters.items():
        if is_date_range(k, val):
            if tf not in frame.columns:
                missing.append(tf)
                continue
            m = _range_mask(frame[tf], *val)
        else:
            if k not in frame.columns:
                missing.append(k)
                continue
            m = _value_mask(frame[k], val)
        mask = m if mask is None else (mask & m)
    return FilteredRows(table, frame, mask, list(dict.fromkeys(missing)), borrowed)


def filter_tables(
    tables: Mapping[str, pd.DataFrame], filters: Mapping[str, Any] | None
) -> dict[str, pd.DataFrame]:
    """Every table restricted by ``filters`` (``filter_rows``), for views that take pre-filtered
    tables; a filter on a field a table lacks is skipped for that table (period tables keep
    their rows under a canal filter, but a date range still applies to their ``period_start``).
    Views that compute recontact flags must not use this: flags need the whole contacts table."""
    contacts = tables.get("contacts")
    return {
        name: filter_rows(df, filters, table=name, contacts=contacts).rows
        for name, df in tables.items()
        if df is not None
    }


# Masks ------------------------------------------------------------------------------------------


def _range_mask(t: pd.Series, lo, hi) -> np.ndarray:
    m = t.notna().to_numpy().copy()
    if lo is not None:
        m &= (t >= pd.Timestamp(lo)).to_numpy(dtype=bool, na_value=False)
    if hi is not None:
        hi = pd.Timestamp(hi)
        if hi == hi.normalize():
            m &= (t < hi + pd.Timedelta(days=1)).to_numpy(dtype=bool, na_value=False)
        else:
            m &= (t <= hi).to_numpy(dtype=bool, na_value=False)
    return m


def _is_na(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _value_mask(s: pd.Series, value) -> np.ndarray:
    values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    with_na = any(_is_na(v) for v in values)
    values = [v for v in values if not _is_na(v)]
    if not values:
        m = np.zeros(len(s), dtype=bool)
    elif isinstance(s.dtype, pd.CategoricalDtype):
        # match the (few) categories, then look each row's code up (code −1, missing, reads
        # the appended False): one gather, ~6× faster than Series.isin on 1M rows
        hit = np.append(_match(pd.Series(s.cat.categories), values), False)
        m = hit[s.cat.codes.to_numpy()]
    else:
        m = _match(s, values)
    if with_na:
        m = m | s.isna().to_numpy()
    return m


def _match(s: pd.Series, values: list) -> np.ndarray:
    """Cells equal to one of ``values``, or whose text equals one of them as text."""
    m = s.isin(values).to_numpy(dtype=bool, na_value=False)
    texts = [v for v in values if isinstance(v, str)]
    others = [str(v) for v in values if not isinstance(v, str)]
    textual = s.dtype == object or pd.api.types.is_string_dtype(s.dtype)
    if textual and others:
        m = m | s.isin(others).to_numpy(dtype=bool, na_value=False)
    elif texts and not textual and len(s):
        known = s.notna().to_numpy()
        m = m | (s.astype("str").isin(texts).to_numpy(dtype=bool, na_value=False) & known)
    return m


# Borrowing --------------------------------------------------------------------------------------

_POSITIONS: dict[tuple, tuple] = {}


def contact_positions(frame: pd.DataFrame, contacts: pd.DataFrame) -> np.ndarray:
    """Row position in contacts of each row's contact_id (first match; −1 when none), cached."""
    key = (id(frame), len(frame), id(contacts), len(contacts))
    hit = _POSITIONS.get(key)
    if hit is not None and hit[0] is frame and hit[1] is contacts:
        return hit[2]
    try:  # Arrow's hash lookup: ~10× faster than a pandas index on 5M text ids
        import pyarrow as pa
        import pyarrow.compute as pc

        # Hash the (few) distinct ids of the small table, then probe the big one: memory stays
        # proportional to the survey/evaluation ids, not to the 5M contacts.
        codes, uniq = pd.factorize(frame["contact_id"].astype("str"), use_na_sentinel=True)
        wanted = pa.array(pd.Series(uniq, dtype="str").array)
        probe = pa.array(contacts["contact_id"].astype("str").array).cast(wanted.type)
        hit = pc.index_in(probe, value_set=wanted, skip_nulls=True).fill_null(-1)
        hit = hit.to_numpy(zero_copy_only=False).astype(np.int64)
        rows = np.flatnonzero(hit >= 0)
        first = np.full(len(uniq), -1, dtype=np.int64)
        first[hit[rows][::-1]] = rows[::-1]  # last write wins: reversed → first contact row
        pos = np.where(codes >= 0, first[np.maximum(codes, 0)], -1)
    except (ImportError, TypeError, ValueError, NotImplementedError):
        ids = contacts["contact_id"]
        keep = ids.notna().to_numpy() & ~ids.duplicated().to_numpy()
        lookup = pd.Series(np.flatnonzero(keep), index=ids[keep].to_numpy())
        pos = lookup.reindex(frame["contact_id"].to_numpy()).fillna(-1).to_numpy(np.int64)
    if len(_POSITIONS) >= 4:
        _POSITIONS.pop(next(iter(_POSITIONS)))
    _POSITIONS[key] = (frame, contacts, pos)
    return pos


def _borrow(table, frame, fields, contacts) -> tuple[pd.DataFrame, list[str]]:
    """Copy fields missing from surveys/evaluations from contacts (through contact_id)."""
    if (
        table not in BORROWING_TABLES
        or contacts is None
        or "contact_id" not in frame.columns
        or "contact_id" not in contacts.columns
    ):
        return frame, []
    got = [f for f in fields if f in contacts.columns]
    if not got:
        return frame, []
    pos = contact_positions(frame, contacts)
    frame = frame.copy(deep=False)  # copy-on-write: only the added columns are new
    for f in got:
        frame[f] = pd.api.extensions.take(contacts[f].array, pos, allow_fill=True)
    return frame, got
