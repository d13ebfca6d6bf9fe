"""A CSV export loaded into a DuckDB file block by block equals the one-shot import: same
canonical rows (same pseudonyms), same rows set aside with the same reasons and row numbers,
and the counts add up."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from kpis.io.pipeline import import_file
from kpis.relational.load import csv_blocks, load_csv
from kpis.relational.source import arrow_table

KEY = bytes(range(32))
MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id"\n  started_at: "Date"\n  canal: "Canal"\n'
    '  customer_id: "Client"\n  answered: "Répondu"\n  wait_s: "Attente"\n'
    '  motif: "Motif"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M:%S"\n'
)
HEAD = "Id;Date;Canal;Client;Répondu;Attente;Motif"


def _rows() -> list[str]:
    rows = []
    for i in range(1, 31):
        canal = ("téléphone", "email", "chat")[i % 3]
        answered = ("oui", "non", "")[i % 3]
        wait = f"{i * 7 % 50},5" if i % 4 else str(i)
        rows.append(
            f"C{i};{i % 28 + 1:02d}/01/2026 {i % 24:02d}:15:00;{canal};CLI-{i % 6};"
            f"{answered};{wait};facture"
        )
    rows[2] = "C3;31/02/2026 10:00:00;chat;CLI-3;oui;12;facture"  # unparseable date (row 4)
    rows[4] = "C5;05/01/2026 10:00:00;chat;CLI-5;oui;12;facture;en trop"  # malformed (row 6)
    rows[8] = "C1;09/01/2026 10:00:00;email;CLI-1;oui;12;facture"  # duplicate of row 2, block 2
    rows[9] = "C10;;email;CLI-4;oui;12;facture"  # missing date (required)
    # row 13 (block 2) has an empty field; its duplicate at row 25 (block 4) is complete: the
    # one-shot import keeps row 25, so the loader must move row 13 to the set-aside rows
    rows[11] = "C12;12/01/2026 10:00:00;chat;CLI-0;;12;facture"
    rows[23] = "C12;24/01/2026 10:00:00;chat;CLI-0;non;12;facture"
    rows[13] = 'C14;14/01/2026 10:00:00;chat;CLI-3;oui;12;"facture\nsur deux lignes"'
    rows.insert(17, "")  # a blank line: not a record
    return rows


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join([HEAD, *_rows()]) + "\n").encode("utf-8"))
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    return path, tmp_path / "m.yaml"


def _db_table(db, sql) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _db_rows(db, table) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(f"SELECT * FROM {table} ORDER BY _pos").to_arrow_table().to_pylist()
    finally:
        con.close()


def _same_rows(got: list[dict], frame: pd.DataFrame) -> None:
    """Row by row, field by field (missing = None on both sides, exact values)."""
    want = arrow_table(frame).to_pylist()
    assert len(got) == len(want)
    assert sorted(got[0]) == sorted(want[0])
    for g, w in zip(got, want, strict=True):
        assert g == w


def test_blocks_never_cut_a_quoted_value(export):
    path, _ = export
    blocks = list(csv_blocks(path, 7))
    assert len(blocks) == 5  # 31 lines after the header, one of them inside a quoted value
    assert all(b.startswith(HEAD.encode()) for b in blocks)
    assert all(b.count(b'"') % 2 == 0 for b in blocks)
    body = b"".join(b[len(HEAD.encode()) + 1 :] for b in blocks)
    assert body == path.read_bytes()[len(HEAD.encode()) + 1 :]


def test_block_load_equals_one_shot_import(export, tmp_path):
    path, mapping = export
    one = import_file(path, mapping=str(mapping), key=KEY)
    db = tmp_path / "pilote.duckdb"
    rep = load_csv(path, db, mapping=str(mapping), key=KEY, block_rows=7)
    assert rep.blocks == 5

    # counts: 30 records = used + set aside, the same as the one-shot import
    assert (rep.rows_in, rep.rows_used, rep.rows_set_aside) == (30, 25, 5)
    assert one.report["rows_in"] == 30 and one.report["rows_used"] == 25
    assert rep.set_aside == one.report["set_aside"]
    assert rep.set_aside == {
        "unparseable_date": 1,
        "malformed_line": 1,
        "duplicate_contact_id": 2,
        "missing_required": 1,
    }
    assert rep.set_aside == one.report["set_aside"]
    load = _db_table(db, "SELECT * FROM _load")
    assert load[["rows_in", "rows_used", "rows_set_aside"]].iloc[0].tolist() == [30, 25, 5]

    # canonical rows: same values, same pseudonymised customer ids, _pos = file order
    got = _db_table(db, "SELECT * FROM contacts ORDER BY _pos")
    assert got["_pos"].tolist() == list(range(25))
    _same_rows(_db_rows(db, "contacts"), one.data)
    assert got["customer_id"].notna().all() and got["customer_id"].nunique() == 6
    # rows 2 and 25 were kept over their duplicates (row 25 is the more complete C12)
    assert got.loc[got["contact_id"].isin(["C1", "C12"]), "_row"].tolist() == [2, 25]

    # rows set aside: same rows, reasons, details (masked lines included), source cells
    aside = _db_table(db, "SELECT * FROM set_aside ORDER BY _row")
    ref = one.set_aside
    assert aside["_row"].tolist() == ref["_row"].tolist() == [4, 6, 10, 11, 13]
    assert aside["reason"].tolist() == ref["reason"].tolist()
    assert aside["detail"].tolist() == ref["detail"].tolist()
    assert aside["reason_label_fr"].tolist() == ref["reason_label_fr"].tolist()
    # row 13 lost to row 25 of a later block: its detail names the row finally kept
    assert aside.loc[aside["_row"] == 13, "detail"].item() == (
        "contact_id: 'C12' — ligne gardée / kept row 25"
    )
    # source cells kept for the rows a block set aside; rows 10 and 13 lost to a row of another
    # block after their own block was written: only their canonical row was kept
    for col in ("Id", "Date", "Canal", "Client"):
        for r in (4, 11):
            a = aside.loc[aside["_row"] == r, col].item()
            b = ref.loc[ref["_row"] == r, col].item()
            assert a == b, (col, r)


def test_auto_mapping_detected_once_and_kept(tmp_path):
    """No mapping: detected on the first block and used for every block (the headers are
    recognised; same rows and pseudonyms as the one-shot import)."""
    path = tmp_path / "clean.csv"
    lines = [HEAD] + [
        f"C{i};{i % 28 + 1:02d}/01/2026 {i % 24:02d}:15:00;{('téléphone', 'email')[i % 2]};"
        f"CLI-{i % 10};{('oui', 'non')[i % 2]};{i}"
        ";facture"
        for i in range(1, 21)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = import_file(path, key=KEY)
    db = tmp_path / "auto.duckdb"
    rep = load_csv(path, db, key=KEY, block_rows=6)
    assert rep.blocks == 4 and rep.table == "contacts"
    assert rep.mapping == one.report["mapping"]
    _same_rows(_db_rows(db, "contacts"), one.data)
    assert (rep.rows_in, rep.rows_used, rep.rows_set_aside) == (20, 20, 0)


def test_column_types(export, tmp_path):
    path, mapping = export
    db = tmp_path / "t.duckdb"
    load_csv(path, db, mapping=str(mapping), key=KEY, block_rows=7)
    types = dict(
        _db_table(db, "SELECT column_name, column_type FROM (DESCRIBE contacts)").to_numpy()
    )
    assert types["canal"] == "VARCHAR" and types["contact_id"] == "VARCHAR"
    assert types["answered"] == "BOOLEAN"
    assert types["started_at"] == "TIMESTAMP"
    assert types["wait_s"] == "DOUBLE"
    assert types["customer_id"] == "BIGINT" and types["_pos"] == "BIGINT"


def test_a_workbook_is_refused(tmp_path):
    from kpis.errors import ImportFailed

    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ImportFailed, match="CSV"):
        load_csv(path, tmp_path / "x.duckdb", key=KEY)
    assert not (tmp_path / "x.duckdb").exists()
