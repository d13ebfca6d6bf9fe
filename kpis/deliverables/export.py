"""THE export path for every download: ``csv_bytes`` and ``xlsx_bytes``.

Pages (Explorer table and drill-down, the import's set-aside rows) and ``pilote compute --format
csv`` all write through here, so every text cell and header is cleaned and neutralised by
``safe_cell_text`` (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``), while numbers stay numbers and dates
stay dates: real numeric / date cells in the XLSX, plain numbers in the CSV.

CSV: ``;`` separator, ``.`` decimal mark and a UTF-8 BOM (``utf-8-sig``), as the pages always
wrote it (Excel in French opens it in columns); the CLI asks for ``,`` and no BOM on stdout.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpis.deliverables.text import clean_text, is_nan, safe_cell_text

XL_DATE = "yyyy-mm-dd"
XL_DATETIME = "yyyy-mm-dd hh:mm"
XL_MAX_SHEET = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def _is_plain(v: Any) -> bool:
    """Values a CSV or XLSX keeps as they are: numbers, booleans, dates, timestamps."""
    return isinstance(
        v, (bool, int, float, np.bool_, np.integer, np.floating, dt.date, pd.Timestamp)
    )


def safe_value(v: Any) -> Any:
    """One cell's value: missing → None, numbers / booleans / dates unchanged, the rest as safe
    text."""
    if is_nan(v):
        return None
    if _is_plain(v):
        return v
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v)
    if isinstance(v, pd.Timedelta):
        return v.total_seconds()
    return safe_cell_text(v)


def safe_column(col: pd.Series) -> pd.Series:
    """A column with every text value neutralised; numeric, boolean and date columns as they are.

    Text columns are treated per distinct value (a 1-million-row export with 40 motifs cleans
    40 strings)."""
    if (
        pd.api.types.is_numeric_dtype(col.dtype)
        or pd.api.types.is_bool_dtype(col.dtype)
        or pd.api.types.is_datetime64_any_dtype(col.dtype)
    ):
        return col
    if pd.api.types.is_timedelta64_dtype(col.dtype):
        return col.dt.total_seconds()
    try:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): one by one
        return col.map(safe_value).astype(object)
    safe = [safe_cell_text(u) if type(u) is str else safe_value(u) for u in uniques]
    safe = np.array([*safe, None], dtype=object)
    return pd.Series(safe[np.where(codes < 0, len(uniques), codes)], index=col.index, dtype=object)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with safe headers and text cells (see ``safe_column``)."""
    out = pd.DataFrame({i: safe_column(df.iloc[:, i]) for i in range(df.shape[1])})
    out.columns = [safe_cell_text(c) for c in df.columns]
    out.index = df.index
    return out


def csv_bytes(df: pd.DataFrame, lang: str = "fr", *, sep: str = ";", bom: bool = True) -> bytes:
    """CSV of ``df`` (no index) with neutralised text; ``;`` and UTF-8 with BOM by default.

    ``lang`` is accepted for symmetry with ``xlsx_bytes``; the CSV's format does not depend on it.
    """
    del lang
    text = safe_frame(df).to_csv(index=False, sep=sep, lineterminator="\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


# XLSX -------------------------------------------------------------------------------------------


def put_cell(ws, row: int, col: int, value: Any, number_format: str | None = None, bold=False):
    """Write one openpyxl cell: text cleaned and neutralised (and typed "s", never a formula),
    numbers as numbers, dates as dates; ``number_format`` applies to numbers and dates."""
    if is_nan(value):
        value = None
    elif isinstance(value, (bool, np.bool_)):
        value = bool(value)
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, (float, np.floating)):
        value = float(value) if math.isfinite(float(value)) else None
    elif isinstance(value, (pd.Timestamp, np.datetime64, dt.datetime)):
        ts = pd.Timestamp(value)
        ts = ts.tz_localize(None) if ts.tzinfo is not None else ts
        value = ts.to_pydatetime()
        number_format = number_format or (XL_DATE if ts == ts.normalize() else XL_DATETIME)
    elif isinstance(value, dt.date):
        number_format = number_format or XL_DATE
    elif isinstance(value, pd.Timedelta):
        value = value.total_seconds()
    elif not isinstance(value, int):
        value = safe_cell_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    elif number_format and value is not None:
        cell.number_format = number_format
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell


def sheet_name(title: Any, used: set[str], prefix: str = "") -> str:
    """A valid, unique (case-insensitive) sheet name of at most 31 characters."""
    base = SHEET_FORBIDDEN.sub(" ", clean_text(title)).strip() or "Feuille"
    name = f"{prefix}{base}"[:XL_MAX_SHEET].rstrip()
    k = 2
    while name.lower() in used:
        suffix = f" ({k})"
        name = f"{prefix}{base}"[: XL_MAX_SHEET - len(suffix)].rstrip() + suffix
        k += 1
    used.add(name.lower())
    return name


def write_frame(ws, df: pd.DataFrame, row: int = 1, formats: Mapping[str, str] | None = None):
    """``df`` at ``row`` of sheet ``ws``: a bold header, then one cell per value; returns the
    next free row. ``formats``: number format per column name."""
    formats = formats or {}
    cols = list(df.columns)
    for j, c in enumerate(cols, start=1):
        put_cell(ws, row, j, str(c), bold=True)
    for j, c in enumerate(cols, start=1):
        f = formats.get(c)
        for i, v in enumerate(df.iloc[:, j - 1].tolist(), start=row + 1):
            put_cell(ws, i, j, v, f)
    for j, c in enumerate(cols, start=1):
        sample = [str(c)] + [str(v) for v in df.iloc[:200, j - 1].tolist()]
        letter = ws.cell(row=row, column=j).column_letter
        ws.column_dimensions[letter].width = max(8, min(48, max(map(len, sample)) + 2))
    return row + len(df) + 1


def xlsx_bytes(df_or_sheets: pd.DataFrame | Mapping[str, pd.DataFrame], lang: str = "fr") -> bytes:
    """An XLSX workbook of one frame (sheet "Données" / "Data") or of ``{sheet name: frame}``."""
    from openpyxl import Workbook

    if isinstance(df_or_sheets, pd.DataFrame):
        df_or_sheets = {"Données" if lang == "fr" else "Data": df_or_sheets}
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in df_or_sheets.items():
        ws = wb.create_sheet(sheet_name(name, used))
        write_frame(ws, df)
        ws.freeze_panes = "A2"
    if not wb.worksheets:
        wb.create_sheet("Données" if lang == "fr" else "Data")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
