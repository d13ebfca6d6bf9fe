"""AppTest of the cross-analyses page on the bundled sample data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
PAGE = "pages/8_Analyses_croisees.py"


def _page() -> AppTest:
    """As the app helper's tests do: start on app.py, then switch to the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_runs_and_shows_findings():
    at = _page()
    assert at.title[0].value == "Analyses croisées"
    assert any("Constats" in s.value for s in at.subheader)


@pytest.mark.parametrize(
    "label", ["Attente × abandon", "Volume × recontact dans le temps", "DMT × motif", "Libre"]
)
def test_each_analysis_renders(label):
    at = _page()
    radio = next(r for r in at.radio if label in r.options)
    radio.set_value(label).run()
    assert not at.exception, [e.message for e in at.exception]
