"""The speed benchmarks' peers (DuckDB's SQL, Polars' expressions) compute the same numerators and
denominators as Pilote: a ratio of times means nothing if the peers count another population.
(The DuckDB SQL once counted every channel as offered calls, while Pilote's answer rate counts the
telephone channel's inbound presented calls: caught by this test.)"""

from __future__ import annotations

import pytest

from benchmarks import synthetic
from benchmarks.run import duckdb_check, duckdb_check_ids, duckdb_prepare
from kpis.engine import compute


@pytest.fixture(scope="module")
def small():
    contacts = synthetic.contacts(6000, seed=3)
    surveys = synthetic.surveys(contacts)
    tables = {"contacts": contacts, "surveys": surveys}
    return contacts, surveys, compute(tables, list(duckdb_check_ids()))


def test_synthetic_data_has_several_channels(small):
    # without other channels than the telephone the population check below would be vacuous
    contacts, _, _ = small
    assert contacts["canal"].nunique() >= 3
    assert (contacts["canal"] == "telephone").mean() < 0.9


def test_duckdb_sql_counts_the_same_populations_as_pilote(small):
    import duckdb

    contacts, surveys, pilote = small
    con = duckdb.connect()
    duckdb_prepare(con, contacts, surveys)
    assert duckdb_check(con, pilote) == dict.fromkeys(duckdb_check_ids(), True)


def test_polars_expressions_count_the_same_populations_as_pilote(small):
    pl = pytest.importorskip("polars", reason="polars is in the dev extra; install .[dev]")
    from benchmarks import polars_suite

    contacts, _, pilote = small
    frame = pl.from_pandas(contacts.assign(_row=range(2, len(contacts) + 2)))
    flagged, last = polars_suite.flags(frame.drop("_row"))
    assert polars_suite.check(flagged, last, pilote) == dict.fromkeys(duckdb_check_ids(), True)


# The checked Polars import (benchmarks/polars_checked.py) is a lower bound of what Pilote's
# validated import costs in Polars: it must really make the checks it claims, or its time
# would flatter Polars.
CHECKED_HEADERS = {
    "contact_id": "Id contact",
    "customer_id": "Id client",
    "started_at": "Date",
    "canal": "Canal",
    "answered": "Décroché",
    "wait_s": "Attente",
}
CHECKED_CSV = (
    "Id contact;Id client;Date;Canal;Décroché;Attente\n"
    "C1;CLI-1;01/02/2026 08:00:00;telephone;oui;12,5\n"
    "C2;CLI-1;01/02/2026 08:05:00;telephone;non;3\n"
    "C3;CLI-2;31/02/2026 09:00:00;mail;non;1\n"
    ";;;;;\n"
    "C4;CLI-3;02/02/2026 10:00:00;mail;peut-être;4\n"
    "C5;CLI-3;02/02/2026 10:01:00;chat;oui;-4\n"
    "C6;CLI-4;02/02/2026 10:02:00;chat;non;abc\n"
    "C7;;03/02/2026 11:00:00;chat;non;90000\n"
    "C8;CLI-5;;chat;oui;5\n"
    "C2;CLI-6;04/02/2026 12:00:00;chat;oui;5\n"
    "C9;CLI-7;05/02/2026 12:00:00; chat ;OUI;7\n"
    "C10;CLI-7;05/01/1899 12:00:00;chat;oui;7\n"
)
CHECKED_REASONS = {  # by hand: line numbers as a spreadsheet shows them (header = 1)
    4: "unparseable_date",  # 31/02
    5: "empty_row",
    6: "unparseable_bool",  # 'peut-être'
    7: "negative_duration",
    8: "unparseable_duration",  # 'abc'
    9: "absurd_duration",  # 90,000 s > 24 h
    10: "missing_required",  # no start time
    11: "duplicate_contact_id",  # C2 again
    13: "unparseable_date",  # 1899: outside 1900-2199
}


def test_checked_polars_import_sets_aside_what_pilote_sets_aside(tmp_path):
    pl = pytest.importorskip("polars", reason="polars is in the dev extra; install .[dev]")
    from benchmarks.end_to_end import DATE_FORMAT, mapping_yaml
    from benchmarks.polars_checked import read_checked
    from kpis.io.mapping import load_mapping
    from kpis.io.pipeline import import_file

    path = tmp_path / "contacts.csv"
    path.write_text(CHECKED_CSV, encoding="utf-8")
    used, aside = read_checked(
        path, CHECKED_HEADERS, {"answered"}, ("started_at",), DATE_FORMAT, "contacts"
    )
    assert dict(zip(aside["_row"], aside["reason"], strict=True)) == CHECKED_REASONS
    assert aside.filter(pl.col("_row") == 4)["Date"].item() == "31/02/2026 09:00:00"  # as written
    assert used["contact_id"].to_list() == ["C1", "C2", "C9"]
    assert used["wait_s"].to_list() == [12.5, 3.0, 7.0]
    assert used["answered"].to_list() == [True, False, True]
    assert used["canal"].cast(pl.String).to_list() == ["telephone", "telephone", "chat"]
    assert used["customer_id"][0] == used["customer_id"][1]  # CLI-1 twice: one key

    pilote = import_file(
        path, mapping=load_mapping(mapping_yaml("contacts", CHECKED_HEADERS, ("started_at",)))
    )
    got = dict(zip(pilote.set_aside["_row"], pilote.set_aside["reason"], strict=True))
    assert got == CHECKED_REASONS


def test_checked_polars_vocabulary_is_pilotes():
    pytest.importorskip("polars", reason="polars is in the dev extra; install .[dev]")
    from benchmarks import polars_checked
    from kpis.schema import FALSE_VALUES, TRUE_VALUES

    assert polars_checked.TRUE_VALUES == TRUE_VALUES
    assert polars_checked.FALSE_VALUES == FALSE_VALUES


def test_end_to_end_engines_read_every_row_of_a_small_export(tmp_path):
    """Each engine of ``benchmarks.end_to_end`` (in this process, on 3,000 contacts) reads every
    row of the clean export: a harness that dropped rows would time less work."""
    pytest.importorskip("polars", reason="polars is in the dev extra; install .[dev]")
    from benchmarks import end_to_end

    c_path, s_path = end_to_end.write_files(3000, tmp_path)
    assert set(end_to_end.available_engines()) == set(end_to_end.ENGINES)
    for engine in end_to_end.ENGINES:
        res = end_to_end.one_engine(engine, c_path, s_path)
        assert res["rows"] == 3000, engine
        assert res["import"] > 0 and res["suite"] > 0
