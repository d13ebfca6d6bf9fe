"""Vendor presets: a small export per vendor, written here with the headers of
EXPORT_SCHEMAS.md, is recognised and gives the canonical values worked out by hand below."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from kpis.io.mapping import mapping_from_dict
from kpis.io.pipeline import import_file
from kpis.io.presets import _load_all, detect_preset, list_presets
from kpis.schema import TABLES

KEY = b"k" * 32


def export(header: list[str], rows: list[dict], sep: str = ",") -> bytes:
    """A CSV with exactly ``header``; cells not given are empty."""
    unknown = {k for r in rows for k in r} - set(header)
    assert not unknown, f"test rows name columns outside the header: {unknown}"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue().encode("utf-8")


def run(data: bytes, name: str = "export.csv"):
    res = import_file(data, name, key=KEY)
    rep = res.report
    assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    return res


def col(res, field: str) -> list:
    """A canonical column as plain Python values (None for missing)."""
    return [None if pd.isna(v) else v for v in res.data[field].tolist()]


def ts(*texts: str) -> list:
    return [None if t is None else pd.Timestamp(t) for t in texts]


# ---------------------------------------------------------------- the preset files


def test_every_preset_is_valid_and_documented():
    presets = _load_all()
    assert len(presets) >= 17
    for pid, data in presets.items():
        assert data.get("name"), pid
        assert len(data.get("description", "")) > 80, pid
        assert data.get("table") in TABLES, pid
        assert data.get("match"), pid
        m = mapping_from_dict(data, origin=pid)
        assert m.columns or m.derive, pid
        for req in TABLES[m.table].required:
            assert req in m.columns or req in m.derive or req in m.constants, (pid, req)
    assert {p["id"] for p in list_presets()} == set(presets)


def test_each_preset_is_detected_from_its_own_match_headers_only():
    """No preset's headers also satisfy a more specific other preset (no collisions)."""
    for pid, data in _load_all().items():
        m = detect_preset(list(data["match"]))
        assert m is not None and m.source == f"preset:{pid}", pid


def test_no_preset_on_unrelated_headers():
    assert detect_preset(["Date", "Heure", "Canal", "Motif", "Conseiller"]) is None


# ---------------------------------------------------------------- Zendesk Support (§1d)

ZENDESK_SUPPORT = (
    "zendesk_id, requester_id, assignee_id, group, subject, tags, status, priority, via, "
    "ticket_type, created_at, assigned_at, solved_at, resolution_time, satisfaction, "
    "group_stations, assignee_stations, reopens, replies, first_reply_time_in_minutes, "
    "first_reply_time_in_minutes_within_business_hours, first_resolution_time_in_minutes, "
    "first_resolution_time_in_minutes_within_business_hours, full_resolution_time_in_minutes, "
    "full_resolution_time_in_minutes_within_business_hours, agent_wait_time_in_minutes, "
    "agent_wait_time_in_minutes_within_business_hours, requester_wait_time_in_minutes, "
    "requester_wait_time_in_minutes_within_business_hours"
).split(", ")


def test_zendesk_support_tickets():
    rows = [
        dict(
            zendesk_id="101",
            requester_id="900001",
            assignee_id="501",
            group="Support N1",
            subject="Facture erronée",
            status="solved",
            priority="normal",
            via="email",
            ticket_type="question",
            created_at="2024-03-04T09:15:00Z",
            solved_at="2024-03-05T10:00:00Z",
            satisfaction="good",
            group_stations="1",
            assignee_stations="1",
            reopens="0",
            replies="1",
        ),
        dict(
            zendesk_id="102",
            requester_id="900002",
            assignee_id="502",
            group="Support N2",
            status="closed",
            priority="high",
            via="voice",
            ticket_type="incident",
            created_at="2024-03-04T11:00:00Z",
            solved_at="2024-03-04T12:30:00Z",
            satisfaction="bad",
            group_stations="2",
            reopens="1",
            replies="3",
        ),
        # unassigned, still open, survey sent but not answered
        dict(
            zendesk_id="103",
            requester_id="900001",
            status="open",
            priority="low",
            via="web",
            ticket_type="problem",
            created_at="2024-03-06T08:00:00Z",
            satisfaction="offered",
            group_stations="0",
            reopens="0",
        ),
        dict(
            zendesk_id="104",
            requester_id="900003",
            assignee_id="501",
            group="Support N1",
            status="solved",
            priority="urgent",
            via="chat",
            ticket_type="task",
            created_at="2024-03-07T14:20:00Z",
            solved_at="2024-03-07T15:00:00Z",
            satisfaction="unoffered",
            group_stations="3",
            reopens="2",
        ),
        # empty satisfaction and reopens cells
        dict(
            zendesk_id="105",
            requester_id="900004",
            assignee_id="503",
            group="Support N1",
            status="pending",
            priority="normal",
            via="api",
            ticket_type="question",
            created_at="2024-03-08T16:45:10Z",
            group_stations="1",
        ),
    ]
    res = run(export(ZENDESK_SUPPORT, rows))
    assert res.report["mapping_source"] == "preset:zendesk_support_tickets"
    assert res.report["rows_used"] == 5
    assert col(res, "contact_id") == ["101", "102", "103", "104", "105"]
    assert col(res, "ticket_id") == ["101", "102", "103", "104", "105"]
    assert col(res, "canal") == ["email", "telephone", "web", "chat", "api"]
    assert col(res, "csat_score") == [1.0, 0.0, None, None, None]
    assert res.report["parsing"]["csat_score"]["scale"] == [0, 1]
    assert col(res, "reopened") == [False, True, False, True, None]
    assert col(res, "transferred") == [False, True, False, True, False]
    assert col(res, "agent_id") == ["501", "502", None, "501", "503"]
    assert col(res, "team") == ["Support N1", "Support N2", None, "Support N1", "Support N1"]
    assert col(res, "motif") == ["question", "incident", "problem", "task", "question"]
    assert col(res, "status") == ["solved", "closed", "open", "solved", "pending"]
    assert col(res, "started_at") == ts(
        "2024-03-04 09:15:00",
        "2024-03-04 11:00:00",
        "2024-03-06 08:00:00",
        "2024-03-07 14:20:00",
        "2024-03-08 16:45:10",
    )
    assert col(res, "resolved_at") == ts(
        "2024-03-05 10:00:00", "2024-03-04 12:30:00", None, "2024-03-07 15:00:00", None
    )
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and len(set(cust)) == 4  # 900001 filed tickets 101 and 103
    assert "900001" not in res.data.astype(str).to_string()


# ---------------------------------------------------------------- Zendesk Talk (§2)

ZENDESK_TALK_CALLS = (
    "agent_id, call_charge, call_group_id, call_recording_consent, "
    "call_recording_consent_action, call_recording_consent_keypress, callback, callback_source, "
    "completion_status, consultation_time, created_at, customer_requested_voicemail, "
    "default_group, direction, duration, exceeded_queue_time, hold_time, id, ivr_action, "
    "ivr_destination_group_name, ivr_hops, ivr_routed_to, ivr_time_spent, minutes_billed, "
    "not_recording_time, outside_business_hours, overflowed, overflowed_to, phone_number, "
    "phone_number_id, quality_issues, recording_control_interactions, recording_time, talk_time, "
    "ticket_id, time_to_answer, updated_at, voicemail, wait_time, wrap_up_time"
).split(", ")


def test_zendesk_talk_calls():
    base = dict(call_charge="0.02", call_group_id="12", phone_number="+33180000000")
    rows = [
        dict(
            base,
            id="7001",
            agent_id="361",
            completion_status="completed",
            created_at="2024-05-02T08:01:10Z",
            direction="inbound",
            duration="355",
            wait_time="35",
            talk_time="240",
            hold_time="20",
            wrap_up_time="60",
            time_to_answer="33",
            outside_business_hours="false",
            ticket_id="101",
        ),
        # abandoned in queue after 95 s: no agent, zero talk
        dict(
            base,
            id="7002",
            completion_status="abandoned_in_queue",
            created_at="2024-05-02T08:05:00Z",
            direction="inbound",
            wait_time="95",
            talk_time="0",
            hold_time="0",
            wrap_up_time="0",
            outside_business_hours="false",
        ),
        dict(
            base,
            id="7003",
            agent_id="362",
            completion_status="completed",
            created_at="2024-05-02T09:30:00Z",
            direction="outbound",
            wait_time="0",
            talk_time="130",
            hold_time="0",
            wrap_up_time="15",
            outside_business_hours="false",
            ticket_id="102",
        ),
        # outside business hours, went to voicemail
        dict(
            base,
            id="7004",
            completion_status="voicemail",
            created_at="2024-05-02T20:10:00Z",
            direction="inbound",
            wait_time="0",
            talk_time="0",
            hold_time="0",
            wrap_up_time="0",
            outside_business_hours="true",
            voicemail="true",
        ),
        dict(
            base,
            id="7005",
            completion_status="abandoned_in_ivr",
            created_at="2024-05-03T10:00:00Z",
            direction="inbound",
            wait_time="",
            talk_time="0",
            hold_time="",
            wrap_up_time="",
            outside_business_hours="false",
        ),
    ]
    res = run(export(ZENDESK_TALK_CALLS, rows))
    assert res.report["mapping_source"] == "preset:zendesk_talk_calls"
    assert res.report["rows_used"] == 5
    assert col(res, "answered") == [True, False, True, False, False]
    assert col(res, "offered") == [True, True, True, False, True]
    assert col(res, "direction") == ["entrant", "entrant", "sortant", "entrant", "entrant"]
    assert col(res, "canal") == ["telephone"] * 5
    assert col(res, "wait_s") == [35.0, 95.0, 0.0, 0.0, None]
    assert col(res, "talk_s") == [240.0, 0.0, 130.0, 0.0, 0.0]
    assert col(res, "hold_s") == [20.0, 0.0, 0.0, 0.0, None]
    assert col(res, "acw_s") == [60.0, 0.0, 15.0, 0.0, None]
    assert col(res, "agent_id") == ["361", None, "362", None, None]
    assert col(res, "ticket_id") == ["101", None, "102", None, None]
    assert col(res, "started_at")[0] == pd.Timestamp("2024-05-02 08:01:10")


# ---------------------------------------------------------------- Freshdesk (§3a)

FRESHDESK_API = (
    "cc_emails, fwd_emails, reply_cc_emails, ticket_cc_emails, fr_escalated, spam, "
    "email_config_id, group_id, priority, requester_id, responder_id, source, company_id, status, "
    "subject, association_type, to_emails, product_id, id, type, due_by, fr_due_by, is_escalated, "
    "custom_fields, created_at, updated_at, associated_tickets_count, tags, nr_due_by, "
    "nr_escalated, description, description_text, requester, stats"
).split(", ")

FRESHDESK_ROWS = [
    dict(
        id="1",
        requester_id="5001",
        responder_id="77",
        group_id="3",
        source="1",
        status="2",
        priority="1",
        type="Question",
        created_at="2024-01-10T09:00:00Z",
        fr_escalated="false",
        is_escalated="false",
        spam="false",
        due_by="2024-01-12T09:00:00Z",
    ),
    dict(
        id="2",
        requester_id="5002",
        group_id="3",
        source="3",
        status="4",
        priority="3",
        type="Incident",
        created_at="2024-01-10T10:30:00Z",
        fr_escalated="true",
        is_escalated="true",
    ),
    dict(
        id="3",
        requester_id="5001",
        responder_id="78",
        group_id="4",
        source="7",
        status="5",
        priority="4",
        type="Problem",
        created_at="2024-01-11T15:45:00Z",
    ),
    # outbound e-mail written by the agent, no type
    dict(
        id="4",
        requester_id="5003",
        responder_id="77",
        source="10",
        status="3",
        priority="2",
        created_at="2024-01-12T08:00:00Z",
    ),
    dict(
        id="5",
        requester_id="5004",
        responder_id="78",
        group_id="4",
        source="2",
        status="2",
        priority="2",
        type="Question",
        created_at="2024-01-12T11:11:11Z",
    ),
    dict(
        id="6",
        requester_id="5005",
        source="9",
        status="2",
        priority="1",
        created_at="2024-01-13T17:00:00Z",
    ),
]


def test_freshdesk_api_tickets_integer_codes():
    res = run(export(FRESHDESK_API, FRESHDESK_ROWS))
    assert res.report["mapping_source"] == "preset:freshdesk_api_tickets"
    assert res.report["rows_used"] == 6
    assert col(res, "canal") == ["email", "telephone", "chat", "email", "web", "web"]
    assert col(res, "direction") == [
        "entrant",
        "entrant",
        "entrant",
        "sortant",
        "entrant",
        "entrant",
    ]
    assert col(res, "status") == ["ouvert", "résolu", "fermé", "en attente", "ouvert", "ouvert"]
    assert col(res, "queue") == ["basse", "haute", "urgente", "moyenne", "moyenne", "basse"]
    assert col(res, "agent_id") == ["77", None, "78", "77", "78", None]
    assert col(res, "team") == ["3", "3", "4", None, "4", None]
    assert col(res, "motif") == ["Question", "Incident", "Problem", None, "Question", None]
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and len(set(cust)) == 5
    # no flattened stats columns in this export: those optional fields are reported as skipped
    assert "resolved_at" not in res.data and "reopened" not in res.data
    codes = [w["code"] for w in res.report["warnings"]]
    assert "preset_columns_absent" in codes


def test_freshdesk_api_tickets_with_flattened_stats():
    header = FRESHDESK_API + ["stats.resolved_at", "stats.reopened_at"]
    rows = [dict(r) for r in FRESHDESK_ROWS[:3]]
    rows[1]["stats.resolved_at"] = "2024-01-10T12:00:00Z"
    rows[2]["stats.resolved_at"] = "2024-01-12T09:00:00Z"
    rows[2]["stats.reopened_at"] = "2024-01-11T18:00:00Z"
    res = run(export(header, rows))
    assert res.report["mapping_source"] == "preset:freshdesk_api_tickets"
    assert col(res, "resolved_at") == ts(None, "2024-01-10 12:00:00", "2024-01-12 09:00:00")
    assert col(res, "reopened") == [False, False, True]


FRESHDESK_UI = (
    "Ticket ID, Subject, Status, Priority, Source, Type, Agent, Group, Created time, Due by time, "
    "Resolved time, Closed time, Last update time, Initial response time, Time tracked, "
    "First response time (in hrs), Resolution time (in hrs), Agent interactions, "
    "Customer interactions, Resolution status, First response status, Tags, Survey results, "
    "Product, Full name, Email, Contact ID, Company Name"
).split(", ")


def test_freshdesk_ui_csv_export():
    rows = [
        {
            "Ticket ID": "301",
            "Status": "Closed",
            "Priority": "Low",
            "Source": "Email",
            "Type": "Question",
            "Agent": "Julie Petit",
            "Group": "Billing",
            "Created time": "2024-02-01 10:15:00",
            "Resolved time": "2024-02-01 16:00:00",
            "Full name": "Paul Durand",
            "Email": "paul.durand@example.com",
            "Contact ID": "880001",
            "Resolution status": "Within SLA",
        },
        {
            "Ticket ID": "302",
            "Status": "Open",
            "Priority": "Urgent",
            "Source": "Phone",
            "Type": "Incident",
            "Agent": "",
            "Group": "Support",
            "Created time": "2024-02-02 08:00:00",
            "Contact ID": "880002",
        },
        {
            "Ticket ID": "303",
            "Status": "Resolved",
            "Priority": "Medium",
            "Source": "Portal",
            "Type": "Problem",
            "Agent": "Marc Leroy",
            "Group": "Support",
            "Created time": "2024-02-02 09:30:00",
            "Resolved time": "2024-02-03 09:30:00",
            "Contact ID": "880001",
        },
        {
            "Ticket ID": "304",
            "Status": "Pending",
            "Priority": "High",
            "Source": "Outbound Email",
            "Agent": "Julie Petit",
            "Created time": "2024-02-03 14:00:00",
            "Contact ID": "880003",
        },
        {
            "Ticket ID": "305",
            "Status": "Closed",
            "Priority": "Low",
            "Source": "Chat",
            "Type": "Question",
            "Agent": "Marc Leroy",
            "Group": "Billing",
            "Created time": "2024-02-04 11:20:00",
            "Resolved time": "2024-02-04 11:50:00",
            "Contact ID": "880004",
        },
        {
            "Ticket ID": "306",
            "Status": "Open",
            "Priority": "Medium",
            "Source": "Feedback Widget",
            "Created time": "2024-02-05 18:05:00",
            "Contact ID": "",
        },
    ]
    res = run(export(FRESHDESK_UI, rows))
    assert res.report["mapping_source"] == "preset:freshdesk_ui_tickets"
    assert col(res, "canal") == ["email", "telephone", "web", "email", "chat", "web"]
    assert col(res, "direction") == [
        "entrant",
        "entrant",
        "entrant",
        "sortant",
        "entrant",
        "entrant",
    ]
    assert col(res, "queue") == ["Low", "Urgent", "Medium", "High", "Low", "Medium"]
    assert col(res, "agent_id") == [
        "Julie Petit",
        None,
        "Marc Leroy",
        "Julie Petit",
        "Marc Leroy",
        None,
    ]
    assert col(res, "resolved_at") == ts(
        "2024-02-01 16:00:00", None, "2024-02-03 09:30:00", None, "2024-02-04 11:50:00", None
    )
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and cust[5] is None and len({c for c in cust if c}) == 4
    assert "paul.durand" not in res.data.astype(str).to_string()


# ---------------------------------------------------------------- Aircall (§4a)

AIRCALL = (
    "id, country_code_a2, pricing_type, direct_link, direction, status, missed_call_reason, "
    "started_at, answered_at, ended_at, duration, voicemail, recording, asset, raw_digits, user, "
    "contact, archived, assigned_to, transferred_by, transferred_to, cost, number, comments, "
    "tags, teams"
).split(", ")

# epoch seconds (UTC): 1714640400 = 2024-05-02 09:00:00
AIRCALL_ROWS = [
    dict(
        id="1001",
        direction="inbound",
        status="done",
        started_at="1714640400",
        answered_at="1714640425",
        ended_at="1714640725",
        duration="325",
        raw_digits="+33 6 12 34 56 78",
        country_code_a2="FR",
    ),
    # abandoned after 8 s in queue
    dict(
        id="1002",
        direction="inbound",
        status="done",
        missed_call_reason="short_abandoned",
        started_at="1714641000",
        ended_at="1714641008",
        duration="8",
        raw_digits="+33 6 98 76 54 32",
    ),
    # 19:00, closed: not offered; same caller as call 1001
    dict(
        id="1003",
        direction="inbound",
        status="done",
        missed_call_reason="out_of_opening_hours",
        started_at="1714676400",
        ended_at="1714676405",
        duration="5",
        raw_digits="+33 6 12 34 56 78",
    ),
    dict(
        id="1004",
        direction="outbound",
        status="done",
        started_at="1714644000",
        answered_at="1714644012",
        ended_at="1714644192",
        duration="192",
        raw_digits="+33 7 11 22 33 44",
    ),
    dict(
        id="1005",
        direction="inbound",
        status="done",
        started_at="1714647600",
        answered_at="1714647610",
        ended_at="1714648210",
        duration="610",
        raw_digits="+33 6 55 44 33 22",
        transferred_to="987654",
    ),
    dict(
        id="1006",
        direction="inbound",
        status="done",
        missed_call_reason="abandoned_in_ivr",
        started_at="1714650000",
        ended_at="1714650030",
        duration="30",
        raw_digits="+33 6 00 00 00 01",
    ),
]


def _check_aircall(res):
    assert res.report["mapping_source"] == "preset:aircall_calls"
    assert res.report["rows_used"] == 6
    assert col(res, "started_at") == ts(
        "2024-05-02 09:00:00",
        "2024-05-02 09:10:00",
        "2024-05-02 19:00:00",
        "2024-05-02 10:00:00",
        "2024-05-02 11:00:00",
        "2024-05-02 11:40:00",
    )
    assert col(res, "answered") == [True, False, False, True, True, False]
    assert col(res, "wait_s") == [25.0, None, None, 12.0, 10.0, None]
    assert col(res, "talk_s") == [300.0, None, None, 180.0, 600.0, None]
    assert col(res, "offered") == [True, True, False, True, True, False]
    assert col(res, "transferred") == [False, False, False, False, True, False]
    assert col(res, "direction") == [
        "entrant",
        "entrant",
        "entrant",
        "sortant",
        "entrant",
        "entrant",
    ]
    assert col(res, "canal") == ["telephone"] * 6
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and len(set(cust)) == 5
    text = res.data.astype(str).to_string()
    assert "+33 6 12" not in text and "33612" not in text


def test_aircall_calls_api_fields():
    res = run(export(AIRCALL, AIRCALL_ROWS))
    _check_aircall(res)
    # the `user` object was not flattened: no agent column, said in a warning
    assert "agent_id" not in res.data
    assert any(w["code"] == "preset_columns_absent" for w in res.report["warnings"])


def test_aircall_calls_flattened_user():
    header = [h for h in AIRCALL if h != "user"] + ["user.id", "user.name"]
    rows = [dict(r) for r in AIRCALL_ROWS]
    for r, name in zip(rows, ["Léa Martin", "", "", "Hugo Bernard", "Léa Martin", ""], strict=True):
        r["user.name"] = name
    res = run(export(header, rows))
    _check_aircall(res)
    assert col(res, "agent_id") == ["Léa Martin", None, None, "Hugo Bernard", "Léa Martin", None]


# ---------------------------------------------------------------- Dixa (§6)

DIXA = (
    "id, created_at, initial_channel, requester_additional_emails, "
    "requester_additional_phone_numbers, requester_id, requester_name, requester_email, "
    "requester_phone_number, queued_at, queue_id, queue_name, closed_at, rating_score, "
    "rating_message, ratings, direction, assigned_at, assignee_id, assignee_name, assignee_email, "
    "assignee_phone_number, to_provisioned_phone_number_id, to_provisioned_phone_number_name, "
    "total_duration, handling_duration, dixa_email_integration_id, "
    "dixa_email_integration_sender_name, forwarding_email, facebook_page_id, facebook_page_name, "
    "widget_id, widget_name, tags, tags_info, conversation_wrapup_notes, transferee_name, "
    "transfer_time, originating_country, status, transferee_number, updated_at, "
    "last_message_created_at, from_provisioned_phone_number_id, "
    "from_provisioned_phone_number_name, subject, anonymized_at, custom_fields"
).split(", ")


def test_dixa_conversation_export():
    rows = [
        dict(
            id="c-1",
            created_at="1714640400000",
            initial_channel="pstnphone",
            requester_id="req-aa",
            requester_name="Anne Roux",
            queued_at="1714640405000",
            queue_name="Support FR",
            assigned_at="1714640465000",
            assignee_name="Léa",
            closed_at="1714641000000",
            handling_duration="420",
            rating_score="5",
            direction="inbound",
            status="closed",
        ),
        # chat abandoned in queue: never assigned, no handling time, no rating
        dict(
            id="c-2",
            created_at="1714641000000",
            initial_channel="widgetchat",
            requester_id="req-bb",
            queued_at="1714641002000",
            queue_name="Chat",
            direction="inbound",
            status="abandoned",
        ),
        # e-mail assigned one hour after queueing, same customer as c-1
        dict(
            id="c-3",
            created_at="1714644000000",
            initial_channel="email",
            requester_id="req-aa",
            queued_at="1714644000000",
            queue_name="Support FR",
            assigned_at="1714647600000",
            assignee_name="Hugo",
            closed_at="1714650000000",
            handling_duration="180",
            rating_score="3",
            direction="inbound",
            status="closed",
        ),
        dict(
            id="c-4",
            created_at="1714647600000",
            initial_channel="pstnphone",
            requester_id="req-cc",
            assigned_at="1714647600000",
            assignee_name="Léa",
            handling_duration="95",
            direction="outbound",
            status="closed",
        ),
        # contact form, transferred to Marc
        dict(
            id="c-5",
            created_at="1714650000000",
            initial_channel="contactform",
            requester_id="req-dd",
            queued_at="1714650000000",
            queue_name="Support FR",
            assigned_at="1714650030000",
            assignee_name="Hugo",
            handling_duration="600",
            transferee_name="Marc",
            transfer_time="1714650300000",
            rating_score="1",
            direction="inbound",
            status="open",
        ),
    ]
    res = run(export(DIXA, rows))
    assert res.report["mapping_source"] == "preset:dixa_conversations"
    assert res.report["rows_used"] == 5
    assert col(res, "started_at") == ts(
        "2024-05-02 09:00:00",
        "2024-05-02 09:10:00",
        "2024-05-02 10:00:00",
        "2024-05-02 11:00:00",
        "2024-05-02 11:40:00",
    )
    assert col(res, "canal") == ["telephone", "chat", "email", "telephone", "web"]
    assert col(res, "wait_s") == [60.0, None, 3600.0, None, 30.0]
    assert col(res, "answered") == [True, False, True, True, True]
    assert col(res, "talk_s") == [420.0, None, 180.0, 95.0, 600.0]
    assert col(res, "csat_score") == [5.0, None, 3.0, None, 1.0]
    assert col(res, "transferred") == [False, False, False, False, True]
    assert col(res, "transfer_to") == [None, None, None, None, "Marc"]
    assert col(res, "direction") == ["entrant", "entrant", "entrant", "sortant", "entrant"]
    assert col(res, "resolved_at")[0] == pd.Timestamp("2024-05-02 09:10:00")
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and len(set(cust)) == 4
    assert "req-aa" not in res.data.astype(str).to_string()


# ---------------------------------------------------------------- Vocalcom Hermes.Net (§7)

HERMES = (
    "ID CtiID CustomerID Indice CallType CallUniversalTime CallLocalTime CallUniversalTimeString "
    "CallLocalTimeString Duration CallDuration AcceptDuration IvrDuration WaitDuration "
    "TotalWaitDuration ConvDuration WrapupDuration RerouteDuration OverflowDuration ANI DNIS "
    "FirstCampaign FirstVirtualCamp LastCampaign LastVirtualCamp UUI Memo AssociatedData OutTel "
    "OutDialed Closed NoAgent Overflow Abandon FirstIVR LastIVR FirstQueue LastQueue InitPriority "
    "FirstAgent LastAgent LastTransfer CallStatusGroup CallStatusNum CallStatusDetail Comments "
    "ContactID EndByAgent AgentListen EndReason RefID ProActiveReason"
).split()


def test_vocalcom_hermes_calls_semicolon():
    rows = [
        dict(
            ID="1",
            CallLocalTime="2019-04-22 13:57:16.073",
            WaitDuration="12",
            ConvDuration="180",
            WrapupDuration="30",
            Abandon="0",
            NoAgent="0",
            ANI="0612345678",
            FirstCampaign="SAV",
            LastQueue="SAV_N1",
            FirstAgent="1023",
            LastAgent="1023",
            LastTransfer="0",
            CallStatusGroup="1",
        ),
        dict(
            ID="2",
            CallLocalTime="2019-04-22 14:02:00.500",
            WaitDuration="75",
            ConvDuration="0",
            WrapupDuration="0",
            Abandon="1",
            NoAgent="1",
            ANI="0698765432",
            FirstCampaign="SAV",
            LastQueue="SAV_N1",
            LastAgent="0",
            CallStatusGroup="2",
        ),
        dict(
            ID="3",
            CallLocalTime="2019-04-22 15:10:45.000",
            WaitDuration="5",
            ConvDuration="420",
            WrapupDuration="45",
            Abandon="0",
            NoAgent="0",
            ANI="0612345678",
            FirstCampaign="SAV",
            LastQueue="SAV_N2",
            FirstAgent="1023",
            LastAgent="1187",
            LastTransfer="1187",
            CallStatusGroup="1",
        ),
    ]
    res = run(export(HERMES, rows, sep=";"))
    assert res.report["mapping_source"] == "preset:vocalcom_hermes_calls"
    assert col(res, "started_at") == ts(
        "2019-04-22 13:57:16", "2019-04-22 14:02:00", "2019-04-22 15:10:45"
    )
    assert col(res, "answered") == [True, False, True]
    assert col(res, "wait_s") == [12.0, 75.0, 5.0]
    assert col(res, "talk_s") == [180.0, 0.0, 420.0]
    assert col(res, "acw_s") == [30.0, 0.0, 45.0]
    assert col(res, "agent_id") == ["1023", None, "1187"]
    assert col(res, "transferred") == [False, False, True]
    cust = col(res, "customer_id")
    assert cust[0] == cust[2] and cust[0] != cust[1]


# ---------------------------------------------------------------- presets beat auto-mapping


@pytest.mark.parametrize(
    "header, preset",
    [
        (ZENDESK_SUPPORT, "zendesk_support_tickets"),
        (ZENDESK_TALK_CALLS, "zendesk_talk_calls"),
        (FRESHDESK_API, "freshdesk_api_tickets"),
        (FRESHDESK_UI, "freshdesk_ui_tickets"),
        (AIRCALL, "aircall_calls"),
        (DIXA, "dixa_conversations"),
        (HERMES, "vocalcom_hermes_calls"),
    ],
)
def test_full_vendor_header_detects_its_preset(header, preset):
    m = detect_preset(header)
    assert m is not None and m.source == f"preset:{preset}"
