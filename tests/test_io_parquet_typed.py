"""A Parquet file with typed columns imports to exactly what the same data as CSV imports to.

Typed Parquet columns (timestamps with and without a time zone, integer and float durations with
nulls, booleans with nulls, dictionary-encoded text, a customer id stored as int64) go to the
field parsers typed, without a round trip through text. The same rows written as the CSV text
that Spark, DuckDB or pandas would write must give the same values, the same set-aside rows and
reasons, and the same pseudonyms. Every expectation below is written by hand from the table.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpis.io.columns as columns
import kpis.io.pipeline as pipeline
from kpis.io.pipeline import import_file
from kpis.io.pseudonym import pseudonymise

KEY = b"p" * 32
BIG_ID = 2**60 + 1  # 1152921504606846977: a float64 holds 2**60 (…976), not this one

MAPPING = """table: contacts
columns:
  started_at: "Date"
  contact_id: "Id"
  customer_id: "Client"
  canal: "Canal"
  answered: "Decroche"
  wait_s: "Attente"
  talk_s: "Comm"
"""

# row (as a spreadsheet numbers it), date, contact id, customer id, channel, answered, wait, talk
ROWS = [
    (2, dt.datetime(2026, 3, 2, 9, 15, 0, 700000), "C1", BIG_ID, " Téléphone ", True, 12, 30.5),
    (3, dt.datetime(2026, 3, 2, 10, 0), "C2", None, "email", None, None, None),
    (4, dt.datetime(2026, 3, 3, 23, 59, 59), "C3", 7, "chat", False, -3, 45.0),
    (5, dt.datetime(2026, 3, 4, 8, 0), "C4", 7, "chat", False, 5, 90000.0),
    (6, dt.datetime(2026, 3, 4, 8, 30), "C5", 8, "email", True, 0, float("inf")),
    (7, None, "C6", 8, "email", True, 4, 60.0),
]


def _parquet(tz: str | None) -> bytes:
    """The rows as typed Arrow columns, written without pandas' metadata (as Spark, DuckDB or
    Polars write Parquet): timestamps in µs, ints and bools with nulls, dictionary text."""
    stamps = pa.array([r[1] for r in ROWS], pa.timestamp("us"))
    if tz:  # the same wall-clock times, as instants of a zone-aware column
        stamps = stamps.cast(pa.timestamp("us", tz=tz))
    table = pa.table(
        {
            "Date": stamps,
            "Id": pa.array([r[2] for r in ROWS], pa.string()),
            "Client": pa.array([r[3] for r in ROWS], pa.int64()),
            "Canal": pa.array([r[4] for r in ROWS], pa.string()).dictionary_encode(),
            "Decroche": pa.array([r[5] for r in ROWS], pa.bool_()),
            "Attente": pa.array([r[6] for r in ROWS], pa.int64()),
            "Comm": pa.array([r[7] for r in ROWS], pa.float64()),
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _csv(tz: str | None) -> bytes:
    """The same rows as the text such a tool writes: ISO timestamps (with their fraction, 'Z'
    for UTC), empty cells for nulls, true/false, 'inf'."""
    end = "Z" if tz else ""
    lines = ["Date;Id;Client;Canal;Decroche;Attente;Comm"]
    for _row, when, cid, cust, canal, ans, wait, talk in ROWS:
        cells = [
            "" if when is None else when.isoformat(sep=" ", timespec="milliseconds") + end,
            cid,
            "" if cust is None else str(cust),
            canal,
            "" if ans is None else str(ans).lower(),
            "" if wait is None else str(wait),
            "" if talk is None else str(talk),
        ]
        lines.append(";".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


EXPECTED_USED = pd.DataFrame(
    {
        "_row": [2, 3],
        "started_at": pd.to_datetime(["2026-03-02 09:15:00", "2026-03-02 10:00:00"]),  # cut
        "contact_id": ["C1", "C2"],
        "canal": ["telephone", "email"],
        "answered": pd.array([True, None], dtype="boolean"),
        "wait_s": [12.0, np.nan],
        "talk_s": [30.5, np.nan],
    }
)
EXPECTED_ASIDE = [
    (4, "negative_duration", "wait_s (Attente): '-3'"),
    (5, "absurd_duration", "talk_s (Comm): '90000.0'"),
    (6, "unparseable_duration", "talk_s (Comm): 'inf'"),
    (7, "missing_required", "started_at: vide / empty"),
]


def _import(data: bytes, name: str, fast: bool, monkeypatch):
    """``fast``: every column parsed once per distinct value, fields on threads; else neither."""
    with monkeypatch.context() as mp:
        mp.setattr(columns, "DISTINCT_MAX_RATIO", 1.0 if fast else -1.0)
        mp.setattr(pipeline, "PARALLEL_MIN_ROWS", 0 if fast else 10**12)
        return import_file(data, name, mapping=MAPPING, key=KEY)


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
@pytest.mark.parametrize("tz", [None, "UTC"], ids=["naive", "utc"])
def test_typed_parquet_imports_as_the_same_csv(tz, fast, monkeypatch):
    from_csv = _import(_csv(tz), "contacts.csv", fast, monkeypatch)
    from_pq = _import(_parquet(tz), "contacts.parquet", fast, monkeypatch)
    for res in (from_csv, from_pq):
        rep = res.report
        assert (rep["rows_in"], rep["rows_used"], rep["rows_set_aside"]) == (6, 2, 4)
        got = res.data[list(EXPECTED_USED.columns)].copy()
        got["canal"] = got["canal"].astype(str)
        pd.testing.assert_frame_equal(got, EXPECTED_USED, check_dtype=False)
        assert str(res.data["answered"].dtype) == "boolean"
        aside = res.set_aside[["_row", "reason", "detail"]]
        assert [tuple(r) for r in aside.itertuples(index=False)] == EXPECTED_ASIDE
    # the whole canonical tables agree, dtypes and pseudonyms included
    pd.testing.assert_frame_equal(
        from_csv.data.drop(columns="_file"), from_pq.data.drop(columns="_file")
    )


def test_an_int64_customer_id_keeps_every_digit(monkeypatch):
    """The pseudonym of 2**60 + 1 stored as int64 is that of its digits, as in a CSV, not that
    of the float64 nearest to it (2**60)."""
    res = _import(_parquet(None), "contacts.parquet", False, monkeypatch)
    got = res.data["customer_id"]
    exact = pseudonymise(pd.Series(["1152921504606846977"]), KEY).iloc[0]
    rounded = pseudonymise(pd.Series(["1152921504606846976"]), KEY).iloc[0]
    assert exact != rounded
    assert got.iloc[0] == exact
    assert got.isna().tolist() == [False, True]
    assert str(res.raw.frame["Client"].dtype) == "Int64"  # read as an integer, never a float


def test_typed_columns_reach_the_parsers_typed():
    """No column of the typed file is turned into text or Python objects on the way."""
    res = import_file(_parquet("UTC"), "contacts.parquet", mapping=MAPPING, key=KEY)
    kinds = {c: str(t) for c, t in res.raw.frame.dtypes.items()}
    assert kinds["Date"].startswith("datetime64[") and "UTC" in kinds["Date"]
    assert kinds["Client"] == "Int64" and kinds["Attente"] == "Int64"
    assert kinds["Decroche"] == "boolean"
    assert kinds["Canal"] == "category"
    assert kinds["Comm"] == "float64"
    assert res.report["parsing"]["started_at"]["format"] == "native"
    # the fraction of a second of row 2 is cut as the text parser cuts it
    assert res.raw.frame["Date"].iloc[0] == pd.Timestamp("2026-03-02 09:15:00", tz="UTC")


def test_a_date_column_reads_as_midnight_like_its_text():
    """A Parquet date32 column: the same datetimes as the text '2026-03-02', not objects."""
    days = [dt.date(2026, 3, 2), None, dt.date(2026, 3, 31)]
    table = pa.table({"Date": pa.array(days, pa.date32()), "Id": ["A", "B", "C"]})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    mapping = 'table: contacts\ncolumns:\n  started_at: "Date"\n  contact_id: "Id"\n'
    from_pq = import_file(buf.getvalue(), "d.parquet", mapping=mapping, key=KEY)
    text = b"Date;Id\n2026-03-02;A\n;B\n2026-03-31;C\n"
    from_csv = import_file(text, "d.csv", mapping=mapping, key=KEY)
    assert str(from_pq.raw.frame["Date"].dtype).startswith("datetime64[")
    for res in (from_pq, from_csv):
        assert res.data["started_at"].tolist() == [
            pd.Timestamp("2026-03-02"),
            pd.Timestamp("2026-03-31"),
        ]
        assert res.set_aside["_row"].tolist() == [3]
        assert res.set_aside["reason"].tolist() == ["missing_required"]
        assert res.report["date_only"] == ["started_at"]


def _text_rows(n: int) -> dict[str, list[str]]:
    """``n`` rows of text as a French export holds them: few-valued columns (channel, yes/no,
    durations) beside distinct contact ids; a few rows to set aside among them."""
    canals = ["Téléphone", " chat", "E-mail", ""]
    answered = ["oui", "non", "", "N/A"]
    waits = ["12", "0", "-3", "", "7,5", "abc"]
    return {
        "Date": [f"{1 + i % 28:02d}/03/2026 {8 + i % 10:02d}:{i % 60:02d}:00" for i in range(n)],
        "Id": [f"CT{i}" for i in range(n)],
        "Client": [f"CLI-{i % 97}" if i % 13 else "" for i in range(n)],
        "Canal": [canals[i % 4] for i in range(n)],
        "Decroche": [answered[i % 4] for i in range(n)],
        "Attente": [waits[i % 6] for i in range(n)],
        "Comm": [str(30 + i % 5) for i in range(n)],
    }


def test_few_valued_text_columns_read_as_categories_give_the_same_import(monkeypatch):
    """A large text Parquet reads its few-valued columns as dictionaries (categories): the
    import is the same as with every column read as text, and as the same rows in CSV."""
    import kpis.io.sheets as sheets

    cols = _text_rows(3000)
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf, row_group_size=700)  # dictionaries per row group
    data = buf.getvalue()
    lines = [";".join(cols)] + [";".join(row) for row in zip(*cols.values(), strict=True)]
    text = ("\n".join(lines) + "\n").encode("utf-8")
    with monkeypatch.context() as mp:
        mp.setattr(sheets, "CATEGORY_MIN_ROWS", 0)
        coded = import_file(data, "t.parquet", mapping=MAPPING, key=KEY)
    with monkeypatch.context() as mp:
        mp.setattr(sheets, "CATEGORY_MIN_ROWS", 10**12)
        plain = import_file(data, "t.parquet", mapping=MAPPING, key=KEY)
    from_csv = import_file(text, "t.csv", mapping=MAPPING, key=KEY)
    kinds = {c: str(t) for c, t in coded.raw.frame.dtypes.items()}
    assert [c for c, t in kinds.items() if t == "category"] == [
        "Client",  # 97 customers and the empty cell: 98 values in 3000 rows
        "Canal",
        "Decroche",
        "Attente",
        "Comm",
    ]
    assert "category" not in {str(t) for t in plain.raw.frame.dtypes}
    # by hand: 3000 rows; "-3" (i % 6 == 2) and "abc" (i % 6 == 5) set aside, 500 each
    rep = coded.report
    assert (rep["rows_in"], rep["rows_used"]) == (3000, 2000)
    assert rep["set_aside"] == {"negative_duration": 500, "unparseable_duration": 500}
    canal = coded.data["canal"]
    assert canal.isna().sum() == 500  # the empty channel cells (i % 4 == 3)
    assert canal.dropna().astype(str).value_counts().to_dict() == {
        "telephone": 500,
        "chat": 500,
        "email": 500,
    }
    for other in (plain, from_csv):
        pd.testing.assert_frame_equal(
            coded.data.drop(columns="_file"), other.data.drop(columns="_file")
        )
        pd.testing.assert_frame_equal(coded.set_aside, other.set_aside)
    assert coded.report == plain.report


def _talk_time_both_ways(comm: pa.Array, text: str):
    """The same contacts imported from Parquet (talk time ``comm``, one row a minute from
    09:00, ids A, B, C…) and from the CSV ``text``, with one mapping: (from Parquet, from CSV)."""
    n = len(comm)
    table = pa.table(
        {
            "Date": pa.array([dt.datetime(2026, 3, 2, 9, i) for i in range(n)], pa.timestamp("s")),
            "Id": [chr(ord("A") + i) for i in range(n)],
            "Comm": comm,
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    mapping = (
        'table: contacts\ncolumns:\n  started_at: "Date"\n  contact_id: "Id"\n  talk_s: "Comm"\n'
    )
    return (
        import_file(buf.getvalue(), "t.parquet", mapping=mapping, key=KEY),
        import_file(text.encode(), "t.csv", mapping=mapping, key=KEY),
    )


def test_decimal_durations_read_as_their_text():
    """Decimal columns (as databases export amounts and durations) give what their text gives
    in a CSV: 30.50 s, a negative value set aside, a null missing."""
    import decimal

    values = [decimal.Decimal("30.50"), decimal.Decimal("-0.01"), None, decimal.Decimal("7")]
    text = (
        "Date;Id;Comm\n2026-03-02 09:00:00;A;30.50\n2026-03-02 09:01:00;B;-0.01\n"
        "2026-03-02 09:02:00;C;\n2026-03-02 09:03:00;D;7.00\n"
    )
    from_pq, from_csv = _talk_time_both_ways(pa.array(values, pa.decimal128(10, 2)), text)
    for res in (from_pq, from_csv):
        assert res.data["talk_s"].tolist()[0] == 30.5
        assert np.isnan(res.data["talk_s"].tolist()[1])
        assert res.data["talk_s"].tolist()[2] == 7.0
        aside = res.set_aside[["_row", "reason", "detail"]]
        assert [tuple(r) for r in aside.itertuples(index=False)] == [
            (3, "negative_duration", "talk_s (Comm): '-0.01'")
        ]
    pd.testing.assert_frame_equal(
        from_pq.data.drop(columns="_file"), from_csv.data.drop(columns="_file")
    )


def test_time_of_day_durations_read_as_their_text():
    """A time-of-day column used as a duration (talk time 00:06:12) gives what 'HH:MM:SS' text
    gives in a CSV: 372 s; the fraction of a second is cut, as before."""
    times = [dt.time(0, 6, 12, 700000), None, dt.time(1, 0, 0)]
    text = (
        "Date;Id;Comm\n2026-03-02 09:00:00;A;00:06:12\n2026-03-02 09:01:00;B;\n"
        "2026-03-02 09:02:00;C;01:00:00\n"
    )
    from_pq, from_csv = _talk_time_both_ways(pa.array(times, pa.time64("us")), text)
    for res in (from_pq, from_csv):
        talk = res.data["talk_s"].tolist()
        assert talk[0] == 372.0 and np.isnan(talk[1]) and talk[2] == 3600.0
        assert res.report["rows_used"] == 3
    pd.testing.assert_frame_equal(
        from_pq.data.drop(columns="_file"), from_csv.data.drop(columns="_file")
    )


def test_auto_mapping_of_a_typed_parquet_matches_the_csv():
    """No mapping given: the sample's first 3,000 contacts as Parquet, their whole-number columns
    (waits, talk and hold times) stored as int64 with nulls, are recognised, mapped and read as
    the same rows in CSV are — same columns chosen, same values, nothing set aside."""
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "contacts.csv"
    text = pd.read_csv(sample, sep=";", dtype=str, nrows=3000, keep_default_na=False)
    columns, ints = {}, []
    for name in text.columns:
        cells = text[name].replace("", None)
        num = pd.to_numeric(cells.str.replace(",", ".", regex=False), errors="coerce")
        whole = cells.notna().any() and num.notna().sum() == cells.notna().sum()
        if whole and (num.dropna() % 1 == 0).all():
            columns[name] = pa.array(num.astype("Int64"), pa.int64())
            ints.append(name)
        else:
            columns[name] = pa.array(text[name].tolist(), pa.string())
    assert {"Temps d'attente", "Durée de communication"} <= set(ints)  # the typed case is real
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    from_pq = import_file(buf.getvalue(), "appels.parquet", key=KEY)
    from_csv = import_file(text.to_csv(sep=";", index=False).encode(), "appels.csv", key=KEY)
    assert from_pq.mapping.columns == from_csv.mapping.columns
    assert from_pq.report["rows_used"] == from_csv.report["rows_used"] == 3000
    pd.testing.assert_frame_equal(
        from_pq.data.drop(columns="_file"), from_csv.data.drop(columns="_file")
    )
