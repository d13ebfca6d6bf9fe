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
