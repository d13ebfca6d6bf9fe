"""KPIs of several tables (``kpis.declare.Combined``) on the relational executor.

Each side runs with its own table's filters, borrowing and segment numbering: a ``Measure``
side joins the ordinary batch of its table (one query with the other KPIs of that table), a
``Distinct`` side is one ``SELECT DISTINCT`` of (segment keys, entity, month), an
``InWindows`` side one range join of the rows with the windows (a small in-memory table) and a
count per window. Only those aggregates come back; the declaration's ``join`` then builds the
result in Python on the segment keys, the same code as in memory. ``rows`` brings back a small
period table (costs) filtered and segmented, as the period tables are.
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd

from kpis.declare import Combined, Distinct, InWindows, Measure, Rows, run_sides
from kpis.definitions._base import NotComputable
from kpis.relational.compile import mask
from kpis.relational.source import POSITION
from kpis.segments import PERIOD_COLUMN

GROUP = "_g"
MAX_ROWS = 1_000_000  # a period table brought back whole (as ``executor._fetch``)


def measure_sides(combined: dict[int, Combined]) -> dict[tuple, Measure]:
    """The ``Measure`` sides of the planned KPIs, keyed (KPI index, side index)."""
    return {
        (i, j): s
        for i, c in combined.items()
        for j, s in enumerate(c.sides)
        if isinstance(s, Measure)
    }


def finish(rel, combined: dict[int, Combined], done: dict) -> dict[int, Any]:
    """Per planned KPI: its ``Agg`` (the join of its sides) or the ``NotComputable`` of the
    first side that stops it. ``done`` holds the batch results of the ``Measure`` sides."""

    def run(i):
        def side(j, s):
            if isinstance(s, Measure):
                got = done.pop((i, j))
                if isinstance(got, NotComputable):
                    raise got
                return got
            return distinct(rel, s) if isinstance(s, Distinct) else windows(rel, s)

        return combined[i].join(run_sides(combined[i], side))

    out: dict[int, Any] = {}
    for i in combined:
        try:
            out[i] = run(i)
        except NotComputable as err:
            out[i] = err
    return out


def rows(rel, table: str, fields) -> Rows:
    """The filtered rows of a small table with their segment numbers and keys (file order)."""
    v, keys = rel.view(table, tuple(fields), None)
    cols = [GROUP, *keys, *(f for f in fields if f not in keys)]
    got = v.order_by(v[POSITION]).select(*cols).limit(MAX_ROWS + 1).to_pandas()
    if len(got) > MAX_ROWS:
        raise ValueError(f"period table {table} holds too many rows for a period table")
    _timestamps(got)
    codes = got[GROUP].to_numpy(dtype=np.int64)
    if keys:
        seg = got.drop_duplicates(GROUP).sort_values(GROUP)[keys].reset_index(drop=True)
    else:
        seg = pd.DataFrame(index=pd.RangeIndex(1))
    return Rows(got[list(fields)].reset_index(drop=True), codes, seg)


def distinct(rel, d: Distinct) -> pd.DataFrame:
    """``Distinct``: one SELECT DISTINCT of (segment keys, entity, start of the unit)."""
    v, keys = rel.view(d.table, (d.entity, d.time), None)
    ok = mask(d.den, v) & v[d.entity].notnull() & v[d.time].notnull()
    unit = {"month": "M", "day": "D"}[d.unit]
    sel = v.filter(ok).select(*keys, _entity=v[d.entity], _unit=v[d.time].truncate(unit))
    got = sel.distinct().to_pandas()
    _timestamps(got)
    return got


def windows(rel, w: InWindows) -> np.ndarray:
    """``InWindows``: the rows joined with the windows on the key texts and the time range,
    counted per window."""
    out = np.zeros(len(w.windows))
    if not w.windows:
        return out
    v, _ = rel.view(w.table, (w.time, *w.keys), None)
    ok = mask(w.den, v) & v[w.time].notnull()
    texts = {
        f"_k{j}": v[f].cast("string").fill_null(ibis.literal("nan")) for j, f in enumerate(w.keys)
    }
    left = v.filter(ok).select(_t=v[w.time], **texts)
    # times held to the microsecond by the engines: start rounded up, end down (same rows)
    spec = pd.DataFrame(
        {
            "_w": np.arange(len(w.windows), dtype=np.int64),
            "_lo": pd.to_datetime([-(-lo // 1000) * 1000 for _, lo, _ in w.windows]),
            "_hi": pd.to_datetime([hi // 1000 * 1000 for _, _, hi in w.windows]),
            **{f"_c{j}": [k[j] for k, _, _ in w.windows] for j in range(len(w.keys))},
        }
    )
    right = ibis.memtable(spec)
    backend = v.get_backend()
    if backend.name == "pyspark":
        right = backend.create_view("_pilote_windows", right, overwrite=True)
    cond = [left._t >= right._lo, left._t <= right._hi]
    cond += [left[f"_k{j}"] == right[f"_c{j}"] for j in range(len(w.keys))]
    got = left.join(right, cond).group_by("_w").aggregate(_n=left._t.count()).to_pandas()
    out[got["_w"].to_numpy(dtype=np.int64)] = got["_n"].to_numpy(dtype="float64")
    return out


def _timestamps(frame: pd.DataFrame) -> None:
    for col in frame.columns:
        if col in (PERIOD_COLUMN, "_unit") or pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
