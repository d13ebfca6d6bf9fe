"""Awkward real-world files read with a clear outcome: blank-line runs, whitespace-only lines,
UTF-16, a lone quote that would swallow lines, very long fields, pipes instead of files."""

import os
import threading

import pandas as pd
import pytest
from conftest import french_csv

from kpis.errors import ImportFailed
from kpis.io.pipeline import import_file
from kpis.io.readers import detect_separator

KEY = b"k" * 16
HEADER = ["Date d'appel", "Canal", "Motif", "Décroché", "Temps d'attente", "Id client"]


def _rows(n=12):
    return [HEADER] + [
        [
            f"0{1 + i % 9}/01/2026 09:{i:02d}:00",
            "Téléphone",
            f"Motif {i % 3}",
            "oui",
            str(i),
            f"CLI-{i:03d}",
        ]
        for i in range(n)
    ]


def _text(rows):
    return "\n".join(";".join(r) for r in rows) + "\n"


def _balanced(res, rows_in):
    rep = res.report
    assert rep["rows_in"] == rows_in
    assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    assert len(res.data) == rep["rows_used"]


@pytest.mark.parametrize("blank", [199, 200, 500])
def test_blank_lines_before_the_header_never_decide_the_separator(blank):
    data = ("\n" * blank + _text(_rows())).encode()
    assert detect_separator(data.decode()) == ";"
    res = import_file(data, "appels.csv", key=KEY)
    _balanced(res, 12)
    assert res.report["rows_set_aside"] == 0


def test_whitespace_only_lines_after_the_header_are_blank_lines():
    rows = _rows()
    text = ";".join(rows[0]) + "\n" + "   \n" * 199 + _text(rows[1:])
    res = import_file(text.encode(), "appels.csv", key=KEY)
    _balanced(res, 12)
    assert res.report["rows_set_aside"] == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_read(encoding):
    res = import_file(_text(_rows()).encode(encoding), "unicode.txt", key=KEY)
    _balanced(res, 12)
    assert res.report["format"]["encoding"] == encoding
    assert res.report["mapping"]["started_at"] == "Date d'appel"
    assert res.data["motif"].astype(str).iloc[1] == "Motif 1"


def test_a_lone_quote_is_set_aside_alone_and_the_lines_it_swallowed_are_read():
    rows = _rows(40)
    rows[3][2] = '"Motif 2'  # opens a quote that never closes on its line
    res = import_file(french_csv(rows), "appels.csv", key=KEY)
    _balanced(res, 40)
    assert res.report["set_aside"] == {"unbalanced_quote": 1}
    assert res.set_aside["_row"].tolist() == [4]  # header = row 1
    assert res.report["rows_used"] == 39


def test_a_quote_closed_lines_later_with_the_right_field_count_is_caught_too():
    rows = _rows(30)
    rows[3][5] = '"CLI-003'  # last field opens a quote...
    rows[9][5] = 'CLI-009"'  # ...closed nine lines later: same field count, all swallowed
    res = import_file(french_csv(rows), "appels.csv", key=KEY)
    _balanced(res, 30)
    assert res.report["set_aside"] == {"unbalanced_quote": 1}
    assert res.report["rows_used"] == 29


def test_a_field_longer_than_128k_characters_is_read():
    rows = _rows()
    rows[2][2] = '"' + "x" * 200_000 + '"'
    rows[4][2] = '"' + "a;b" * 50 + '"'  # quoted separators: a real quoted value
    res = import_file(french_csv(rows), "long.csv", key=KEY)
    _balanced(res, 12)
    assert res.data["motif"].astype(str).str.len().max() == 200_000


def test_a_pipe_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "tube.csv"
    os.mkfifo(fifo)
    done = threading.Event()

    def unblock():  # if the reader ever waits on the pipe again, free it so the test fails
        if not done.wait(10):
            with open(fifo, "w") as w:
                w.write("")

    threading.Thread(target=unblock, daemon=True).start()
    with pytest.raises(ImportFailed) as err:
        import_file(fifo, key=KEY)
    done.set()
    assert "fichier ordinaire" in err.value.message("fr")
    with pytest.raises(ImportFailed):
        import_file(tmp_path, key=KEY)  # a folder


def _parquet(columns: dict) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "kind, values, expected_text",
    [
        ("nested", [[1, 2], [3], None, [], [4]], "[1, 2]"),
        ("nested", [{"a": 1, "b": "x"}] * 4 + [None], '{"a": 1, "b": "x"}'),
        ("binary", [b"Factu\xffration"] * 5, "Factu\ufffdration"),
    ],
)
def test_parquet_odd_column_types_become_text(kind, values, expected_text):
    import pyarrow as pa

    dates = [f"0{i + 1}/01/2026 09:00:00" for i in range(5)]
    data = _parquet({"Date d'appel": pa.array(dates), "Motif": pa.array(values)})
    res = import_file(data, "odd.parquet", key=KEY)
    _balanced(res, 5)
    assert res.report["format"]["converted_columns"] == {"Motif": kind}
    assert res.data["motif"].astype(str).iloc[0] == expected_text


@pytest.mark.parametrize("year", [1, 9999])
def test_parquet_timestamps_outside_pandas_range_are_set_aside_not_fatal(year):
    import datetime as dt

    import pyarrow as pa

    stamps = [dt.datetime(2026, 1, 2, 9)] * 4 + [dt.datetime(year, 1, 1)]
    data = _parquet(
        {"Date d'appel": pa.array(stamps, pa.timestamp("us")), "Canal": pa.array(["Mail"] * 5)}
    )
    res = import_file(data, "dates.parquet", key=KEY)
    _balanced(res, 5)
    assert res.report["rows_used"] == 4
    assert res.report["set_aside"] == {"unparseable_date": 1}
    assert res.set_aside["_row"].tolist() == [6]


def test_a_20000_column_csv_is_refused_with_a_clear_message():
    header = ["Date du contact", "Canal"] + [f"col_{i}" for i in range(20_000)]
    data = ";".join(header) + "\n" + ";".join(["02/01/2026 09:00", "Mail"] + ["1"] * 20_000)
    with pytest.raises(ImportFailed) as err:
        import_file(data.encode(), "large.csv", key=KEY)
    msg = err.value.message("fr")
    assert "20\u202f002 colonnes" in msg and "2\u202f000" in msg and "large.csv" in msg


def _xlsx(rows, tmp_path, name="x.xlsx", write_only=True):
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Appels") if write_only else wb.active
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path.read_bytes()


def test_a_16384_column_xlsx_is_refused_with_a_clear_message(tmp_path):
    data = _xlsx([[f"c{j}" for j in range(16_384)], list(range(16_384))], tmp_path)
    with pytest.raises(ImportFailed) as err:
        import_file(data, "wide.xlsx", key=KEY)
    assert "16\u202f384 colonnes" in err.value.message("fr")


def test_a_2001_column_parquet_is_refused_with_a_clear_message():
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({f"c{j}": [j] for j in range(2_001)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    with pytest.raises(ImportFailed) as err:
        import_file(buf.getvalue(), "large.parquet", key=KEY)
    msg = err.value.message("fr")
    assert "2\u202f001 colonnes" in msg and "2\u202f000" in msg and "large.parquet" in msg


def test_wide_but_allowed_files_map_their_few_known_columns():
    header = ["Date du contact", "Canal", "Motif"] + [f"col_{i}" for i in range(1_990)]
    row = ["02/01/2026 09:00", "Mail", "Facturation"] + ["7"] * 1_990
    data = "\n".join(";".join(r) for r in [header, row, row]).encode()
    res = import_file(data, "wide.csv", key=KEY)
    assert res.report["mapping"]["started_at"] == "Date du contact"
    assert res.report["mapping"]["motif"] == "Motif"
    assert not any(str(v).startswith("col_") for v in res.report["mapping"].values())


def test_excel_datetime_cells_are_dates_whatever_the_mapping_format_says(tmp_path):
    import datetime as dt

    rows = [
        ["Date d'appel", "Canal", "Id client"],
        [dt.datetime(2026, 1, 2, 9, 30), "Téléphone", 1001],
        ["03/01/2026 10:00", "Téléphone", 1002],  # a text cell beside real dates
        [None, None, None],  # a blank row: skipped, the next keeps its sheet row number
        [dt.datetime(2026, 1, 4, 8, 0), "Mail", 1003],
    ]
    data = _xlsx(rows, tmp_path, write_only=False)
    mapping = {
        "table": "contacts",
        "columns": {"started_at": "Date d'appel", "canal": "Canal", "customer_id": "Id client"},
        "formats": {"started_at": "%d/%m/%Y %H:%M"},
    }
    from kpis.io.mapping import mapping_from_dict

    res = import_file(data, "x.xlsx", mapping=mapping_from_dict(mapping), key=KEY)
    _balanced(res, 3)
    assert res.data["started_at"].tolist() == [
        pd.Timestamp("2026-01-02 09:30"),
        pd.Timestamp("2026-01-03 10:00"),
        pd.Timestamp("2026-01-04 08:00"),
    ]
    assert res.data["_row"].tolist() == [2, 3, 5]


@pytest.mark.parametrize("map_customer", [False, True])
def test_malformed_lines_are_kept_with_their_personal_data_masked(map_customer):
    rows = _rows(10)
    bad = (
        "03/01/2026 10:00;Téléphone;Motif 1;oui;5;CLI-004;jean.dupont@example.fr;+33 6 12 34 56 78"
    )
    text = _text(rows) + bad + "\n"
    mapping = None
    if not map_customer:  # the id column is not mapped: the line must be masked all the same
        from kpis.io.mapping import mapping_from_dict

        mapping = mapping_from_dict(
            {"table": "contacts", "columns": {"started_at": "Date d'appel", "motif": "Motif"}}
        )
    res = import_file(text.encode(), "appels.csv", mapping=mapping, key=KEY)
    _balanced(res, 11)
    detail = res.set_aside.loc[res.set_aside["reason"] == "malformed_line", "detail"].iloc[0]
    assert "Motif 1" in detail  # still readable
    for secret in ("CLI-004", "jean.dupont", "12 34 56 78"):
        assert secret not in detail
