"""Read an export (CSV/TXT, XLSX, Parquet) into a raw frame, detecting its format.

The raw frame keeps every record: all CSV cells as text (empty cells as ""), XLSX/Parquet cells
with their native types. Each record carries ``_row``, its row number as a spreadsheet shows it
(the header is row 1). Records the CSV parser cannot split into the header's columns are not
dropped: they come back in ``RawTable.bad_rows`` with their line and text, and the pipeline sets
them aside. Blank lines are not records and are skipped.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kpis.errors import ImportFailed
from kpis.io.columns import release_memory, system_allocator

SEPARATORS = (",", ";", "\t", "|")
SEP_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}
SPACES = "spaces"  # runs of two or more spaces (or tabs): single spaces stay inside values
SPACE = "space"  # any run of whitespace
SPLITTERS = {SPACES: re.compile(r" {2,}|\t"), SPACE: re.compile(r"\s+")}
SAMPLE_BYTES = 1 << 20
MAX_FIELD_CHARS = 1 << 24  # one value up to 16 M characters (the csv module's default is 128 K)
csv.field_size_limit(MAX_FIELD_CHARS)
MAX_COLUMNS = 2000  # wider files are refused at once with a clear message, never a long hang


@dataclass
class BadRow:
    row: int
    text: str
    reason: str = "malformed_line"


@dataclass
class RawTable:
    """What a reader returns: the frame, the detected format, and records it could not split."""

    frame: pd.DataFrame
    file: str
    info: dict = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != "_row"]


def detect_kind(data: bytes, filename: str) -> str:
    """File kind from magic bytes first, then the extension."""
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    ext = Path(filename).suffix.lower()
    if ext in (".parquet", ".pq"):
        return "parquet"
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    return "csv"


def detect_encoding(data: bytes) -> str:
    """BOM first; else UTF-8 if the sample decodes strictly; else cp1252, or latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sample's end is still UTF-8
        if len(data) > SAMPLE_BYTES and exc.start >= len(sample) - 3:
            return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def detect_separator(text: str) -> str:
    """The delimiter whose split gives the most consistent field count (>1) over the sample.

    Parsing with the csv module respects quotes and quoted line breaks. When no single
    character works, runs of spaces are tried.
    """
    filled = [ln for ln in text.splitlines() if ln.strip()]  # blank lines never decide
    lines = filled[:200]
    sample = "\n".join(lines)
    best, best_score = None, (0.0, 0)
    for sep in SEPARATORS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=sep) if r]
        except csv.Error:
            continue
        if len(rows) > 1 and len(filled) <= 200:
            rows = rows[:-1]  # the last record may be cut by the sample
        counts = Counter(len(r) for r in rows)
        if not counts:
            continue
        width, freq = counts.most_common(1)[0]
        if width < 2:
            continue
        header_ok = len(rows[0]) == width
        score = (freq / len(rows) + (0.5 if header_ok else 0.0), width)
        if score > best_score:
            best, best_score = sep, score
    if best is not None:
        return best
    for name in (SPACES, SPACE):
        widths = Counter(len(SPLITTERS[name].split(ln.strip())) for ln in lines if ln.strip())
        if widths:
            width, freq = widths.most_common(1)[0]
            if width > 1 and freq >= 0.8 * sum(widths.values()):
                return name
    return ","


def _dedupe(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or f"colonne_{i + 1}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return out


#: files from this size read their few-valued columns (channel, yes/no…) as categories
CATEGORY_MIN_BYTES = 8 << 20
CATEGORY_MAX_SHARE = 0.05  # distinct values ÷ rows in the first megabyte


def _arrow_options(quoted: bool, encoding: str, sep: str, header: list[str], types: dict, bad):
    read = pacsv.ReadOptions(
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        column_names=header,
        skip_rows=1,
        block_size=1 << 22,
    )
    parse = pacsv.ParseOptions(
        delimiter=sep,
        quote_char='"',
        double_quote=True,
        # a line break can only sit inside a value when the file quotes something; without a
        # quote anywhere, Arrow may split the file into blocks at any line end (faster)
        newlines_in_values=quoted,
        ignore_empty_lines=True,
        invalid_row_handler=lambda row: (bad.append(row.number), "skip")[1],
    )
    conv = pacsv.ConvertOptions(
        column_types=types,
        strings_can_be_null=False,
        null_values=[],
        quoted_strings_can_be_null=False,
    )
    return read, parse, conv


def _few_valued(size: int, head, encoding: str, sep: str, header: list[str]) -> list[str]:
    """Columns whose first megabyte repeats a few values (read as categories: less memory, and
    each value is parsed once later). ``size`` is the body's size in bytes, ``head`` its first
    bytes (at least a megabyte when there are). Only for large files; [] when unclear."""
    if size < CATEGORY_MIN_BYTES:
        return []
    head = bytes(head[:SAMPLE_BYTES])
    cut = head.rfind(b"\n", 0, SAMPLE_BYTES)
    if cut <= 0:
        return []
    sample = head[: cut + 1]
    bad: list = []
    types = {h: pa.large_string() for h in header}
    try:
        read, parse, conv = _arrow_options(b'"' in sample, encoding, sep, header, types, bad)
        table = pacsv.read_csv(
            pa.BufferReader(sample), read_options=read, parse_options=parse, convert_options=conv
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return []
    n = table.num_rows
    if n < 1000:
        return []
    return [h for h in header if pc.count_distinct(table[h]).as_py() <= CATEGORY_MAX_SHARE * n]


def _read_csv_arrow(data: bytes, encoding: str, sep: str, header: list[str]):
    """Fast path over bytes in memory (read without a copy). None when some record does not
    fit the header (slow path then)."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    body = pa.py_buffer(data)
    if bom:
        body = body.slice(bom)
    return _arrow_parse(
        pa.BufferReader(body),
        len(data) - bom,
        memoryview(data)[bom:],
        b'"' in data,
        encoding,
        sep,
        header,
    )


def _arrow_parse(source, size: int, head, quoted: bool, encoding: str, sep: str, header):
    """Parse ``source`` (a buffer reader or a file path) with Arrow's multi-threaded reader.

    Text columns come as pandas ``str`` (Arrow ``large_string``: no copy); in a large file, the
    columns that repeat a few values come as categories of ``str``. ``quoted`` says whether the
    whole body holds a quote. None when some record does not fit the header."""
    bad: list = []
    few = set(_few_valued(size, head, encoding, sep, header))
    types = {
        h: pa.dictionary(pa.int32(), pa.large_string()) if h in few else pa.large_string()
        for h in header
    }
    read, parse, conv = _arrow_options(quoted, encoding, sep, header, types, bad)
    table = pacsv.read_csv(source, read_options=read, parse_options=parse, convert_options=conv)
    if bad or (quoted and _arrow_swallowed(table, sep, len(header))):
        return None
    frame = _to_frame(table)
    del table
    release_memory()  # the parse's blocks, before the fields are parsed
    return frame


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """The Arrow table as a pandas frame, column by column: each Arrow column is let go once
    converted (text columns are wrapped without a copy); a few-valued column's chunks get one
    dictionary as it is converted (one column's new indices at a time, not the whole table's)."""
    n = table.num_rows
    cols = {}
    while table.num_columns:
        name = table.column_names[0]
        one = table.select([0])
        table = table.remove_column(0)
        if pa.types.is_dictionary(one.schema.types[0]):
            one = one.unify_dictionaries()
        cols[name] = one.to_pandas()[name]
        del one
    frame = pd.DataFrame(cols, copy=False)
    frame.insert(0, "_row", pd.RangeIndex(2, n + 2))
    return frame


def _shape(text: str) -> str:
    """The look of a value: digit runs → 9, letter runs → a ("02/01/2026 09:15" → "9/9/9 9:9")."""
    return _LETTERS.sub("a", _DIGITS.sub("9", text.strip()))


_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[^\W\d_]+")


def _looks_like_record(line: str, sep: str, width: int, starts: set[str]) -> bool:
    """A physical line that splits into exactly ``width`` fields and starts like the file's
    records do (same look of the first value)."""
    if line.count(sep) < width - 1:
        return False
    try:
        fields = next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return False
    return len(fields) == width and _shape(fields[0]) in starts


def _swallowed(values, sep: str, width: int, starts: set[str]) -> bool:
    """A value holding, after a line break, a line that looks like a record of the file:
    an opening quote ran on over whole records (a multi-line comment does not look like one)."""
    return any(
        "\n" in v and any(_looks_like_record(ln, sep, width, starts) for ln in v.split("\n")[1:])
        for v in values
        if isinstance(v, str)
    )


def _csv_records(text: str, sep: str, width: int):
    """(physical line, record, note) with quotes respected. A record spanning several lines
    that holds lines looking like records of their own (an opening quote that never closed
    where it should) is returned as its first line alone, marked ``unbalanced_quote``, and the
    swallowed lines are read again as records."""
    lines = text.splitlines(keepends=True)
    starts: set[str] = set()
    start = 0
    while start < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[start:]), newline=""), delimiter=sep)
        done = 0
        restart = None
        for rec in reader:
            first, done = done, reader.line_num
            if done - first > 1 and _swallowed(rec, sep, width, starts):
                text0 = lines[start + first].rstrip("\r\n")
                yield start + first, text0.split(sep), "unbalanced_quote"
                restart = start + first + 1
                break
            if len(rec) == width and len(starts) < 50 and done - first == 1 and start + first:
                starts.add(_shape(rec[0]))
            yield start + first, rec, ""
        if restart is None:
            return
        start = restart


def _arrow_swallowed(table: pa.Table, sep: str, width: int) -> bool:
    """True when a value holds a line break followed by text that looks like whole records
    (a lone quote ran on); only values with a line break are looked at."""
    first = table.column(0).slice(0, 200).to_pylist()
    starts = {_shape(v) for v in first if isinstance(v, str) and "\n" not in v}
    for col in table.columns:
        if not pa.types.is_large_string(col.type) and not pa.types.is_string(col.type):
            continue
        hits = pc.filter(col, pc.match_substring(col, "\n"))
        if len(hits) and _swallowed(hits.to_pylist(), sep, width, starts):
            return True
    return False


def _read_csv_python(text: str, sep: str, header: list[str]):
    """Exact path: one record at a time, keeping every record that does not fit."""
    rows, numbers, bad = [], [], []
    width = len(header)
    if sep in SPLITTERS:
        records = (
            (i + 1, SPLITTERS[sep].split(ln.strip()), "") for i, ln in enumerate(text.splitlines())
        )
    else:
        records = _csv_records(text, sep, width)
    rec_no = 0  # records as a spreadsheet numbers them: header = 1, blank lines not counted
    for _line, rec, note in records:
        if not rec or (len(rec) == 1 and rec[0].strip() == ""):
            continue  # blank line
        rec_no += 1
        if rec_no == 1:
            continue
        line = rec_no
        raw = " ".join(rec) if sep in SPLITTERS else sep.join(rec)
        if note:
            bad.append(BadRow(line, raw, note))
        elif len(rec) == width:
            rows.append(rec)
            numbers.append(line)
        elif len(rec) < width and sep not in SPLITTERS and all(c == "" for c in rec):
            rows.append([""] * width)
            numbers.append(line)
        else:
            bad.append(BadRow(line, raw))
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    frame.insert(0, "_row", numbers)
    return frame, bad


def _utf16_encoding(data: bytes) -> str | None:
    """ "utf-16" (BOM), "utf-16-le"/"utf-16-be" (no BOM: NUL bytes on every other position of a
    text that is otherwise ASCII-like), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def read_csv(
    data: bytes,
    filename: str,
    encoding: str | None = None,
    sep: str | None = None,
    *,
    arrow: bool = True,
) -> RawTable:
    """Read CSV/TXT bytes. ``arrow=False`` skips the fast path (already tried on the file)."""
    wide = _utf16_encoding(data) if encoding is None else None
    if wide:  # UTF-16 text (Excel's "Unicode text"): read as UTF-8 from here on
        try:
            data = data.decode(wide).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"texte UTF-16 endommagé (octet {exc.start}).",
                f"damaged UTF-16 text (byte {exc.start}).",
                file=filename,
            ) from exc
        table = read_csv(data, filename, "utf-8", sep)
        table.info["encoding"] = wide
        return table
    if _looks_binary(data):
        raise ImportFailed(
            "le fichier n'est pas un texte lisible (CSV/TXT), ni un classeur XLSX ou Parquet.",
            "the file is not readable text (CSV/TXT), nor an XLSX workbook or Parquet file.",
            file=filename,
            hint_fr="Exportez-le en CSV, XLSX ou Parquet.",
            hint_en="Export it as CSV, XLSX or Parquet.",
        )
    encoding = encoding or detect_encoding(data)
    if not encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        data = _bare_cr_to_space(data)
    head_text, sep, header, info = _layout(data, encoding, sep, filename)
    frame = None
    if arrow and sep not in SPLITTERS and not head_text.startswith(("\n", "\r")):
        try:
            frame = _read_csv_arrow(data, encoding, sep, header)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
            frame = None
    bad: list[BadRow] = []
    if frame is None:
        text = _decode_all(data, encoding, filename)
        if text.startswith("\ufeff"):
            text = text[1:]
        text = text.lstrip("\r\n")
        frame, bad = _read_csv_python(text, sep, header)
    return _checked(RawTable(frame, filename, info, bad), header)


def _layout(data, encoding: str, sep: str | None, filename: str):
    """(head text, separator, header, format info) from the first megabyte."""
    try:
        head_text = bytes(data[:SAMPLE_BYTES]).decode(encoding, errors="replace")
    except LookupError as exc:
        raise ImportFailed(
            f"encodage inconnu « {encoding} ».", f"unknown encoding '{encoding}'.", file=filename
        ) from exc
    if head_text.startswith("\ufeff"):
        head_text = head_text[1:]
    if not head_text.strip():
        raise ImportFailed("le fichier est vide.", "the file is empty.", file=filename)
    sep = sep or detect_separator(head_text)
    first = next((ln for ln in head_text.splitlines() if ln.strip()), "")
    if sep in SPLITTERS:
        header = SPLITTERS[sep].split(first.strip())
    else:
        header = next(csv.reader(io.StringIO(first), delimiter=sep))
    header = _dedupe(header)
    if len(header) > MAX_COLUMNS:
        raise _too_wide(len(header), filename)
    info = {
        "format": "csv",
        "encoding": encoding,
        "separator": sep,
        "separator_name": SEP_NAMES.get(sep, "espaces"),
    }
    return head_text, sep, header, info


def _checked(table: RawTable, header: list[str]) -> RawTable:
    if len(header) == 1 and len(table.frame) == 0 and not table.bad_rows:
        raise ImportFailed(
            "le fichier ne contient qu'un en-tête, sans données.",
            "the file holds a header and no data.",
            file=table.file,
        )
    return table


_BARE_CR = re.compile(rb"\r(?!\n)")


def _bare_cr_to_space(data: bytes) -> bytes:
    """In a file whose lines end with LF or CRLF, a lone CR is text (a pasted message), not a
    line end: it becomes a space, so the record is not cut in two. Old Mac files (CR only) keep
    their CRs."""
    if b"\n" in data and b"\r" in data and _BARE_CR.search(data):
        return _BARE_CR.sub(b" ", data)
    return data


def _decode_all(data: bytes, encoding: str, filename: str) -> str:
    for enc in (encoding, "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportFailed("encodage illisible.", "unreadable encoding.", file=filename)


def _too_wide(width: int, filename: str) -> ImportFailed:
    return ImportFailed(
        f"le fichier a {width:,} colonnes ; Pilote en lit au plus {MAX_COLUMNS:,}.".replace(
            ",", "\u202f"
        ),
        f"the file has {width:,} columns; Pilote reads at most {MAX_COLUMNS:,}.",
        file=filename,
        hint_fr="Exportez seulement les colonnes utiles (dates, canal, motif, durées…).",
        hint_en="Export only the useful columns (dates, channel, reason, durations…).",
    )


def printable_name(name: str) -> str:
    """A file name that can be printed and written as UTF-8: bytes the file system gave that are
    not UTF-8 (surrogate escapes) become U+FFFD."""
    return str(name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@system_allocator
def read_any(
    source, filename: str | None = None, *, sheet=None, encoding=None, sep=None
) -> RawTable:
    """Read a path or bytes; the kind is detected from content and name. A CSV on disk is
    parsed from the file itself (never loaded whole) unless it needs the exact path."""
    arrow = True
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = printable_name(filename or path.name)
        if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
            raise ImportFailed(
                "ce n'est pas un fichier ordinaire (dossier, tube ou périphérique).",
                "not a regular file (a folder, a pipe or a device).",
                file=printable_name(str(source)),
            )
        from kpis.io.csv_file import HEAD_BYTES, read_csv_file

        try:
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
                size = os.fstat(fh.fileno()).st_size
        except OSError as exc:
            raise _unreadable(exc, source) from exc
        _check_not_empty(head, size, filename)
        if detect_kind(head, filename) == "csv":
            table = read_csv_file(path, head, size, filename, encoding, sep)
            if table:
                return table
            arrow = table is None  # False: Arrow already tried and refused the file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _unreadable(exc, source) from exc
    else:
        data = source if isinstance(source, bytes) else bytes(source)
        filename = printable_name(filename or "upload")
    _check_not_empty(data, len(data), filename)
    kind = detect_kind(data, filename)
    if kind == "xls":
        raise ImportFailed(
            "ancien format Excel .xls non pris en charge.",
            "old Excel .xls format is not supported.",
            file=filename,
            hint_fr="Enregistrez-le en .xlsx ou .csv.",
            hint_en="Save it as .xlsx or .csv.",
        )
    if kind == "xlsx":
        from kpis.io.sheets import read_xlsx

        return read_xlsx(data, filename, sheet)
    if kind == "parquet":
        from kpis.io.sheets import read_parquet

        return read_parquet(data, filename)
    return read_csv(data, filename, encoding, sep, arrow=arrow)


def _check_not_empty(head: bytes, size: int, filename: str) -> None:
    if not size or (size < SAMPLE_BYTES and not head.strip()):
        raise ImportFailed("le fichier est vide.", "the file is empty.", file=filename)


def _unreadable(exc: OSError, source) -> ImportFailed:
    return ImportFailed(
        f"fichier introuvable ou illisible ({exc.strerror}).",
        f"file not found or unreadable ({exc.strerror}).",
        file=printable_name(str(source)),
    )
