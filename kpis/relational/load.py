"""A large CSV export loaded into a DuckDB database file, in blocks of rows (bounded memory).

Each block (``block_rows`` records, the header repeated in front) goes through the project's
import (``kpis.io.pipeline.apply_mapping``) with ONE mapping (given, or detected on the first
block and kept) and ONE pseudonymisation key, so a customer keeps the same pseudonym in every
block. The canonical rows are appended to the table named by the mapping (``contacts``,
``surveys``…) with ``_pos`` = their position among the rows used (file order), the rows set
aside to ``set_aside`` (``set_aside_<table>`` for another table) with their reason and detail,
and one row to ``_load``: rows_in = rows_used + rows_set_aside (checked).

Record numbers (``_row``) are the file's, not the block's: a block's rows are shifted by the
records read before it. Contact ids repeated across blocks are settled after the last block as
the one-shot import does (the most complete row kept, ties: the first); the rows then set aside
keep their reason, detail and row number but not their source cells (only the canonical row
was kept). Column types: categories and texts VARCHAR, yes/no BOOLEAN, times TIMESTAMP, numbers,
durations and scores DOUBLE, pseudonymised customer ids BIGINT.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pandas as pd
import pyarrow as pa

from kpis.relational.source import POSITION, arrow_table
from kpis.schema import TABLES

BLOCK_ROWS = 500_000
SET_ASIDE = "set_aside"
LOAD_TABLE = "_load"
SQL_TYPES = {
    "category": "VARCHAR",
    "text": "VARCHAR",
    "id": "VARCHAR",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMP",
    "number": "DOUBLE",
    "duration": "DOUBLE",
    "score": "DOUBLE",
}


@dataclass
class LoadReport:
    file: str
    table: str
    rows_in: int = 0
    rows_used: int = 0
    rows_set_aside: int = 0
    blocks: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)
    mapping: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def aside_table(table: str) -> str:
    """Where a table's rows set aside go: ``set_aside`` for contacts, ``set_aside_<table>``."""
    return SET_ASIDE if table == "contacts" else f"{SET_ASIDE}_{table}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def csv_blocks(path: str | Path, block_rows: int = BLOCK_ROWS) -> Iterator[bytes]:
    """The file as CSV texts of at most ``block_rows`` lines (more when a quoted value spans
    lines), each starting with the header line. A block ends where the count of quotes since
    the header is even: never inside a quoted value (a doubled quote counts twice)."""
    with open(path, "rb") as fh:
        header = b""
        while not header.strip():  # leading blank lines are not the header
            line = fh.readline()
            if not line:
                break
            header = line
        while header.count(b'"') % 2:  # a quoted header cell with a line break
            more = fh.readline()
            if not more:
                break
            header += more
        if not header.endswith(b"\n"):
            header += b"\n"
        first = True
        while True:
            lines = list(islice(fh, block_rows))
            if not lines:
                if first:
                    yield header
                return
            quotes = sum(ln.count(b'"') for ln in lines)
            while quotes % 2:
                more = fh.readline()
                if not more:
                    break
                lines.append(more)
                quotes += more.count(b'"')
            body = b"".join(lines)
            if first or body.strip():
                yield header + body
            first = False


def _column_types(frame: pd.DataFrame, table: str) -> dict[str, str]:
    """DuckDB type of each canonical column (see the module docstring)."""
    tdef = TABLES[table]
    out = {}
    for name in frame.columns:
        if name in tdef.names:
            fld = tdef.get(name)
            out[name] = "BIGINT" if fld.kind == "id" and fld.personal else SQL_TYPES[fld.kind]
        elif name == "_row":
            out[name] = "BIGINT"
        elif name.startswith("item:"):
            out[name] = "DOUBLE"
        else:
            out[name] = "VARCHAR"
    out[POSITION] = "BIGINT"
    return out


def _aside_arrow(aside: pd.DataFrame) -> pa.Table:
    """Set-aside rows as text columns (``_row`` an integer): source cells as they were read."""
    cols = {}
    for name in aside.columns:
        s = aside[name]
        if name == "_row":
            cols[name] = pa.array(s.astype("int64"), type=pa.int64())
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        values = [
            None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in s
        ]
        cols[name] = pa.array(values, type=pa.string())
    return pa.table(cols)


class _Writer:
    """Appends blocks to a DuckDB database; creates each table from the first block."""

    def __init__(self, con, table: str) -> None:
        self.con = con
        self.table = table
        self.created: set[str] = set()
        self.aside_cols: list[str] | None = None
        self.aside_name = aside_table(table)

    def rows(self, frame: pd.DataFrame, start: int) -> None:
        data = arrow_table(frame)
        pos = pa.array(range(start, start + len(frame)), type=pa.int64())
        data = data.set_column(data.schema.get_field_index(POSITION), POSITION, pos)
        if self.table not in self.created:
            types = _column_types(frame, self.table)
            cols = ", ".join(f"{_quote(c)} {types[c]}" for c in data.column_names)
            self.con.execute(f"CREATE OR REPLACE TABLE {_quote(self.table)} ({cols})")
            self.created.add(self.table)
        self._insert(self.table, data)

    def aside(self, frame: pd.DataFrame) -> None:
        if self.aside_cols is None:
            cols = ["_row", "reason", "detail", "reason_label_fr"]
            cols += [c for c in frame.columns if c not in cols]
            self.aside_cols = cols
            ddl = ", ".join(f"{_quote(c)} {'BIGINT' if c == '_row' else 'VARCHAR'}" for c in cols)
            self.con.execute(f"CREATE OR REPLACE TABLE {_quote(self.aside_name)} ({ddl})")
        if len(frame):
            self._insert(self.aside_name, _aside_arrow(frame))

    def _insert(self, name: str, data: pa.Table) -> None:
        self.con.register("_block", data)
        try:
            self.con.execute(f"INSERT INTO {_quote(name)} BY NAME SELECT * FROM _block")
        finally:
            self.con.unregister("_block")


def load_csv(
    path: str | Path,
    db: str | Path,
    *,
    mapping=None,
    table: str | None = None,
    key: bytes | None = None,
    block_rows: int = BLOCK_ROWS,
    provider: str | None = None,
    memory_limit: str = "2GB",
) -> LoadReport:
    """Load the CSV export ``path`` into the DuckDB file ``db`` (see the module docstring);
    tables of the same names are replaced. Returns the counts (also stored in ``_load``).
    DuckDB keeps at most ``memory_limit`` in memory (it spills the rest next to ``db``)."""
    import duckdb

    from kpis.io.mapping import Mapping, load_mapping
    from kpis.io.pipeline import apply_mapping, resolve_mapping
    from kpis.io.pseudonym import default_key
    from kpis.io.readers import printable_name, read_any

    if block_rows < 1:
        raise ValueError("block_rows must be at least 1")
    _check_csv(path)
    key = key or default_key()
    pre = mapping if isinstance(mapping, Mapping) else (load_mapping(mapping) if mapping else None)
    read_opts = dict(pre.read) if pre else {}
    filename = printable_name(Path(path).name)
    encoding, sep = read_opts.get("encoding"), read_opts.get("separator")
    con = duckdb.connect(str(db), config={"memory_limit": memory_limit})
    try:
        m, writer, report = None, None, None
        records = used = 0
        for block in csv_blocks(path, block_rows):
            raw = read_any(block, filename, encoding=encoding, sep=sep)
            encoding = encoding or raw.info.get("encoding")
            sep = sep or raw.info.get("separator")
            raw.frame["_row"] = raw.frame["_row"].to_numpy() + records
            for bad in raw.bad_rows:
                bad.row += records
            if m is None:
                m = resolve_mapping(raw, pre, table)
                writer = _Writer(con, m.table)
                report = LoadReport(filename, m.table, mapping=_mapping_dict(m))
            res = apply_mapping(raw, m, key=key, provider=provider)
            rep = res.report
            records += len(raw.frame) + len(raw.bad_rows)
            writer.rows(res.data, used)
            writer.aside(_mask_bad_lines(res.set_aside, raw, m))
            used += len(res.data)
            report.blocks += 1
            report.rows_in += rep["rows_in"]
            for code, n in rep["set_aside"].items():
                report.set_aside[code] = report.set_aside.get(code, 0) + n
        if m.table == "contacts" and "contact_id" in m.columns:
            moved = _settle_duplicates(con, m.table)
            if moved:
                report.set_aside["duplicate_contact_id"] = (
                    report.set_aside.get("duplicate_contact_id", 0) + moved
                )
        report.rows_used = _count(con, m.table)
        report.rows_set_aside = _count(con, aside_table(m.table))
        if report.rows_used + report.rows_set_aside != report.rows_in:
            raise AssertionError("rows in != rows used + rows set aside")
        _record_load(con, report, block_rows)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return report


def _check_csv(path) -> None:
    """Blocks of rows are cut in text files only: a workbook or a Parquet file is refused."""
    from kpis.errors import ImportFailed
    from kpis.io.readers import detect_kind, printable_name

    with open(path, "rb") as fh:
        head = fh.read(8)
    if detect_kind(head, str(path)) != "csv":
        raise ImportFailed(
            "le chargement par blocs lit les exports CSV/TXT ; enregistrez ce fichier en CSV.",
            "the block-wise load reads CSV/TXT exports; save this file as CSV.",
            file=printable_name(Path(path).name),
        )


def _mask_bad_lines(aside: pd.DataFrame, raw, m) -> pd.DataFrame:
    """Unreadable lines are shown masked (``kpis.io.aside.mask_line``); the one-shot import also
    masks a customer id it saw on any readable row of the file, which a block may not have
    seen: here the cell in the customer id column's place is masked too."""
    from kpis.io.aside import mask_line

    sep = raw.info.get("separator") or ";"
    places = [raw.columns.index(c) for c in m.sources("customer_id") if c in raw.columns]
    bad = aside["reason"] == "malformed_line"
    if not places or not bad.any() or len(sep) != 1:
        return aside
    aside = aside.copy()

    def masked(text: str) -> str:
        cells = text.split(sep)
        known = {cells[i].strip().strip('"') for i in places if i < len(cells)}
        return mask_line(text, {k for k in known if len(k) >= 3}, sep)

    aside.loc[bad, "detail"] = aside.loc[bad, "detail"].map(masked)
    return aside


def _mapping_dict(m) -> dict:
    return {f: (c if isinstance(c, str) else list(c)) for f, c in m.columns.items()}


def _count(con, name: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])


def _settle_duplicates(con, table: str) -> int:
    """Contact ids on rows of different blocks: the most complete row (most filled fields,
    ties: the first) is kept, the others move to ``set_aside`` (reason, detail naming the kept
    row); the details of rows a block had already set aside name the row finally kept.
    ``_pos`` is renumbered when rows left. Returns the number of rows moved."""
    t = _quote(table)
    fields = [
        c
        for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {t})").fetchall()
        if not c.startswith("_")
    ]
    filled = " + ".join(f"({_quote(c)} IS NOT NULL)::INT" for c in fields)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _dups AS
        SELECT {POSITION}, _row, contact_id,
               first_value(_row) OVER w AS kept_row, row_number() OVER w AS rank
        FROM (SELECT {POSITION}, _row, contact_id, {filled} AS filled FROM {t}
              WHERE contact_id IN (SELECT contact_id FROM {t} WHERE contact_id IS NOT NULL
                                   GROUP BY contact_id HAVING count(*) > 1))
        WINDOW w AS (PARTITION BY contact_id ORDER BY filled DESC, {POSITION})"""
    )
    moved = _count_where(con, "_dups", "rank > 1")
    if not moved and not _count(con, "_dups"):
        return 0
    from kpis.io.aside import reason_label

    label = reason_label("duplicate_contact_id", "fr")
    # rows a block set aside in favour of a row that has since lost to a row of another block
    con.execute(
        f"""UPDATE {SET_ASIDE} AS s
        SET detail = 'contact_id: ''' || d.contact_id || ''' — ligne gardée / kept row '
                     || d.kept_row
        FROM (SELECT DISTINCT contact_id, kept_row FROM _dups) AS d
        WHERE s.reason = 'duplicate_contact_id'
          AND regexp_extract(s.detail, '^contact_id: ''(.*)'' — ', 1) = d.contact_id"""
    )
    if moved:
        con.execute(
            f"""INSERT INTO {SET_ASIDE} BY NAME
            SELECT _row, 'duplicate_contact_id' AS reason,
                   'contact_id: ''' || contact_id || ''' — ligne gardée / kept row ' || kept_row
                   AS detail, ? AS reason_label_fr
            FROM _dups WHERE rank > 1""",
            [label],
        )
        con.execute(
            f"DELETE FROM {t} WHERE {POSITION} IN (SELECT {POSITION} FROM _dups WHERE rank > 1)"
        )
        con.execute(
            f"""CREATE OR REPLACE TABLE {t} AS
            SELECT * REPLACE (row_number() OVER (ORDER BY {POSITION}) - 1 AS {POSITION})
            FROM {t} ORDER BY {POSITION}"""
        )
    con.execute("DROP TABLE _dups")
    return moved


def _count_where(con, name: str, where: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {name} WHERE {where}").fetchone()[0])


def _record_load(con, report: LoadReport, block_rows: int) -> None:
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {LOAD_TABLE} (
        file VARCHAR, "table" VARCHAR, rows_in BIGINT, rows_used BIGINT, rows_set_aside BIGINT,
        set_aside VARCHAR, mapping VARCHAR, blocks BIGINT, block_rows BIGINT,
        loaded_at TIMESTAMP)"""
    )
    con.execute(f'DELETE FROM {LOAD_TABLE} WHERE "table" = ?', [report.table])
    con.execute(
        f"INSERT INTO {LOAD_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.file,
            report.table,
            report.rows_in,
            report.rows_used,
            report.rows_set_aside,
            json.dumps(report.set_aside, ensure_ascii=False),
            json.dumps(report.mapping, ensure_ascii=False),
            report.blocks,
            block_rows,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
