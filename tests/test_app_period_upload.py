"""Paramètres: a period-input file (costs) uploaded like an export reaches the dashboard."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from kpis import format as fmt
from kpis.engine import compute
from kpis.io.period_inputs import read_period_input
from ui.state import sample_dataset

APP = str(Path(__file__).resolve().parents[1] / "app.py")
COSTS = (
    "Mois;Coût total (€)\r\n01/01/2026;500 000,00\r\n01/02/2026;450 000,00\r\npas une date;1\r\n"
).encode("cp1252")


def test_uploaded_costs_file_reaches_cost_per_contact():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/6_Parametres.py").run()
    at.file_uploader(key="pu_costs").set_value(("couts.csv", COSTS, "text/csv"))
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "3 lignes lues, 2 utilisées, 1 mises de côté" in captions
    at.button(key="pu_use_costs").click().run()
    assert not at.exception
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    ds = sample_dataset()
    costs, _ = read_period_input(COSTS, "costs", "couts.csv")
    tables = {**ds.tables, **ds.period_inputs, "costs": costs}
    expected = compute(tables, ["cost_per_contact"])["value"].iloc[0]
    shown = next(m for m in at.metric if m.label == "Coût par contact").value
    assert shown == fmt.value(expected, "currency")
    assert pd.notna(expected)


def test_unreadable_period_file_shows_a_message_and_keeps_the_app():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/6_Parametres.py").run()
    at.file_uploader(key="pu_hours").set_value(
        ("heures.csv", b"Mois;Conseiller\n01/01/2026;A\n", "text/csv")
    )
    at.run()
    assert not at.exception
    # the message names the file and the missing column (markdown-escaped on screen)
    assert any("heures" in e.value and "planned" in e.value for e in at.error)
