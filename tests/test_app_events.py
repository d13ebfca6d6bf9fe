"""AppTest of the Import page on an event log (several rows per ticket): the page says so, and
« Regrouper par ticket » turns the 21 events into 6 tickets, stated in the report."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_io_events import EVENTS, HEAD, _csv

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LOG = ("journal.csv", _csv(HEAD, EVENTS), "text/csv")


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_event_log_is_stated_then_grouped_by_ticket_on_request():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/1_Import.py").run()
    at.file_uploader(key="uploads").set_value([LOG])
    _run(at)
    box = at.checkbox(key="collapse_0")
    assert box.label == "Regrouper par ticket" and box.value is False
    # not grouped: every event counts as a contact, and the page warns
    assert _metric(at, "Lignes lues") == "21"
    assert any("journal d'événements" in w.value for w in at.warning)
    box.check()
    _run(at)
    assert at.checkbox(key="collapse_0").value is True
    assert _metric(at, "Lignes lues") == "6"  # T1…T6, by hand
    info = " ".join(i.value for i in at.info).replace("\\", "")
    assert "21 lignes → 6 tickets" in info, info
    assert not any("journal d'événements" in w.value for w in at.warning)
