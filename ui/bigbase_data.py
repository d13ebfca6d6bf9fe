"""What the large-base page reads from the base besides the KPIs, and what it hands back:

- ``base_values``: the sidebar's filter values read from the base (distinct values of each
  filter field, one bounded query per table and field through ``Source.table``);
- ``base_bounds``: first and last day of the row tables' time fields;
- ``sidebar_values``: the sidebar's (values, date bounds) on this page — the base's when no file
  is imported, the imported files' and the base's together otherwise;
- ``spark_unavailable``: why « Spark (local) » is not offered (pyspark or Java absent), or None;
- ``export_frame``: the result table for the CSV download, numbers kept as numbers, headers
  and text cells in the page's language (``kpis.deliverables.words``).

No Streamlit here except ``sidebar_values`` (which reads the session's chosen source).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pandas as pd

from kpis.labels import detail_text
from kpis.populations import population_text
from kpis.segments import PERIOD_COLUMN

MAX_VALUES = 500  # values offered per filter field (an agent list beyond that is cut)
EXPORT_COLUMNS = (
    "value",
    "unit",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "n",
    "population",
    "status",
    "detail",
)


# ---------------------------------------------------------------- values read from the base


def base_values(source, fields, limit: int = MAX_VALUES) -> dict[str, list[str]]:
    """{field: sorted distinct non-empty values as text} over every table of ``source`` that
    holds the field (``SELECT DISTINCT CAST(f AS VARCHAR) … ORDER BY 1 LIMIT limit`` per table),
    at most ``limit`` values per field; a field no table holds gets []."""
    out: dict[str, list[str]] = {}
    for f in fields:
        got: set[str] = set()
        for name in source.tables:
            if f not in source.columns(name):
                continue
            t = source.table(name)
            q = t.select(v=t[f].cast("string"))
            q = q.filter(q.v.notnull() & (q.v != "")).distinct().order_by("v").limit(int(limit))
            got.update(str(v) for v in q.to_pandas()["v"])
        out[f] = sorted(got)[:limit]
    return out


def base_bounds(source, time_fields: dict[str, str]):
    """(first day, last day) over the tables of ``time_fields`` ({table: time field}) that the
    source holds, or None."""
    lows, highs = [], []
    for name, tf in time_fields.items():
        if not source.has(name) or tf not in source.columns(name):
            continue
        col = source.table(name)[tf]
        lo, hi = col.min().execute(), col.max().execute()
        if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
            continue
        lows.append(pd.Timestamp(lo).date())
        highs.append(pd.Timestamp(hi).date())
    return (min(lows), max(highs)) if lows else None


def merged(files: tuple[dict, tuple | None], base: tuple[dict, tuple | None], only_base: bool):
    """The sidebar's (values, bounds): the base's alone when ``only_base`` (no imported file),
    else the union of the values and the hull of the date bounds."""
    if only_base:
        return base
    (fv, fb), (bv, bb) = files, base
    values = {f: sorted(set(fv.get(f, [])) | set(bv.get(f, []))) for f in {*fv, *bv}}
    bounds = [b for b in (fb, bb) if b]
    hull = (min(b[0] for b in bounds), max(b[1] for b in bounds)) if bounds else None
    return values, hull


def _stamp(engine: str) -> float | None:
    """What changes when a DuckDB base is rewritten (its file's modification time)."""
    from kpis.relational.connect import duckdb_path

    path = duckdb_path(engine)
    try:
        return Path(path).stat().st_mtime if path else None
    except OSError:
        return None


def sidebar_values(data, options: dict, bounds):
    """``ui.state.setup``'s hook on this page: the filter values and date bounds of the chosen
    base (read once per source and file version, kept in the session), merged with the imported
    files' (see ``merged``); the files' alone when no base is open or it cannot be read."""
    import streamlit as st

    from ui.bigbase import chosen_engine
    from ui.state import FILTER_FIELDS, TIME_FIELDS

    engine = chosen_engine()
    if engine is None or (engine == "spark" and not spark_tables()):
        return options, bounds
    key = (engine, _stamp(engine))
    memo = st.session_state.get("bb_sidebar")
    if memo is None or memo[0] != key:
        got = None
        try:
            from kpis.relational.connect import connect

            source = connect(engine)
            try:
                got = (base_values(source, FILTER_FIELDS), base_bounds(source, TIME_FIELDS))
            finally:
                done = getattr(source.con, "disconnect", None)
                if done is not None:
                    done()
        except Exception:  # noqa: BLE001 - the page says why the source cannot be read
            got = None
        memo = (key, got)
        st.session_state["bb_sidebar"] = memo
    if memo[1] is None:
        return options, bounds
    return merged((options, bounds), memo[1], only_base=data.kind != "user")


# ---------------------------------------------------------------- Spark


def java_present() -> bool:
    """A ``java`` on the PATH or under ``JAVA_HOME``."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def pyspark_present() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def spark_tables() -> list[str]:
    """The canonical tables (``kpis.schema.TABLES``) the local Spark session's catalogue holds
    (starts the session: about twenty seconds the first time)."""
    from kpis.relational.source import spark_session
    from kpis.schema import TABLES

    names = {t.name for t in spark_session().catalog.listTables()}
    return [t for t in TABLES if t in names]


def spark_unavailable() -> tuple[str, str] | None:
    """(French, English) reason why a local Spark session cannot start here, or None."""
    if not pyspark_present():
        return "Spark indisponible : pyspark absent", "Spark unavailable: pyspark not installed"
    if not java_present():
        return "Spark indisponible : Java absent", "Spark unavailable: Java not found"
    return None


# ---------------------------------------------------------------- the download


def export_frame(result: pd.DataFrame, by: list[str], period: str | None, lang: str):
    """The result table for the CSV: KPI name, segments (values in words), period (first day),
    value, unit, numerator, denominator, 95 % interval bounds, n, population, status and the
    reason when not computed. Numbers stay numbers (the CSV writes them with a dot);
    headers through ``kpis.deliverables.words.header``."""
    from kpis.deliverables.words import cell_word, header
    from ui.bigbase import status_text

    rows = []
    for r in result.to_dict("records"):
        n = r.get("n")
        has_n = n is not None and n == n
        detail = r.get("detail")
        row = {"kpi": cell_word("kpi", r["kpi"], lang)}
        for f in by:
            v = r.get(f)
            row[f] = cell_word(f, v, lang) if isinstance(v, str) else v
        if period:
            row[PERIOD_COLUMN] = pd.Timestamp(r.get(PERIOD_COLUMN)).date()
        row.update(
            value=r.get("value"),
            unit=cell_word("unit", str(r.get("unit") or ""), lang),
            numerator=_whole(r.get("numerator")),
            denominator=_whole(r.get("denominator")),
            ci_low=r.get("ci_low"),
            ci_high=r.get("ci_high"),
            n=int(n) if has_n else None,
            population=population_text(n, r.get("population_id"), lang) if has_n else "",
            status=status_text(r.get("status"), detail, lang),
            detail="" if r.get("status") == "ok" or not detail else _reason(detail, lang),
        )
        rows.append(row)
    cols = ["kpi", *by, *([PERIOD_COLUMN] if period else []), *EXPORT_COLUMNS]
    frame = pd.DataFrame(rows, columns=cols)
    frame.columns = [header(c, lang) for c in cols]
    return frame


def _reason(detail: str, lang: str) -> str:
    from kpis.relational.executor import NOT_DECLARED

    return "" if detail == NOT_DECLARED else detail_text(detail, lang)


def _whole(x):
    """A count as an integer (16323, not 16323.0); a fractional or missing one as it is."""
    if isinstance(x, float | int) and x == x and float(x).is_integer():
        return int(x)
    return x
