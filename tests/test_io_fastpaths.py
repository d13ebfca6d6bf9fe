"""The import's fast paths give exactly what the plain path gives.

Large files take shortcuts: a column with few distinct values is parsed once per distinct value
(``kpis.io.columns``), the fields are parsed side by side on threads, blank rows are looked for
column by column, duplicates are found from codes. Each shortcut is checked here against the
plain path on real files (the bundled sample and ``../shared/data``) and on small tables whose
answer is written by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kpis.io.columns as columns
import kpis.io.pipeline as pipeline
import kpis.io.readers as readers
from kpis.io.fields import duplicated_among
from kpis.io.parsers import is_missing
from kpis.io.pipeline import import_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
KEY = b"f" * 32

SAMPLE_FILES = [
    ROOT / "sample_data" / f for f in ("contacts.csv", "enquetes.csv", "evaluations.csv")
]
SHARED_FILES = [
    "pwc_call_center/Call-Center-Dataset.csv",
    "pwc_call_center/01 Call-Center-Dataset.xlsx",
    "simulated_call_centre/simulated_call_centre.csv",
    "kaggle_call_center_daily/Call Center Data (semicolon variant).csv",
    "kaggle_customer_support_tickets/customer_support_tickets.csv",
    "rwfd_help_desk/Help Desk.csv",
    "twcs_head5000/twcs_head5000.csv",
    "retail_banking_crm/crm_events.csv",
    "retail_banking_crm/crm_call_center_logs.csv",
    "nps_survey/nps_survey.csv",
]


def _import_both_ways(path: Path, monkeypatch, mapping=None):
    """(plain, fast): plain = no distinct-value parsing, no threads; fast = both, always."""
    with monkeypatch.context() as mp:
        mp.setattr(columns, "DISTINCT_MAX_RATIO", -1.0)
        mp.setattr(pipeline, "PARALLEL_MIN_ROWS", 10**12)
        plain = import_file(path, mapping=mapping, key=KEY)
    with monkeypatch.context() as mp:
        mp.setattr(columns, "DISTINCT_MAX_RATIO", 1.0)
        mp.setattr(pipeline, "PARALLEL_MIN_ROWS", 0)
        mp.setattr(readers, "CATEGORY_MIN_BYTES", 0)
        fast = import_file(path, mapping=mapping, key=KEY)
    return plain, fast


def _assert_same(plain, fast):
    pd.testing.assert_frame_equal(plain.data, fast.data)
    pd.testing.assert_frame_equal(plain.set_aside, fast.set_aside)
    assert plain.report == fast.report


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_files_same_both_ways(path, monkeypatch):
    mapping = path.with_suffix(".mapping.yaml").read_text(encoding="utf-8")
    plain, fast = _import_both_ways(path, monkeypatch, mapping)
    assert len(plain.data) > 100
    if len(plain.data) > 1000:  # enough rows for the sample: few-valued columns as categories
        kinds = {str(dtype) for dtype in fast.raw.frame.dtypes}
        assert "category" in kinds and "category" not in {str(d) for d in plain.raw.frame.dtypes}
    _assert_same(plain, fast)


@pytest.mark.shared_data
@pytest.mark.parametrize("rel", SHARED_FILES)
def test_shared_files_same_both_ways(rel, monkeypatch):
    """Every shortcut on (categories when reading, distinct values, threads) vs none."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data absent: public datasets live beside the repo in dev/CI only")
    plain, fast = _import_both_ways(SHARED / rel, monkeypatch)
    _assert_same(plain, fast)


MESSY = (
    "Id contact;Id client;Date;Canal;Décroché;Attente;Note\n"
    "C1;CLI-1;01/02/2026 08:00:00;Téléphone;oui;12,5;\n"
    "C2; CLI-1 ;01/02/2026 08:05:00;telephone;non;3;\n"
    "C1;CLI-2;31/02/2026 09:00:00;mail;peut-être;1:30;\n"
    ";;;;;;\n"
    "C3;4587.0;02/02/2026 10:00:00; E-mail ;OUI;-4;\n"
    "C4;4587;02/02/2026 10:01:00;chat;;abc;\n"
    "C5;;03/02/2026 11:00:00;chat;non;90000;\n"
    "C3;CLI-3;03/02/2026 12:00:00;chat;non;7;\n"
    "C2;CLI-4;04/02/2026 12:00:00;chat;oui;5;\n"
)
MESSY_MAP = """table: contacts
columns:
  contact_id: "Id contact"
  customer_id: "Id client"
  started_at: "Date"
  canal: "Canal"
  answered: "Décroché"
  wait_s: "Attente"
formats:
  started_at: "%d/%m/%Y %H:%M:%S"
"""


def test_messy_file_same_both_ways_and_hand_checked(tmp_path, monkeypatch):
    path = tmp_path / "messy.csv"
    path.write_text(MESSY, encoding="utf-8")
    plain, fast = _import_both_ways(path, monkeypatch, MESSY_MAP)
    _assert_same(plain, fast)
    # by hand: row numbers as a spreadsheet shows them (header = 1)
    reasons = dict(zip(fast.set_aside["_row"], fast.set_aside["reason"], strict=True))
    assert reasons == {
        4: "unparseable_date",  # 31/02 (the date field is read before the yes/no 'peut-être')
        5: "empty_row",
        6: "negative_duration",
        7: "unparseable_duration",  # 'abc'
        8: "absurd_duration",  # 90000 s > 24 h
        10: "duplicate_contact_id",  # C2 again; C3 of row 9 counts, its twin of row 6 is aside
    }
    assert fast.report["rows_in"] == 9
    assert fast.report["rows_used"] + fast.report["rows_set_aside"] == 9
    data = fast.data
    assert list(data["contact_id"]) == ["C1", "C2", "C3"]
    assert list(data["canal"].astype(str)) == ["telephone", "telephone", "chat"]
    assert list(data["wait_s"]) == [12.5, 3.0, 7.0]
    assert data["answered"].tolist() == [True, False, False]
    # ' CLI-1 ' is trimmed: CLI-1 twice is one customer, one pseudonym
    assert data["customer_id"].nunique() == 2
    assert data["customer_id"].iloc[0] == data["customer_id"].iloc[1]


def test_float_artefact_ids_share_a_pseudonym(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("Id contact;Id client;Date\nA;4587.0;01/02/2026\nB;4587;02/02/2026\n")
    res = import_file(
        path,
        mapping="table: contacts\ncolumns:\n  contact_id: Id contact\n  customer_id: Id client\n"
        "  started_at: Date\n",
        key=KEY,
    )
    assert res.data["customer_id"].nunique() == 1


def test_factorize_codes_follow_first_appearance_and_keep_missing():
    s = pd.Series(["b", "a", None, "b", "c", None, "a"], dtype="str")
    codes, uniques = columns.factorize(s)
    assert codes.tolist() == [0, 1, 2, 0, 3, 2, 1]
    assert uniques.iloc[[0, 1, 3]].tolist() == ["b", "a", "c"]
    assert pd.isna(uniques.iloc[2])
    pd.testing.assert_series_equal(columns.spread(uniques, codes, s.index), s, check_names=False)


def test_few_distinct_by_sample():
    assert columns.few_distinct(pd.Series(["oui", "non"] * 500, dtype="str"))
    assert not columns.few_distinct(pd.Series([f"C{i}" for i in range(1000)], dtype="str"))
    assert not columns.few_distinct(pd.Series(np.arange(1000.0)))  # native numbers: direct


def test_duplicated_among_all_rows_and_a_subset():
    codes = np.array([0, 1, 0, 2, 1, 3])
    everyone = np.ones(6, dtype=bool)
    assert duplicated_among(codes, everyone).tolist() == [False, False, True, False, True, False]
    # row 0 set aside: row 2 is then the first 0 among the rows that count
    ok = np.array([False, True, True, True, True, True])
    assert duplicated_among(codes, ok).tolist() == [False, False, False, False, True, False]
    assert duplicated_among(np.array([], dtype=np.int64), np.array([], dtype=bool)).size == 0


def test_is_missing_same_on_arrow_and_object_text():
    values = ["a", "", " ", "\u00a0", None, "x ", "\t", "0"]
    expected = [False, True, True, True, True, False, True, False]
    assert is_missing(pd.Series(values, dtype="str")).tolist() == expected
    assert is_missing(pd.Series(values, dtype=object)).tolist() == expected


def test_empty_rows_found_column_by_column():
    frame = pd.DataFrame(
        {
            "_row": [2, 3, 4, 5],
            "a": pd.Series(["", "x", " ", ""], dtype="str"),
            "b": pd.Series(["", "", "", "y"], dtype="str"),
        }
    )
    assert pipeline._empty_rows(frame, ["a", "b"]).tolist() == [True, False, True, False]
    assert pipeline._empty_rows(frame, []).tolist() == [False] * 4


def test_quoted_line_break_still_read_as_one_record(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('id;commentaire\n1;"deux\nlignes"\n2;simple\n', encoding="utf-8")
    from kpis.io.readers import read_any

    raw = read_any(path)
    assert raw.frame["commentaire"].tolist() == ["deux\nlignes", "simple"]
    assert raw.frame["_row"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("fmt", "texts", "expected"),
    [
        (
            "%d/%m/%Y %H:%M:%S",
            [
                "31/02/2026 10:00:00",
                "03/03/2026 10:00:00",
                "29/02/2024 08:00:00",
                "01/03/2026  9:00:00",
            ],
            ["NaT", "2026-03-03 10:00:00", "2024-02-29 08:00:00", "2026-03-01 09:00:00"],
        ),
        (
            "%m/%d/%Y %I:%M:%S %p",
            ["02/30/2026 03:00:00 PM", "03/02/2026 03:00:00 PM"],
            ["NaT", "2026-03-02 15:00:00"],
        ),
        (
            "%Y-%m-%dT%H:%M:%S",
            ["2025-02-29T01:00:00", "2025-03-01T01:00:00"],
            ["NaT", "2025-03-01 01:00:00"],
        ),
        (
            "%d.%m.%y",
            ["31.04.26", "01.05.26", "02.05.26"],
            ["NaT", "2026-05-01 00:00:00", "2026-05-02 00:00:00"],
        ),
    ],
)
def test_rolled_over_days_are_invalid_not_moved(fmt, texts, expected):
    """strptime turns 31/02 into 03/03; such a date must be set aside, a real 03/03 kept."""
    from kpis.io.parsers import parse_datetime

    for series in (pd.Series(texts, dtype="str"), pd.Series(texts, dtype=object)):
        got = parse_datetime(series, fmt)
        assert [str(v) for v in got.values] == expected
        assert got.invalid.tolist() == [e == "NaT" for e in expected]


def test_large_cp1252_file_with_quotes_same_with_default_thresholds(tmp_path, monkeypatch):
    """A file above the category threshold (8 MB), in cp1252, with quoted separators and line
    breaks, a column that is few-valued in the first megabyte and many-valued after it, and bad
    cells far from the start: the default (fast) import equals the plain one."""
    rng = np.random.default_rng(7)
    n = 120_000
    motif = np.where(np.arange(n) < 20_000, "Facture", [f"Motif {i}" for i in range(n)])
    rows = pd.DataFrame(
        {
            "Id contact": [f"C{i}" for i in range(n)],
            "Id client": [f"CLI-{i % 9000}" for i in range(n)],
            "Date": [f"{1 + i % 28:02d}/02/2026 {i % 24:02d}:00:00" for i in range(n)],
            "Canal": rng.choice(["Téléphone", "E-mail", "Chat"], n),
            "Motif": motif,
            "Décroché": rng.choice(["oui", "non", ""], n),
            "Attente": rng.integers(0, 300, n).astype(str),
            "Commentaire": rng.choice(["RAS", "appel; transféré", "ligne 1\nligne 2", ""], n),
        }
    )
    rows.loc[100_000, "Attente"] = "abc"
    rows.loc[110_000, "Date"] = "31/02/2026 10:00:00"
    path = tmp_path / "gros.csv"
    rows.to_csv(path, sep=";", index=False, encoding="cp1252")
    assert path.stat().st_size > readers.CATEGORY_MIN_BYTES
    mapping = (
        "table: contacts\ncolumns:\n  contact_id: Id contact\n  customer_id: Id client\n"
        "  started_at: Date\n  canal: Canal\n  motif: Motif\n  answered: Décroché\n"
        "  wait_s: Attente\n"
    )
    with monkeypatch.context() as mp:
        mp.setattr(columns, "DISTINCT_MAX_RATIO", -1.0)
        mp.setattr(pipeline, "PARALLEL_MIN_ROWS", 10**12)
        mp.setattr(readers, "CATEGORY_MIN_BYTES", 10**12)
        plain = import_file(path, mapping=mapping, key=KEY)
    fast = import_file(path, mapping=mapping, key=KEY)
    assert "category" in {str(d) for d in fast.raw.frame.dtypes}
    assert fast.raw.info["encoding"] == "cp1252"
    _assert_same(plain, fast)
    reasons = dict(zip(fast.set_aside["_row"], fast.set_aside["reason"], strict=True))
    # data rows start at spreadsheet row 2: row index i is row i + 2
    assert reasons == {100_002: "unparseable_duration", 110_002: "unparseable_date"}
    assert fast.data["motif"].nunique() == 1 + (n - 20_000) - 2
