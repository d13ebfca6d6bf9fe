"""Event logs (several rows per ticket): detected, reported, and collapsed to one row per ticket
with the created / resolved / closed times, reopen and reassignment counts computed by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from kpis.cli import main
from kpis.engine import compute
from kpis.io.events import collapse_events, detect_event_log, state_kind
from kpis.io.pipeline import apply_mapping, import_file, prepare_events, resolve_mapping
from kpis.io.readers import read_any

HEAD = ["Ticket", "Statut", "Date de mise à jour", "Groupe", "Client", "Motif"]
# 6 tickets, 21 events. T2 reopened once, T3 reassigned twice (G1 → G2 → G3), T4 never
# resolved, T6 with English states. Rows are in update-time order across tickets, except
# T2's reopening (row "En cours 03/03 09:00") written before its first resolution.
EVENTS = [
    ("T1", "Nouveau", "01/03/2024 08:00", "G1", "C1", "Box"),
    ("T1", "En cours", "01/03/2024 09:00", "G1", "C1", "Box"),
    ("T1", "Résolu", "01/03/2024 11:00", "G1", "C1", "Box"),
    ("T2", "Nouveau", "02/03/2024 08:00", "G1", "C2", "Facture"),
    ("T2", "En cours", "03/03/2024 09:00", "G1", "C2", "Facture"),  # reopened (out of order)
    ("T2", "Résolu", "02/03/2024 10:00", "G1", "C2", "Facture"),  # first resolution
    ("T1", "Clos", "02/03/2024 11:00", "G1", "C1", "Box"),
    ("T3", "Nouveau", "03/03/2024 08:00", "G1", "C3", "Mobile"),
    ("T3", "En cours", "03/03/2024 09:00", "G2", "C3", "Mobile"),
    ("T2", "Résolu", "03/03/2024 12:00", "G1", "C2", "Facture"),  # second resolution
    ("T3", "En cours", "03/03/2024 13:00", "G3", "C3", "Mobile"),
    ("T3", "Résolu", "03/03/2024 14:00", "G3", "C3", "Mobile"),
    ("T4", "Nouveau", "04/03/2024 08:00", "G1", "C4", "Box"),
    ("T4", "En cours", "04/03/2024 10:00", "G1", "C4", "Box"),
    ("T2", "Clos", "04/03/2024 12:00", "G1", "C2", "Facture"),
    ("T5", "Nouveau", "05/03/2024 08:00", "G2", "C5", "Box"),
    ("T5", "Résolu", "05/03/2024 09:00", "G2", "C5", "Box"),
    ("T4", "En attente", "05/03/2024 09:00", "G1", "C4", "Box"),
    ("T6", "New", "05/03/2024 10:00", "G1", "C6", "Facture"),
    ("T6", "Solved", "05/03/2024 14:00", "G1", "C6", ""),  # last non-missing motif: Facture
    ("T6", "Closed", "06/03/2024 10:00", "G1", "C6", ""),
]
TS = pd.Timestamp
# by hand, per ticket: created (first event), resolved (first resolved/closed state), closed
# (last event when the ticket ends resolved/closed), reopen and reassignment counts, events
EXPECTED = {
    "T1": (TS("2024-03-01 08:00"), TS("2024-03-01 11:00"), TS("2024-03-02 11:00"), 0, 0, 4),
    "T2": (TS("2024-03-02 08:00"), TS("2024-03-02 10:00"), TS("2024-03-04 12:00"), 1, 0, 5),
    "T3": (TS("2024-03-03 08:00"), TS("2024-03-03 14:00"), TS("2024-03-03 14:00"), 0, 2, 4),
    "T4": (TS("2024-03-04 08:00"), pd.NaT, pd.NaT, 0, 0, 3),
    "T5": (TS("2024-03-05 08:00"), TS("2024-03-05 09:00"), TS("2024-03-05 09:00"), 0, 0, 2),
    "T6": (TS("2024-03-05 10:00"), TS("2024-03-05 14:00"), TS("2024-03-06 10:00"), 0, 0, 3),
}
# resolution times (s): T1 3 h, T2 2 h, T3 6 h, T5 1 h, T6 4 h; T4 unresolved
RESOLUTION_S = [10800.0, 7200.0, 21600.0, 3600.0, 14400.0]


def _csv(head, rows) -> bytes:
    return (";".join(head) + "\n" + "".join(";".join(r) + "\n" for r in rows)).encode()


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(EVENTS, columns=HEAD)
    frame.insert(0, "_row", np.arange(2, len(frame) + 2))
    return frame


def test_event_log_is_detected_with_its_columns():
    log = detect_event_log(_frame())
    assert log is not None
    assert (log.id_column, log.state_column, log.time_column) == (
        "Ticket",
        "Statut",
        "Date de mise à jour",
    )
    assert (log.rows, log.tickets) == (21, 6)
    assert log.events_per_ticket == 3.5 and log.repeated_share == 1.0
    assert log.assignment_column == "Groupe"
    assert log.opened_column is None and log.resolved_column is None


def test_resolved_states_fold_case_and_accents():
    states = pd.Series(["Résolu", "RESOLU", "Closed-resolved", "Solved", "clos", "En cours"])
    assert state_kind(states).tolist() == [2, 2, 2, 2, 2, 0]
    assert state_kind(pd.Series(["Annulé", "", "New"])).tolist() == [1, -1, 0]


def test_collapse_gives_one_row_per_ticket_computed_by_hand():
    frame = _frame()
    out = collapse_events(frame, detect_event_log(frame))
    assert list(out["Ticket"]) == list(EXPECTED)
    for i, (ticket, (created, resolved, closed, reopen, reassign, events)) in enumerate(
        EXPECTED.items()
    ):
        row = out.iloc[i]
        assert row["created_at"] == created, ticket
        assert row["Date de mise à jour"] == created, ticket  # the event time: the first event's
        assert (pd.isna(resolved) and pd.isna(row["resolved_at"])) or row["resolved_at"] == resolved
        assert (pd.isna(closed) and pd.isna(row["closed_at"])) or row["closed_at"] == closed
        assert (row["reopen_count"], row["reassignment_count"]) == (reopen, reassign), ticket
        assert row["event_count"] == events, ticket
    assert list(out["reopened"]) == [False, True, False, False, False, False]
    assert list(out["last_event_at"]) == [
        TS("2024-03-02 11:00"),
        TS("2024-03-04 12:00"),
        TS("2024-03-03 14:00"),
        TS("2024-03-05 09:00"),  # T4, still waiting: a last event, no closing
        TS("2024-03-05 09:00"),
        TS("2024-03-06 10:00"),
    ]
    # other fields: the last non-missing value; _row: the first event's source line
    assert list(out["Statut"]) == ["Clos", "Clos", "Résolu", "En attente", "Résolu", "Closed"]
    assert list(out["Groupe"]) == ["G1", "G1", "G3", "G1", "G2", "G1"]
    assert out["Motif"].iloc[5] == "Facture"
    assert list(out["_row"]) == [2, 5, 9, 14, 17, 20]


def test_import_collapsed_gives_ticket_kpis_by_hand():
    res = import_file(_csv(HEAD, EVENTS), "journal.csv", collapse_events=True)
    rep = res.report
    assert rep["rows_in"] == 6 and rep["rows_used"] + rep["rows_set_aside"] == 6
    assert rep["rows_in_events"] == 21
    assert rep["events"]["collapsed"] is True and rep["events"]["id_column"] == "Ticket"
    assert rep["events"]["fr"] == (
        "journal d'événements : 21 lignes → 6 tickets (3,5 événements par ticket)"
    )
    assert rep["events"]["en"] == "event log: 21 rows → 6 tickets (3.5 events per ticket)"
    assert not [w for w in rep["warnings"] if w["code"] == "event_log"]
    # started_at: the first event's time (both the event-time column and created_at hold it)
    assert list(res.data["started_at"]) == [v[0] for v in EXPECTED.values()]
    assert rep["mapping"]["resolved_at"] == "resolved_at"
    data = res.data
    assert len(data) == 6
    kpis = compute({"contacts": data}, ["volume", "mttr"]).set_index("kpi")
    assert kpis.loc["volume", "value"] == 6
    assert kpis.loc["mttr", "value"] == sum(RESOLUTION_S) / 5  # 11 520 s
    assert kpis.loc["mttr", "n"] == 5
    assert "median 10800 s" in kpis.loc["mttr", "detail"]
    # no reopen-rate KPI in the registry: the share of reopened tickets, from the field
    assert data["reopened"].astype(float).mean() == 1 / 6


def test_detected_but_not_collapsed_warns_and_keeps_every_row():
    res = import_file(_csv(HEAD, EVENTS), "journal.csv")
    rep = res.report
    assert rep["rows_in"] == 21 and rep["rows_used"] == 21 and len(res.data) == 21
    assert "rows_in_events" not in rep
    assert rep["events"]["collapsed"] is False
    warn = [w for w in rep["warnings"] if w["code"] == "event_log"]
    assert len(warn) == 1
    assert warn[0]["fr"].startswith(
        "Ce fichier ressemble à un journal d'événements (21 lignes pour 6 tickets, "
        "3,5 événements par ticket ; colonnes Ticket, Statut, Date de mise à jour) : chaque ligne "
        "serait comptée comme un ticket. Cochez « Regrouper par ticket »"
    )
    assert "--collapse-events" in warn[0]["fr"] and "Group by ticket" in warn[0]["en"]


def test_plain_ticket_export_is_not_an_event_log():
    # null twin: the same tickets, one row each (unique ids)
    once = [
        (t, "Résolu", created.strftime("%d/%m/%Y %H:%M"), "G1", f"C{i}", "Box")
        for i, (t, (created, *_)) in enumerate(EXPECTED.items())
    ]
    assert detect_event_log(pd.DataFrame(once, columns=HEAD)) is None
    res = import_file(_csv(HEAD, once), "tickets.csv", collapse_events=True)
    assert "events" not in res.report and res.report["rows_in"] == 6
    # customers with several contacts (dates change) are no event log: Client is no ticket id
    contacts = [(f"T{i}", "Résolu", f"0{1 + i}/03/2024 08:00", "G1", "C1", "Box") for i in range(8)]
    assert detect_event_log(pd.DataFrame(contacts, columns=HEAD)) is None
    # a ticket exported several times, nothing changing: duplicates, not events
    dup = [e for e in EVENTS if e[0] == "T1"][:1] * 3 + [e for e in EVENTS if e[0] == "T5"][:1] * 3
    assert detect_event_log(pd.DataFrame(dup, columns=HEAD)) is None


def test_reopen_and_reassignment_count_columns_win():
    # a ServiceNow-like log: the export's own counters and opened/resolved/closed columns
    head = ["number", "incident_state", "sys_updated_at", "opened_at", "resolved_at", "closed_at"]
    head += ["reassignment_count", "reopen_count"]
    rows = [
        ("INC1", "New", "2024-01-01 09:00", "2024-01-01 08:30", "?", "?", "0", "0"),
        ("INC1", "Resolved", "2024-01-01 10:00", "2024-01-01 08:30", "2024-01-01 10:00", "?",
         "1", "0"),
        ("INC1", "Active", "2024-01-02 10:00", "2024-01-01 08:30", "?", "?", "1", "1"),
        ("INC1", "Closed", "2024-01-03 10:00", "2024-01-01 08:30", "2024-01-02 11:00",
         "2024-01-03 10:00", "3", "1"),
        ("INC2", "New", "2024-01-01 11:00", "2024-01-01 11:00", "?", "?", "0", "0"),
        ("INC2", "Active", "2024-01-01 12:00", "2024-01-01 11:00", "?", "?", "0", "0"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=head)
    log = detect_event_log(frame)
    assert (log.opened_column, log.resolved_column, log.closed_column) == (
        "opened_at",
        "resolved_at",
        "closed_at",
    )
    out = collapse_events(frame, log)
    assert list(out["opened_at"]) == ["2024-01-01 08:30", "2024-01-01 11:00"]
    assert out["resolved_at"].iloc[0] == "2024-01-01 10:00"  # first non-missing value
    # no filled value: the ticket keeps its own cell ("?"), read as missing on import
    assert out["resolved_at"].iloc[1] == "?"
    assert list(out["closed_at"]) == ["2024-01-03 10:00", "?"]
    assert list(out["reassignment_count"]) == [3.0, 0.0]  # max of the column
    assert list(out["reopen_count"]) == [1.0, 0.0]
    assert "created_at" not in out  # the opened column gives the creation
    # through the import: a column of "?" only is still a placeholder column once grouped
    frame["vendor"] = "?"
    res = import_file(frame.to_csv(index=False).encode(), "log.csv", collapse_events=True)
    assert res.report["detected"]["placeholder_columns"] == ["vendor"]
    assert "provider" not in res.report["mapping"]
    assert list(res.data["started_at"]) == [TS("2024-01-01 08:30"), TS("2024-01-01 11:00")]
    assert res.data["resolved_at"].iloc[0] == TS("2024-01-01 10:00")
    assert pd.isna(res.data["resolved_at"].iloc[1])
    mttr = compute({"contacts": res.data}, ["mttr"]).iloc[0]
    assert (mttr["value"], mttr["n"]) == (5400.0, 1)  # 08:30 → 10:00


def test_cli_collapse_events_gives_the_ticket_volume(tmp_path, capsys):
    path = tmp_path / "journal.csv"
    path.write_bytes(_csv(HEAD, EVENTS))
    args = ["compute", str(path), "--kpi", "volume", "--format", "json"]
    assert main([*args, "--collapse-events"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"][0]["value"] == 6
    assert doc["import"]["rows_in_events"] == 21 and doc["import"]["events"]["tickets"] == 6
    assert main(args) == 0  # without the flag: every event counted, and the detection said
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"][0]["value"] == 21
    assert doc["import"]["warnings"][0]["code"] == "event_log"
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "⚠ Ce fichier ressemble à un journal d'événements (21 lignes pour 6 tickets" in out
    assert main(["check", str(path), "--collapse-events"]) == 0
    out = capsys.readouterr().out
    assert "journal d'événements : 21 lignes → 6 tickets (3,5 événements par ticket)" in out
    assert "regroupé par ticket" in out and "⚠ Ce fichier" not in out
    assert main(["findings", str(path), "--format", "json", "--collapse-events"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["import"]["rows_in"], doc["import"]["rows_in_events"]) == (6, 21)


def test_app_path_read_map_apply_reports_and_groups():
    # the import page reads, maps and applies in separate steps (kpis.io.pipeline functions)
    raw = read_any(_csv(HEAD, EVENTS), "journal.csv")
    res = apply_mapping(raw, resolve_mapping(raw))
    assert len(res.data) == 21 and res.report["warnings"][0]["code"] == "event_log"
    grouped = prepare_events(raw, collapse_events=True)
    assert grouped.info["events"]["collapsed"] is True and len(grouped.frame) == 6
    res = apply_mapping(grouped, resolve_mapping(grouped))
    assert res.report["rows_in"] == 6 and res.report["rows_in_events"] == 21
    assert [w for w in res.report["warnings"] if w["code"] == "event_log"] == []


def test_log_without_states_is_grouped_but_never_closed():
    # only the update time changes: the tickets are grouped, nothing says one is over
    rows = [(t, "", d, "G1", "C1", "Box") for t, _s, d, *_ in EVENTS]
    frame = pd.DataFrame(rows, columns=HEAD)
    log = detect_event_log(frame)
    assert (log.state_column, log.time_column) == (None, "Date de mise à jour")
    out = collapse_events(frame, log)
    assert len(out) == 6 and list(out["created_at"]) == [v[0] for v in EXPECTED.values()]
    assert not {"resolved_at", "closed_at", "reopen_count", "reopened"} & set(out.columns)
    assert out["last_event_at"].iloc[1] == TS("2024-03-04 12:00")
    assert list(out["reassignment_count"]) == [0] * 6
