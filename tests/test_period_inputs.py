"""Period inputs (costs, hours, customer base, headcount) read from small French files."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import french_csv

from kpis.errors import MissingRequiredField
from kpis.io.period_inputs import read_period_input
from kpis.io.sample import load_sample


def test_costs_month_periods_and_decimal_comma():
    data = french_csv(
        [
            ["Mois", "Prestataire", "Coût personnel (€)", "Coût total (€)"],
            ["01/01/2026", "Interne", "1000,50", "1 250,75"],
            ["01/02/2026", "Interne", "900", "1100"],
            ["pas une date", "Interne", "1", "2"],
        ]
    )
    frame, rep = read_period_input(data, "costs", "couts.csv")
    assert rep["mapping"]["cost"] == "Coût total (€)"  # the total, not the staff cost
    assert frame["cost"].tolist() == [1250.75, 1100.0]
    assert frame["period_end"].tolist() == [
        pd.Timestamp("2026-01-31 23:59:59"),
        pd.Timestamp("2026-02-28 23:59:59"),
    ]
    assert rep["rows_in"] == 3 and rep["rows_used"] == 2
    assert rep["set_aside"] == {"unparseable_date": 1}


def test_customer_base_end_column_is_not_the_period_end():
    data = french_csv(
        [
            [
                "Mois",
                "Clients en début de période",
                "Nouveaux clients",
                "Clients perdus",
                "Clients en fin de période",
            ],
            ["01/03/2026", "100", "10", "5", "105"],
        ]
    )
    frame, rep = read_period_input(data, "customer_base", "base.csv")
    assert rep["mapping"]["end"] == "Clients en fin de période"
    assert frame.iloc[0][["start", "new", "lost", "end"]].tolist() == [100, 10, 5, 105]
    assert frame["period_end"].iloc[0] == pd.Timestamp("2026-03-31 23:59:59")


def test_hours_missing_required_column_is_a_typed_error():
    data = french_csv([["Mois", "Conseiller", "Heures planifiées"], ["01/01/2026", "A", "150"]])
    with pytest.raises(MissingRequiredField) as exc:
        read_period_input(data, "hours", "heures.csv")
    assert exc.value.field == "absent_h"


def test_bundled_sample_loads_every_table_without_setting_rows_aside():
    tables, reports = load_sample(b"s" * 32)
    assert set(tables) == {
        "contacts",
        "surveys",
        "evaluations",
        "costs",
        "hours",
        "customer_base",
        "headcount",
    }
    for rep in reports:
        assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
        assert rep["rows_set_aside"] == 0, rep["file"]
    assert tables["contacts"]["customer_id"].dtype == "Int64"
    assert any(c.startswith("item:") for c in tables["evaluations"].columns)


def test_malformed_lines_are_counted_and_kept_not_dropped():
    # line 3 has one field too many (a stray separator), line 5 is not a date: both set aside,
    # with their line numbers, and rows in = rows used + rows set aside
    data = french_csv(
        [
            ["Mois", "Coût total (€)"],
            ["01/01/2026", "1000"],
            ["01/02/2026", "900", "oups"],
            ["01/03/2026", "800"],
            ["mars", "700"],
        ]
    )
    frame, rep = read_period_input(data, "costs", "couts.csv")
    assert frame["cost"].tolist() == [1000.0, 800.0]
    assert rep["rows_in"] == 4
    assert rep["rows_used"] == 2 and rep["rows_set_aside"] == 2
    assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    assert rep["set_aside"] == {"malformed_line": 1, "unparseable_date": 1}
    assert [(r["_row"], r["reason"]) for r in rep["aside_rows"]] == [
        (3, "malformed_line"),
        (5, "unparseable_date"),
    ]
