"""Workbook and columnar readers: XLSX (calamine) and Parquet (pyarrow) into a raw frame.

Cells keep their type (numbers, dates, datetimes); a time of day becomes 'HH:MM:SS' text. Parquet
columns pandas cannot hold (nested, binary, timestamps outside its range) are read as text with a
note in the report. Typed Parquet columns reach the field parsers typed, without a round trip
through text, and read as the same export in CSV would: integers and booleans with nulls stay
exact (nullable pandas types, not float/object), timestamps are cut to the second (as the date
parser cuts a written fraction), dates become datetimes; decimals and times of day, which pandas
would hold as one Python object per cell, become their text in one Arrow cast. A large file's
few-valued text columns are read as dictionaries (categories). Both refuse files over
``MAX_COLUMNS`` columns at once.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpis.errors import ImportFailed
from kpis.io.readers import CATEGORY_MAX_SHARE, MAX_COLUMNS, RawTable, _dedupe, _too_wide


def _cell_value(value) -> object:
    """A spreadsheet cell as the raw frame keeps it: empty → None, whole floats → int (ids and
    counts stay "123", not "123.0"), a time of day → 'HH:MM:SS' text; dates stay dates."""
    import datetime as dt

    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return value


def read_xlsx(data: bytes, filename: str, sheet: str | int | None = None) -> RawTable:
    """XLSX through calamine (Rust; a 300,000-row sheet in seconds where openpyxl took minutes).
    Cells keep their type: numbers, dates and datetimes stay native."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own error types for a broken archive
        raise ImportFailed(
            "classeur XLSX illisible ou endommagé.",
            "unreadable or damaged XLSX workbook.",
            file=filename,
        ) from exc
    chosen = sheets[0] if sheet is None and sheets else sheet
    if isinstance(chosen, int):
        chosen = sheets[chosen] if 0 <= chosen < len(sheets) else None
    if chosen not in sheets:
        raise ImportFailed(
            f"la feuille « {sheet} » n'existe pas. Feuilles : {', '.join(sheets)}.",
            f"sheet '{sheet}' does not exist. Sheets: {', '.join(sheets)}.",
            file=filename,
        )
    try:
        ws = book.get_sheet_by_name(chosen)
        if ws.width > MAX_COLUMNS:
            raise _too_wide(ws.width, filename)
        rows = ws.to_python(skip_empty_area=False)
    except ImportFailed:
        raise
    except Exception as exc:
        raise ImportFailed(
            f"feuille « {chosen} » illisible ({type(exc).__name__}).",
            f"sheet '{chosen}' unreadable ({type(exc).__name__}).",
            file=filename,
        ) from exc
    top = (ws.start or (0, 0))[0]  # 0-based sheet row of the first row returned
    filled = [i for i, r in enumerate(rows) if any(v != "" for v in r)]  # blank rows skipped
    head = filled[0] if filled else 0
    header = _dedupe([str(_cell_value(c) or "") for c in rows[head]]) if filled else []
    body = [[_cell_value(v) for v in rows[i]] for i in filled[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.insert(0, "_row", [top + i + 1 for i in filled[1:]])  # as the spreadsheet numbers it
    info = {"format": "xlsx", "sheet": chosen, "sheets": sheets}
    return RawTable(frame.reset_index(drop=True), filename, info, [])


_NS_MIN, _NS_MAX = pd.Timestamp.min, pd.Timestamp.max


def _plain_column(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, str | None]:
    """A Parquet column pandas can hold as a table column, and a note when it was changed:
    nested values (list, struct, map) become their text; binary becomes UTF-8 text (undecodable
    bytes replaced); timestamps outside pandas' range become ISO text, so the date parser sets
    those rows aside with a reason instead of failing the whole file."""
    t = col.type
    if pa.types.is_nested(t):
        text = [
            None if v is None else json.dumps(v, default=str, ensure_ascii=False)
            for v in col.to_pylist()
        ]
        return pa.chunked_array([pa.array(text, pa.large_string())]), "nested"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        text = [None if v is None else v.decode("utf-8", errors="replace") for v in col.to_pylist()]
        return pa.chunked_array([pa.array(text, pa.large_string())]), "binary"
    if pa.types.is_decimal(t):
        # pandas holds decimals as Python objects, read through their text one by one: the
        # same text ('30.50', '-0.01'), written by Arrow for the whole column at once
        return pc.cast(col, pa.large_string()), None
    if pa.types.is_time(t):
        # a time of day, as in a workbook: 'HH:MM:SS' text (a duration or a time), to the second
        return pc.cast(pc.cast(col, pa.time32("s"), safe=False), pa.large_string()), None
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        bounds = pc.min_max(col)
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if (lo is not None and lo.year < _NS_MIN.year + 1) or (
            hi is not None and hi.year > _NS_MAX.year - 1
        ):
            return pc.cast(col, pa.large_string()), "out_of_range_dates"
        if pa.types.is_timestamp(t) and t.unit != "s":
            # the text of a timestamp loses its fraction of a second when parsed: same here
            return pc.floor_temporal(col, unit="second"), None
    return col, None


#: Arrow types that pandas would turn into float64 (integers with nulls: large ids lose digits)
#: or object (booleans with nulls), as pandas' nullable types instead
_NULLABLE = {
    pa.bool_(): pd.BooleanDtype(),
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


#: Parquet files from this many rows read their few-valued text columns as categories
CATEGORY_MIN_ROWS = 50_000
_SAMPLE_ROWS = 20_000


def _few_valued_text(pf) -> list[str]:
    """Text columns whose first rows repeat a few values (at most ``CATEGORY_MAX_SHARE`` of them
    distinct), to be read as dictionaries: Parquet stores such columns dictionary-encoded, so
    they arrive as categories without a string per row, and each value is parsed once later.
    Only for large files; [] when unclear. The values are the same either way."""
    if pf.metadata.num_rows < CATEGORY_MIN_ROWS:
        return []
    fields = list(pf.schema_arrow)
    names = [f.name for f in fields]
    text = [
        f.name
        for f in fields
        if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
        and names.count(f.name) == 1
    ]
    if not text:
        return []
    try:
        batch = next(pf.iter_batches(batch_size=_SAMPLE_ROWS, columns=text), None)
    except Exception:  # a damaged file: read_table says so
        return []
    if batch is None or batch.num_rows < 1000:
        return []
    most = CATEGORY_MAX_SHARE * batch.num_rows
    return [c for c in text if pc.count_distinct(batch.column(c)).as_py() <= most]


def read_parquet(data: bytes, filename: str) -> RawTable:
    """A Parquet file through pyarrow (see module docstring)."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(pa.BufferReader(data))  # no copy of the bytes
        if len(pf.schema_arrow) > MAX_COLUMNS:  # refused before anything is decoded
            raise _too_wide(len(pf.schema_arrow), filename)
        few = _few_valued_text(pf)
        table = pq.read_table(pa.BufferReader(data), read_dictionary=few or None)
    except ImportFailed:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError on damage
        raise ImportFailed(
            "fichier Parquet illisible ou endommagé.",
            "unreadable or damaged Parquet file.",
            file=filename,
        ) from exc
    notes = {}
    for i, name in enumerate(table.column_names):
        before = table.column(i)
        col, note = _plain_column(before)
        if col is not before:
            table = table.set_column(i, name, col)
        if note:
            notes[name] = note
    try:
        frame = table.to_pandas(types_mapper=_NULLABLE.get, date_as_object=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, TypeError) as exc:
        raise ImportFailed(
            f"fichier Parquet d'un type non pris en charge ({exc}).",
            f"Parquet file of an unsupported type ({exc}).",
            file=filename,
        ) from exc
    frame = frame.reset_index(drop=True)
    frame.columns = _dedupe([str(c) for c in frame.columns])
    frame.insert(0, "_row", range(2, len(frame) + 2))
    info = {"format": "parquet", **({"converted_columns": notes} if notes else {})}
    return RawTable(frame, filename, info, [])
