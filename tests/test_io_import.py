"""Import pipeline on small French-format files built here: detection, parsing, validation."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from conftest import french_csv

from kpis.errors import ImportFailed, MappingError, MissingRequiredField
from kpis.io.mapping import load_mapping
from kpis.io.parsers import parse_bool, parse_datetime, parse_duration, parse_number
from kpis.io.pipeline import combine, import_file
from kpis.io.readers import detect_separator, read_any

KEY = b"k" * 32

HEADER = [
    "Date d'appel",
    "Canal",
    "Motif",
    "Décroché",
    "Temps d'attente",
    "Durée de communication",
    "Id client",
]


def _rows():
    return [
        HEADER,
        ["02/01/2026 09:15:00", "Téléphone", "Facturation", "oui", "12", "245,5", "CLI-001"],
        ["02/01/2026 10:00:00", "Mail", "Réclamation", "non", "95", "", "CLI-002"],
        ["13/01/2026 17:45:30", "Tchat", "Livraison", "Oui", "0", "60", "CLI-001"],
    ]


# ---------------------------------------------------------------- format detection


@pytest.mark.parametrize(
    "encoding,bom,expected",
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")],
)
def test_french_csv_encodings(encoding, bom, expected):
    res = import_file(french_csv(_rows(), encoding, bom), "appels.csv", key=KEY)
    fmt = res.report["format"]
    assert fmt["encoding"] == expected
    assert fmt["separator"] == ";"
    # accented headers and values survive every encoding
    assert res.report["mapping"]["talk_s"] == "Durée de communication"
    assert list(res.data["motif"].astype(str)) == ["Facturation", "Réclamation", "Livraison"]
    # decimal comma: 245,5 s
    assert res.data["talk_s"].iloc[0] == 245.5
    assert pd.isna(res.data["talk_s"].iloc[1])
    # channel labels normalised
    assert list(res.data["canal"].astype(str)) == ["telephone", "email", "chat"]
    assert list(res.data["answered"]) == [True, False, True]
    # day-first decided from 13/01 (no month 13)
    assert res.data["started_at"].iloc[2] == pd.Timestamp("2026-01-13 17:45:30")
    assert res.report["parsing"]["started_at"]["order"] == "dayfirst"
    assert res.report["rows_in"] == 3 and res.report["rows_used"] == 3


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators(sep):
    text = (
        sep.join(["date", "canal", "motif"])
        + "\n"
        + sep.join(["2026-01-02", "phone", "Billing"])
        + "\n"
        + sep.join(["2026-01-03", "chat", "Other"])
    )
    raw = read_any(text.encode(), "x.txt")
    assert raw.info["separator"] == sep
    assert raw.columns == ["date", "canal", "motif"]
    assert len(raw.frame) == 2


def test_runs_of_spaces_separator():
    text = "ID   CallLocalTime         WaitDuration\n1    2019-04-22 13:57:16   12\n"
    # a single space inside the timestamp is not a separator when columns are split by runs
    assert detect_separator(text) == "spaces"
    raw = read_any(text.encode(), "vocalcom.txt")
    assert raw.columns == ["ID", "CallLocalTime", "WaitDuration"]
    assert raw.frame["CallLocalTime"].iloc[0] == "2019-04-22 13:57:16"


def test_quoted_multiline_trailing_empty_and_bare_separator_rows():
    data = (
        "Date;Motif;Verbatim\r\n"
        '01/02/2026;Livraison;"colis perdu\r\ndeuxième ligne; avec point-virgule"\r\n'
        "02/02/2026;Facturation;ok\r\n"
        ";;\r\n"
        "\r\n\r\n"
    ).encode()
    res = import_file(data, "enquete.csv", table="contacts", key=KEY)
    # the multi-line comment stays one record; the bare-separator row is set aside as empty;
    # blank trailing lines are not records
    assert res.report["rows_in"] == 3
    assert res.report["rows_used"] == 2
    assert res.report["set_aside"] == {"empty_row": 1}
    assert res.set_aside["_row"].tolist() == [4]


def test_malformed_line_is_kept_not_dropped():
    data = b"date,motif\n2026-01-01,A\n2026-01-02,B,extra,cells\n2026-01-03,C\n"
    res = import_file(data, "x.csv", table="contacts", key=KEY)
    assert res.report["rows_in"] == 3
    assert res.report["rows_used"] == 2
    assert res.report["set_aside"] == {"malformed_line": 1}
    assert res.set_aside["_row"].tolist() == [3]
    assert "extra" in res.set_aside["detail"].iloc[0]


def test_xlsx_sheet_choice_and_parquet(tmp_path):
    frame = pd.DataFrame({"Date": ["2026-01-05", "2026-01-06"], "Motif": ["A", "B"]})
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        pd.DataFrame({"x": [1]}).to_excel(xw, sheet_name="Notes", index=False)
        frame.to_excel(xw, sheet_name="Appels", index=False)
    data = buf.getvalue()
    res = import_file(data, "export.xlsx", sheet="Appels", table="contacts", key=KEY)
    assert res.report["format"]["sheets"] == ["Notes", "Appels"]
    assert res.data["motif"].astype(str).tolist() == ["A", "B"]
    with pytest.raises(ImportFailed, match="Inexistante|does not exist"):
        import_file(data, "export.xlsx", sheet="Inexistante", table="contacts")
    pq = tmp_path / "x.parquet"
    frame.assign(Date=pd.to_datetime(frame["Date"])).to_parquet(pq)
    res = import_file(pq, table="contacts", key=KEY)
    assert res.report["format"]["format"] == "parquet"
    assert res.data["started_at"].tolist() == [
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-01-06"),
    ]


# ---------------------------------------------------------------- value parsers


@pytest.mark.parametrize(
    "values,expected,order",
    [
        (["02/01/2026", "13/01/2026"], ["2026-01-02", "2026-01-13"], "dayfirst"),
        (["1/2/2026", "1/13/2026"], ["2026-01-02", "2026-01-13"], "monthfirst"),
        (["02-01-2026", "31-12-2025"], ["2026-01-02", "2025-12-31"], "dayfirst"),
        (["2026-01-02T08:00:00Z"], ["2026-01-02 08:00:00"], "iso"),
        (["2021-01-01 3.53.50 PM"], ["2021-01-01 15:53:50"], "iso"),
        (["2021-01-01 8:00:00 AM"], ["2021-01-01 08:00:00"], "iso"),
        (["46024", "46024.5"], ["2026-01-02", "2026-01-02 12:00:00"], None),  # Excel serials
    ],
)
def test_parse_datetime_formats(values, expected, order):
    p = parse_datetime(pd.Series(values, dtype="str"))
    assert p.values.tolist() == [pd.Timestamp(e) for e in expected]
    assert not p.invalid.any()
    if order:
        assert p.info["order"] == order
    else:
        assert p.info["format"] == "excel_serial"


def test_parse_datetime_ambiguous_order_is_said():
    p = parse_datetime(pd.Series(["02/01/2026", "03/04/2026"], dtype="str"))
    assert p.info["order"] == "dayfirst"
    assert "ambiguous" in p.info["order_note"]


def test_parse_datetime_explicit_format_and_invalid():
    p = parse_datetime(
        pd.Series(["260102 08:00:01", "garbage", ""], dtype="str"), fmt="%y%m%d %H:%M:%S"
    )
    assert p.values.iloc[0] == pd.Timestamp("2026-01-02 08:00:01")
    assert p.invalid.tolist() == [False, True, False]  # empty is missing, not invalid


@pytest.mark.parametrize(
    "text,unit,seconds",
    [
        ("245", "s", 245.0),
        ("00:04:05", "s", 245.0),
        ("4:05", "s", 245.0),
        ("1:00:00", "s", 3600.0),
        ("12,5", "min", 750.0),
        ("0 days 00:06:12", "s", 372.0),
        ("1.5", "h", 5400.0),
    ],
)
def test_parse_duration(text, unit, seconds):
    assert parse_duration(pd.Series([text], dtype="str"), unit=unit).values.iloc[0] == seconds


@pytest.mark.parametrize(
    "text,value",
    [
        ("Y", True),
        ("N", False),
        ("oui", True),
        ("Non", False),
        ("yes", True),
        ("no", False),
        ("VRAI", True),
        ("faux", False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
    ],
)
def test_parse_bool(text, value):
    assert parse_bool(pd.Series([text], dtype="str")).values.iloc[0] == value


def test_parse_number_french_and_percent():
    p = parse_number(pd.Series(["1 234,5", "12,25", "7"], dtype="str"))
    assert p.values.tolist() == [1234.5, 12.25, 7.0]
    assert p.info["decimal"] == ","
    assert parse_number(pd.Series(["94.01%"], dtype="str")).values.iloc[0] == 94.01


# ---------------------------------------------------------------- mapping file and validation

MAPPING = """
table: contacts
columns:
  started_at: [jour, heure]
  contact_id: ref
  customer_id: appelant
  answered: issue
  wait_s: attente
  csat_score: note
formats:
  started_at: "%d/%m/%Y %Hh%M"
values:
  answered: {AGENT: true, RACCROCHE: false}
missing:
  customer_id: ["0"]
drop_rows:
  issue: [FANTOME]
scales:
  csat_score: [1, 5]
"""


def _validation_file() -> bytes:
    return french_csv(
        [
            ["jour", "heure", "ref", "appelant", "issue", "attente", "note"],
            ["05/01/2026", "08h30", "A1", "0612345678", "AGENT", "20", "5"],  # ok
            ["05/01/2026", "08h31", "A2", "0", "RACCROCHE", "40", ""],  # ok, anonymous
            ["32/01/2026", "08h32", "A3", "0611111111", "AGENT", "10", "4"],  # bad date
            ["05/01/2026", "08h33", "A4", "0622222222", "AGENT", "-5", "4"],  # negative wait
            ["05/01/2026", "08h34", "A5", "0633333333", "AGENT", "100000", ""],  # absurd wait
            ["05/01/2026", "08h35", "A6", "0644444444", "AGENT", "3", "9"],  # score out of scale
            ["05/01/2026", "08h36", "A1", "0655555555", "AGENT", "3", "3"],  # duplicate id
            ["05/01/2026", "08h37", "A8", "0666666666", "FANTOME", "3", ""],  # dropped
            ["", "", "", "", "", "", ""],  # empty
            ["05/01/2026", "08h38", "A9", "0677777777", "PEUT-ETRE", "3", ""],  # bad yes/no
        ]
    )


def test_validation_reasons_counts_and_rows():
    res = import_file(_validation_file(), "appels.csv", mapping=load_mapping(MAPPING), key=KEY)
    rep = res.report
    assert rep["rows_in"] == 10
    assert rep["rows_used"] == 2
    assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    assert rep["set_aside"] == {
        "unparseable_date": 1,
        "negative_duration": 1,
        "absurd_duration": 1,
        "score_out_of_scale": 1,
        "duplicate_contact_id": 1,
        "dropped_by_mapping": 1,
        "empty_row": 1,
        "unparseable_bool": 1,
    }
    by_row = dict(zip(res.set_aside["_row"], res.set_aside["reason"], strict=True))
    assert by_row == {
        4: "unparseable_date",
        5: "negative_duration",
        6: "absurd_duration",
        7: "score_out_of_scale",
        8: "duplicate_contact_id",
        9: "dropped_by_mapping",
        10: "empty_row",
        11: "unparseable_bool",
    }
    assert "32/01/2026 08h32" in res.set_aside.loc[res.set_aside["_row"] == 4, "detail"].iloc[0]
    # the used rows, parsed
    assert res.data["started_at"].tolist() == [
        pd.Timestamp("2026-01-05 08:30"),
        pd.Timestamp("2026-01-05 08:31"),
    ]
    assert res.data["answered"].tolist() == [True, False]
    assert res.data["customer_id"].isna().tolist() == [False, True]  # "0" means anonymous


def test_raw_customer_ids_never_in_outputs():
    res = import_file(_validation_file(), "appels.csv", mapping=load_mapping(MAPPING), key=KEY)
    blob = res.data.to_csv() + res.set_aside.to_csv() + json.dumps(res.report, default=str)
    for raw_id in ("0612345678", "0611111111", "0655555555", "0677777777"):
        assert raw_id not in blob
    assert res.data["customer_id"].dtype == "Int64"


def test_pseudonyms_stable_within_a_key_and_differ_across_keys():
    data = french_csv(_rows())
    a = import_file(data, "x.csv", key=b"a" * 32).data["customer_id"].tolist()
    b = import_file(data, "x.csv", key=b"a" * 32).data["customer_id"].tolist()
    c = import_file(data, "x.csv", key=b"c" * 32).data["customer_id"].tolist()
    assert a == b
    assert a[0] == a[2] and a[0] != a[1]  # CLI-001 twice
    assert set(a).isdisjoint(c)


def test_missing_required_field_names_file_field_and_candidates():
    data = french_csv([["Jour de l'appel", "Motif"], ["pas une date", "A"]])
    with pytest.raises(MissingRequiredField) as exc:
        import_file(data, "appels.csv", table="contacts")
    msg = exc.value.message("fr")
    assert "appels.csv" in msg and "started_at" in msg
    assert exc.value.candidates and exc.value.candidates[0] == "Jour de l'appel"


def test_mapping_naming_an_absent_column_is_a_typed_error():
    m = load_mapping("table: contacts\ncolumns: {started_at: Date, motif: Raison}\n")
    with pytest.raises(MappingError) as exc:
        import_file(b"Date,Motif\n2026-01-01,A\n", "x.csv", mapping=m)
    assert exc.value.column == "Raison"
    assert "x.csv" in exc.value.message("en")


def test_mapping_file_errors():
    with pytest.raises(MappingError, match="unknown keys"):
        load_mapping("table: contacts\ncolums: {}\n")
    with pytest.raises(MappingError, match="unknown fields"):
        load_mapping("table: contacts\ncolumns: {not_a_field: X}\n")
    with pytest.raises(MappingError, match="invalid YAML"):
        load_mapping("table: [contacts\n")


def test_derive_and_bool_wildcards():
    m = load_mapping(
        "table: contacts\ncolumns: {started_at: debut}\n"
        "derive: {wait_s: {diff: [decroche, debut]}, transferred: {present: vers}}\n"
        "values: {}\n"
    )
    data = (
        b"debut,decroche,vers\n2026-01-01 08:00:00,2026-01-01 08:00:45,N2\n2026-01-01 09:00:00,,\n"
    )
    res = import_file(data, "x.csv", mapping=m, key=KEY)
    assert res.data["wait_s"].iloc[0] == 45.0
    assert pd.isna(res.data["wait_s"].iloc[1])
    assert res.data["transferred"].tolist() == [True, False]


def test_duration_unit_read_from_header():
    data = b"date;Duree de communication (min)\n01/01/2026;2,5\n"
    res = import_file(data, "x.csv", table="contacts", key=KEY)
    assert res.data["talk_s"].iloc[0] == 150.0


def test_empty_and_binary_files_are_typed_errors():
    with pytest.raises(ImportFailed, match="empty"):
        import_file(b"", "vide.csv")
    with pytest.raises(ImportFailed):
        import_file(bytes(range(256)) * 4, "image.csv")


def test_combine_stacks_same_table_files():
    a = import_file(french_csv(_rows()), "a.csv", key=KEY, provider="Prestataire A")
    b = import_file(french_csv(_rows()), "b.csv", key=KEY, provider="Prestataire B")
    tables = combine([a, b])
    assert len(tables["contacts"]) == 6
    assert tables["contacts"]["provider"].value_counts().to_dict() == {
        "Prestataire A": 3,
        "Prestataire B": 3,
    }


def test_set_aside_rows_mask_personal_columns_but_keep_the_rest():
    data = (
        b"date,motif,telephone,contact,note\n"
        b"2026-01-05,A,06 12 34 56 78,jean.dupont@example.com,ok\n"
        b"pas une date,B,0698765432,marie@example.org,ko\n"
    )
    res = import_file(data, "x.csv", table="contacts", key=KEY)
    aside = res.set_aside
    assert res.report["set_aside"] == {"unparseable_date": 1}
    blob = aside.to_csv()
    assert "0698765432" not in blob and "marie@example.org" not in blob
    assert aside["telephone"].iloc[0].startswith("pid:")
    # the cells a user needs to fix the row stay readable
    assert aside["date"].iloc[0] == "pas une date" and aside["note"].iloc[0] == "ko"
