"""A CSV on disk is parsed from the file itself (Arrow's multi-threaded reader, never a copy of
the whole file in memory) and gives exactly what the same bytes give (an upload): same frame,
same records set aside with the same reasons, same report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kpis.io.csv_file as csv_file
import kpis.io.readers as readers
from kpis.io.mapping import load_mapping
from kpis.io.pipeline import import_file
from kpis.io.readers import BadRow, read_any

KEY = b"s" * 32
MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id"\n  started_at: "Date"\n  canal: "Canal"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M:%S"\n'
)
HEAD = "Id;Date;Canal;Note\n"

# name -> (bytes, expected [Id, Note] per used record, expected bad (row, reason), fast path?)
CASES = {
    "utf8_semicolon": (
        (HEAD + "C1;02/01/2026 09:15:00;téléphone;12,5\nC2;02/01/2026 10:00:00;email;3\n").encode(),
        [("C1", "12,5"), ("C2", "3")],
        [],
        True,
    ),
    "cp1252_accents_comma": (
        (
            "Id,Date,Canal,Note\n"
            "C1,02/01/2026 09:15:00,téléphone,réclamation\n"
            'C2,03/01/2026 11:00:00,e-mail,"facturé, payé"\n'
        ).encode("cp1252"),
        [("C1", "réclamation"), ("C2", "facturé, payé")],
        [],
        True,
    ),
    "quoted_separator_and_newline": (
        (
            HEAD + 'C1;02/01/2026 09:15:00;chat;"ligne un\nligne; deux"\n'
            "C2;02/01/2026 10:00:00;email;ok\n"
        ).encode(),
        [("C1", "ligne un\nligne; deux"), ("C2", "ok")],
        [],
        True,
    ),
    "utf8_bom": (
        ("\ufeff" + HEAD + "C1;02/01/2026 09:15:00;chat;é\n").encode(),
        [("C1", "é")],
        [],
        True,
    ),
    "blank_line": (
        (HEAD + "C1;02/01/2026 09:15:00;chat;a\n\nC2;02/01/2026 10:00:00;email;b\n").encode(),
        [("C1", "a"), ("C2", "b")],
        [],
        True,
    ),
    "malformed_line": (
        (
            HEAD + "C1;02/01/2026 09:15:00;chat;a\n"
            "C2;02/01/2026 10:00:00;email;b;en trop\n"
            "C3;02/01/2026 11:00:00;chat;c\n"
        ).encode(),
        [("C1", "a"), ("C3", "c")],
        [(3, "malformed_line")],
        False,
    ),
    "lone_cr_in_value": (
        (HEAD + "C1;02/01/2026 09:15:00;chat;a\rb\nC2;02/01/2026 10:00:00;email;c\n").encode(),
        [("C1", "a b"), ("C2", "c")],
        [],
        False,
    ),
    "lone_cr_in_quoted_value": (  # Arrow would keep the CR: the bytes path makes it a space
        (HEAD + 'C1;02/01/2026 09:15:00;chat;"a\rb"\nC2;02/01/2026 10:00:00;email;c\n').encode(),
        [("C1", "a b"), ("C2", "c")],
        [],
        False,
    ),
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    return path


def _no_read_bytes(mp):
    def refuse(self):
        raise AssertionError(f"read_bytes called on {self.name}")

    mp.setattr(Path, "read_bytes", refuse)


@pytest.mark.parametrize("name", list(CASES))
def test_path_reads_like_bytes(name, tmp_path, monkeypatch):
    data, expected, expected_bad, fast = CASES[name]
    path = _write(tmp_path, name, data)
    from_bytes = read_any(data, path.name)
    with monkeypatch.context() as mp:
        if fast:  # the file is parsed where it lies: loading it whole would fail here
            _no_read_bytes(mp)
        from_path = read_any(path)
    pd.testing.assert_frame_equal(from_path.frame, from_bytes.frame)
    assert from_path.bad_rows == from_bytes.bad_rows
    assert from_path.info == from_bytes.info
    got = list(zip(from_path.frame["Id"], from_path.frame["Note"], strict=True))
    assert got == expected
    assert [(b.row, b.reason) for b in from_path.bad_rows] == expected_bad


@pytest.mark.parametrize("name", list(CASES))
def test_import_by_path_same_report_and_set_aside(name, tmp_path):
    data = CASES[name][0]
    path = _write(tmp_path, name, data)
    m = load_mapping(MAPPING)
    a = import_file(path, mapping=m, key=KEY)
    b = import_file(data, path.name, mapping=m, key=KEY)
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.set_aside, b.set_aside)
    assert a.report == b.report
    r = a.report
    assert r["rows_in"] == r["rows_used"] + r["rows_set_aside"]


def test_malformed_line_kept_with_its_text(tmp_path):
    data = CASES["malformed_line"][0]
    raw = read_any(_write(tmp_path, "bad", data))
    assert raw.bad_rows == [BadRow(3, "C2;02/01/2026 10:00:00;email;b;en trop")]
    assert list(raw.frame["_row"]) == [2, 4]


def test_plain_utf8_csv_never_loaded_whole(tmp_path, monkeypatch):
    path = _write(tmp_path, "plain", b"Id;Canal\nC1;chat\nC2;email\nC3;chat\n")
    _no_read_bytes(monkeypatch)
    raw = read_any(path)
    assert raw.frame.to_dict("list") == {
        "_row": [2, 3, 4],
        "Id": ["C1", "C2", "C3"],
        "Canal": ["chat", "email", "chat"],
    }
    assert raw.bad_rows == []
    assert raw.info["separator"] == ";" and raw.info["encoding"] == "utf-8"


def test_large_file_categories_same_by_path_and_bytes(tmp_path, monkeypatch):
    """Few-valued columns come as categories from both sources (size and head sample agree)."""
    monkeypatch.setattr(readers, "CATEGORY_MIN_BYTES", 0)
    lines = [f"C{i};{'chat' if i % 3 else 'email'};{i % 7},5" for i in range(3000)]
    data = ("Id;Canal;Note\n" + "\n".join(lines) + "\n").encode()
    path = _write(tmp_path, "big", data)
    from_bytes = read_any(data, path.name)
    with monkeypatch.context() as mp:
        _no_read_bytes(mp)
        from_path = read_any(path)
    assert isinstance(from_path.frame["Canal"].dtype, pd.CategoricalDtype)
    assert from_path.frame["Canal"].value_counts().to_dict() == {"chat": 2000, "email": 1000}
    pd.testing.assert_frame_equal(from_path.frame, from_bytes.frame)


def test_scan_finds_quotes_and_lone_cr_across_blocks(tmp_path, monkeypatch):
    """The block scan sees a quote in a later block, and a CR at a block's end followed by LF
    in the next one is a line end, not a lone CR."""
    monkeypatch.setattr(csv_file, "SCAN_BLOCK", 4)
    crlf = _write(tmp_path, "crlf", b"abc\r\ndefghij\r\n")  # first CR is byte 4 of 4
    assert csv_file._scan(crlf) == (False, False)
    lone = _write(tmp_path, "lone", b"abc\rxdefg\n")
    assert csv_file._scan(lone) == (False, True)
    quoted = _write(tmp_path, "quoted", b'abcdefgh"\n')
    assert csv_file._scan(quoted) == (True, False)


def test_file_name_not_utf8_still_read(tmp_path):
    """A name the file system gives as non-UTF-8 bytes (Arrow cannot open it): the bytes path."""
    import os

    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.csv"))
    path.write_bytes(b"Id;Canal\nC1;chat\n")
    raw = read_any(path)
    assert raw.frame.to_dict("list") == {"_row": [2], "Id": ["C1"], "Canal": ["chat"]}
    assert raw.file == "caf\ufffd.csv"
