"""Event-log detection costs one hash of each ticket-id column at most, and once per file: a
contact export (distinct ids) is recognised from just over half its rows, and ``import_file``
does not look again in ``apply_mapping``. Neither shortcut changes what is detected."""

from __future__ import annotations

import pandas as pd

import kpis.io.events as ev
import kpis.io.pipeline as pipeline
from kpis.io.pipeline import import_file

MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id contact"\n  started_at: "Date"\n  canal: "Canal"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M"\n'
)


def _contacts(n: int) -> bytes:
    rows = [f"C{i};0{1 + i % 9}/03/2024 08:00;email" for i in range(n)]
    return ("Id contact;Date;Canal\n" + "\n".join(rows) + "\n").encode()


def test_detection_runs_once_per_import(monkeypatch):
    calls = []
    real = ev.detect_event_log
    monkeypatch.setattr(ev, "detect_event_log", lambda frame: calls.append(1) or real(frame))
    res = import_file(_contacts(20), "c.csv", mapping=MAPPING)
    assert res.report["rows_used"] == 20 and "events" not in res.report
    assert len(calls) == 1


def test_distinct_ids_are_decided_from_a_prefix():
    # 10 rows: 6 in the first 60 %, all distinct and filled, more than 10 / 2 -> no event log
    distinct = pd.Series([f"C{i}" for i in range(10)], dtype="str")
    assert ev._mostly_distinct(distinct)
    # the first 6 rows hold 5 distinct filled values ("-" is a placeholder): not decided there
    cells = ["C0", "C1", "C2", "C3", "C4", "-", "C6", "C7", "C8", "C9"]
    placeholder = pd.Series(cells, dtype="str")
    assert not ev._mostly_distinct(placeholder)
    assert ev._codes(placeholder)[1] == 9  # the whole column decides: 9 > 5, no event log
    # ids repeated two by two: never decided by the prefix
    pairs = pd.Series([f"T{i // 2}" for i in range(10)], dtype="str")
    assert not ev._mostly_distinct(pairs)


def test_shortcut_detects_the_same(monkeypatch):
    """With and without the prefix shortcut: same detection on an event log (tickets repeated,
    state changing) and on a contact export."""
    log = pd.DataFrame(
        {
            "Ticket": [f"T{i // 3}" for i in range(30)],
            "Statut": ["Nouveau", "En cours", "Résolu"] * 10,
            "Date de mise à jour": [f"0{1 + i % 9}/03/2024 0{i % 10}:00" for i in range(30)],
        },
        dtype="str",
    )
    contacts = pd.DataFrame(
        {"Id contact": [f"C{i}" for i in range(30)], "Statut": ["Nouveau"] * 30}, dtype="str"
    )
    fast = [ev.detect_event_log(f) for f in (log, contacts)]
    monkeypatch.setattr(ev, "_mostly_distinct", lambda s: False)
    slow = [ev.detect_event_log(f) for f in (log, contacts)]
    assert fast == slow
    assert fast[0] is not None and fast[0].id_column == "Ticket" and fast[1] is None


def test_prepared_table_records_nothing_found():
    raw = pipeline.read_any(_contacts(8), "c.csv")
    prepared = pipeline.prepare_events(raw)
    assert prepared.info["events"] is None and prepared.frame is raw.frame
    assert pipeline.prepare_events(prepared) is prepared
