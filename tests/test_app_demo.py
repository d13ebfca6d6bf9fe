"""The app's demo on the bundled sample uses the sample's preset settings (the fictitious
contract's targets with their source, the training date of rule 13): the standard audit's
findings include rules that only fire with them, and the dashboard judges those targets."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.i18n import t  # noqa: E402


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    return at


def test_standard_audit_on_the_sample_shows_the_preset_rules():
    at = _app()
    at.switch_page("pages/10_Carnet_d_audit.py").run()
    next(b for b in at.button if b.label == t("nb_standard", "fr")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(
        [e.label for e in at.expander]
        + [m.value for m in at.markdown]
        + [c.value for c in at.caption]
    ).replace("\\", "")
    # rule 13: the training date of settings.json (1 avr. 2026, Panne technique)
    assert "Le NPS sur le motif « Panne technique » a monté autour du 1 avr. 2026" in shown
    # rule 5: the contract's 40 s average-wait target (a sourceless default judges nothing)
    assert "Attente moyenne des appels présentés en mars 2026" in shown
    # the new seed rules on the preset SLA and MTTR targets
    assert "Respect des SLA sur l'ensemble" in shown
    assert "« Experts N2-N3 » (équipe) : délai moyen de résolution" in shown


def test_dashboard_judges_the_preset_targets_and_names_their_source():
    at = _app()
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    assert not at.exception, [e.message for e in at.exception]
    alerts = " ".join(m.value for m in at.markdown if "notifications" in m.value)
    alerts = alerts.replace("\\", "")
    # the CES target of 3,00 comes with the preset (a sourceless default judges nothing)
    assert "**CES (effort client, note moyenne)** — hors cible (3,00) · toute la période" in alerts
    # an alert for a gap to the target does not quote the p of a move that did not happen
    ces = next(line for line in alerts.split(":material/notifications:") if "**CES" in line)
    assert "correction de Holm, p" not in ces, ces
