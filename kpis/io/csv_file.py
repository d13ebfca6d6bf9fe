"""A CSV on disk parsed where it lies: Arrow's multi-threaded reader straight from the file.

The first megabyte decides encoding, separator and header (as for bytes); one block-wise pass
looks for a quote and for lone CRs; then ``pyarrow.csv.read_csv`` parses the file itself, so the
whole file is never held in memory as one bytes object. Whatever this path cannot guarantee
gives None/False and the caller reads the bytes (``kpis.io.readers.read_csv``): same records,
same set-aside rows, same reasons.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from kpis.io.readers import (
    SAMPLE_BYTES,
    SPLITTERS,
    RawTable,
    _arrow_parse,
    _checked,
    _layout,
    _looks_binary,
    _utf16_encoding,
    detect_encoding,
)

#: encodings the file path hands to Arrow (others, and UTF-16, are read as bytes)
STREAM_ENCODINGS = {"utf-8", "utf-8-sig", "cp1252", "latin-1"}
HEAD_BYTES = SAMPLE_BYTES + 8
SCAN_BLOCK = 1 << 24


def _scan(path: Path) -> tuple[bool, bool]:
    """(a quote somewhere, a lone CR somewhere) over the whole file, read block by block into
    one reused buffer (no copy of the file in memory)."""
    quoted = bare = pending = False
    buf = bytearray(SCAN_BLOCK)
    with open(path, "rb") as fh:
        while n := fh.readinto(buf):
            if n < len(buf):
                del buf[n:]
            if pending and not buf.startswith(b"\n"):
                bare = True
            pending = False
            quoted = quoted or b'"' in buf
            if not bare and b"\r" in buf:
                lone = buf.count(b"\r") - buf.count(b"\r\n")
                pending = buf.endswith(b"\r")
                bare = lone - pending > 0
    return quoted, bare or pending


def read_csv_file(path: Path, head: bytes, size: int, filename: str, encoding, sep):
    """Fast path for a CSV on disk: encoding and separator from the head, then Arrow's
    multi-threaded reader straight from the file. None when the file needs the bytes path
    (UTF-16, other encodings, lone CRs, spaces as separator, a record that does not fit…)."""
    if encoding is None and _utf16_encoding(head):
        return None
    if _looks_binary(head):
        return None
    encoding = encoding or detect_encoding(head)
    if encoding not in STREAM_ENCODINGS:
        return None
    quoted, bare = _scan(path)
    if bare:
        return None
    head_text, sep, header, info = _layout(head, encoding, sep, filename)
    if sep in SPLITTERS or head_text.startswith(("\n", "\r")):
        return None
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    try:
        source = pa.OSFile(str(path))
    except (UnicodeError, OSError, pa.ArrowException):  # a name Arrow cannot open: bytes path
        return None
    try:
        with source:
            source.seek(bom)
            frame = _arrow_parse(source, size - bom, head[bom:], quoted, encoding, sep, header)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        frame = None
    if frame is None:
        return False
    return _checked(RawTable(frame, filename, info, []), header)
