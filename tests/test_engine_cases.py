"""Hand-computed KPI cases: tiny tables written here, expected values worked out in comments.

Each case: id, tables, KPI id, params (and optional by/period/filters), expected value,
numerator, denominator (None = not checked) and status. ``min_n`` is set to 1 unless the case is
about the low-sample flag, so statuses read "ok".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from kpis.definitions import REGISTRY
from kpis.engine import compute

NAN = np.nan
D0 = pd.Timestamp("2024-01-01")  # a Monday


def ts(*offsets_h):
    """Timestamps D0 + hours (None → NaT)."""
    return pd.to_datetime([None if h is None else D0 + pd.Timedelta(hours=h) for h in offsets_h])


def boolean(*vals):
    return pd.array(list(vals), dtype="boolean")


def cat(*vals):
    return pd.Categorical(list(vals))


def frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    df = pd.DataFrame(cols)
    df["_row"] = np.arange(2, n + 2)
    return df


# --- telephony: 6 contacts ----------------------------------------------------------------------
# row     answered  wait  talk  hold  acw
# 0       T         10    100   10    20
# 1       T         20    200   NaN   40
# 2       T         30    300   30    NaN
# 3       F         3     -     -     -
# 4       F         40    -     -     -
# 5       NA        5     -     -     -
CALLS = frame(
    started_at=ts(9, 10, 11, 12, 13, 14),
    canal=cat("telephone", "telephone", "email", "telephone", "email", "telephone"),
    answered=boolean(True, True, True, False, False, None),
    wait_s=[10.0, 20, 30, 3, 40, 5],
    talk_s=[100.0, 200, 300, NAN, NAN, NAN],
    hold_s=[10.0, NAN, 30, NAN, NAN, NAN],
    acw_s=[20.0, 40, NAN, NAN, NAN, NAN],
    offered=boolean(True, True, False, True, True, True),
)
CALLS_NO_OFFERED = CALLS.drop(columns="offered")
CALLS_NO_HOLD = CALLS.drop(columns="hold_s")


# --- recontact: 10 contacts (days from D0) ------------------------------------------------------
# r0 c1 d0 A ans   → followed by r1 (2 days)
# r1 c1 d2 A ans   → next r2 is 18 days later
# r2 c1 d20 A ans
# r3 c2 d1 A ans   → next r4 is motif B (followed only with same_motif=false)
# r4 c2 d3 B NOT answered
# r5 c3 d5 A ans   → r6 at the same instant, later in the file: followed
# r6 c3 d5 A ans
# r7 -- d4 A       → no customer: outside
# r8 c4 d30 A ans  → last timestamp; censored (30 + 7 > 30)
def _days(*d):
    return pd.to_datetime([D0 + pd.Timedelta(days=x) for x in d])


JOURNEYS = frame(
    started_at=_days(0, 2, 20, 1, 3, 5, 5, 4, 30),
    customer_id=pd.array([1, 1, 1, 2, 2, 3, 3, None, 4], dtype="Int64"),
    motif=cat("A", "A", "A", "A", "B", "A", "A", "A", "A"),
    answered=boolean(True, True, True, True, False, True, True, True, True),
    canal=cat("telephone", "email", "telephone", "telephone", "telephone", "chat", "chat",
              "telephone", "telephone"),
)  # fmt: skip


# --- other contact-level tables ------------------------------------------------------------------
FLAGS = frame(
    started_at=ts(1, 2, 3, 4, 5, 6),
    resolved_first_contact=boolean(True, True, False, None, True, False),
    transferred=boolean(True, False, True, False, None, True),
    niveau=cat("N1", "N1", "N2", "N1", "N1", None),
    converted=boolean(True, False, None, True, None, None),
    answered=boolean(True, True, True, False, False, False),
    avoidable=boolean(True, False, False, True, None, None),
    selfcare_redirected=boolean(True, False, False, False, None, None),
    motif=cat("livraison", "facture", "livraison", None, "livraison", "facture"),
    canal=cat("web", "telephone", "web", "email", None, "telephone"),
)
# resolved_first_contact known: rows 0,1,2,4,5 → true 0,1,4 → 3/5
# transferred, N1 and known: rows 0,1,3 → transferred: 0 → 1/3
# transferred known: 0,1,2,3,5 → true 0,2,5 → 3/5
# converted known: 0,1,3 → true 0,3 → 2/3; answered rows 0,1,2 → converted among them: 0 → 1/3
# avoidable known: 0,1,2,3 → true 0,3 → 2/4
# avoidable motifs {livraison}: motif known 0,1,2,4,5 → livraison 0,2,4 → 3/5
# selfcare known: 0..3 → true 0 → 1/4; selfcare canal web: canal known 0,1,2,3,5 → 0,2 → 2/5
# motifs: known 5 → livraison 3 (60 %), facture 2 (40 %)

# Tickets (hours from D0): last started_at = 72 h (row 3)
# row started resolved  duration  canal
# 0   0       2         2 h       email
# 1   0       30        30 h      telephone
# 2   0       NaT       open 72 h at the end
# 3   72      NaT       open 0 h
# 4   10      5         resolved before start → left out of mttr/SLA
TICKETS = frame(
    started_at=ts(0, 0, 0, 72, 10),
    resolved_at=ts(2, 30, None, None, 5),
    canal=cat("email", "telephone", "telephone", "telephone", "email"),
)

# HO/HNO: D0 is a Monday; Mon 07:59 HNO, Mon 08:00 HO, Mon 18:59 HO, Mon 19:00 HNO, Sat 10:00 HNO
HOURS_CONTACTS = frame(
    started_at=pd.to_datetime(
        ["2024-01-01 07:59", "2024-01-01 08:00", "2024-01-01 18:59", "2024-01-01 19:00",
         "2024-01-06 10:00"]
    )
)  # fmt: skip

# Backlog: started d0,d1,d2,d3; resolved d0+1h, open, d5, open; at = last start (d3)
BACKLOG = frame(
    started_at=_days(0, 1, 2, 3),
    resolved_at=pd.to_datetime([D0 + pd.Timedelta(hours=1), None, D0 + pd.Timedelta(days=5), None]),
)

# Costs: Jan 1000, Feb 600; contacts Jan 5, Jan 31 15:00 (end date covers the day), Feb 1
COST_CONTACTS = frame(
    started_at=pd.to_datetime(["2024-01-05 10:00", "2024-01-31 15:00", "2024-02-01 09:00"]),
    answered=boolean(True, False, True),
)
COSTS = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
        "period_end": pd.to_datetime(["2024-01-31", "2024-02-29"]),
        "cost": [1000.0, 600.0],
    }
)

# --- surveys --------------------------------------------------------------------------------------


def surveys(**cols):
    n = len(next(iter(cols.values())))
    return frame(answered_at=ts(*range(n)), **cols)


# --- evaluations ---------------------------------------------------------------------------
# score/max → %: 80, 60, 90, 50; calls (telephone): 80, 60 → 70; written (email, chat): 90, 50 → 70
EVALS = pd.DataFrame(
    {
        "evaluated_at": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-10", "2024-02-03"]),
        "agent_id": ["a1", "a1", "a2", "a1"],
        "canal": cat("telephone", "telephone", "email", "chat"),
        "score": [8.0, 6, 9, 10],
        "max_score": [10.0, 10, 10, 20],
        "item:accueil": [1.0, 0.5, 1, 1],
        "_row": [2, 3, 4, 5],
    }
)
# agent-months evaluated: (a1, Jan), (a2, Jan), (a1, Feb) = 3; 4 evaluations → 4/3
# active on contacts: a3 in Jan (answered), a1 in Jan (already there), a4 not answered → +1 → 4/4
AGENT_CONTACTS = frame(
    started_at=pd.to_datetime(
        ["2024-01-02 09:00", "2024-01-02 10:00", "2024-01-03 09:00", "2024-01-02 11:00",
         "2024-01-04 09:00", "2024-01-15 09:00"]
    ),
    agent_id=cat("a1", "a1", "a1", "a2", "a2", "a3"),
    answered=boolean(True, True, True, True, False, True),
)  # fmt: skip
# handled agent-days: (a1, 2 Jan), (a1, 3 Jan), (a2, 2 Jan), (a3, 15 Jan) = 4; handled = 5 → 1.25
AGENT_CONTACTS_A4 = pd.concat(
    [AGENT_CONTACTS, frame(started_at=pd.to_datetime(["2024-01-09"]), agent_id=cat("a4"),
                           answered=boolean(False))],
    ignore_index=True,
)  # fmt: skip

HOURS = pd.DataFrame(
    {
        "agent_id": ["a1", "a2"],
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-01"]),
        "planned_h": [100.0, 50.0],
        "absent_h": [10.0, 5.0],
        "worked_days": [10.0, 5.0],
    }
)
HEADCOUNT = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
        "period_end": pd.to_datetime(["2024-01-31", "2024-02-29"]),
        "avg_headcount": [20.0, 30.0],
        "leavers": [1.0, 2.0],
    }
)
BASE = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
        "period_end": pd.to_datetime(["2024-01-31", "2024-02-29"]),
        "start": [100.0, 105.0],
        "new": [10.0, 5.0],
        "lost": [5.0, 10.0],
        "end": [105.0, 100.0],
        "renewals_due": [20.0, 10.0],
        "renewed": [15.0, 9.0],
    }
)


# Split period inputs: costs per provider (P1 600, P2 400 in January), cost items in one period
COST_CONTACTS_P = COST_CONTACTS.assign(provider=cat("P1", "P2", "P1"))
COSTS_P = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-01"]),
        "period_end": pd.to_datetime(["2024-01-31 23:59:59", "2024-01-31 23:59:59"]),
        "cost": [600.0, 400.0],
        "provider": ["P1", "P2"],
    }
)
COST_ITEMS = COSTS_P.drop(columns="provider")  # staff 600 + IT 400 in one period
# headcount split by provider: Jan 10 + 10, Feb 10 + 20; leavers 1 + 0, 1 + 1
HEADCOUNT_P = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"]),
        "avg_headcount": [10.0, 10, 10, 20],
        "leavers": [1.0, 0, 1, 1],
        "provider": ["P1", "P2", "P1", "P2"],
    }
)
TICKETS_ID = TICKETS.assign(ticket_id=["a", None, "c", "d", "e"])
BACKLOG_ID = BACKLOG.assign(ticket_id=["a", None, "c", "d"])


@dataclass
class Case:
    id: str
    tables: dict
    kpi: str
    value: float | None
    num: float | None = None
    den: float | None = None
    params: dict = field(default_factory=dict)
    status: str = "ok"
    by: list | None = None
    period: str | None = None
    filters: dict | None = None
    detail: str | None = None  # substring expected in the detail
    segment: dict | None = None  # pick the row of this segment


C = {"contacts": CALLS}
J = {"contacts": JOURNEYS}
F = {"contacts": FLAGS}
T = {"contacts": TICKETS}

CASES = [
    # telephony: inbound presented calls = canal telephone, offered flag true, answered known
    # (no direction column: every contact assumed inbound) → rows 0, 1, 3
    Case("offered", C, "offered", 3, 3, detail="direction not mapped"),
    Case("handled", C, "handled", 2, 2),  # rows 0, 1
    Case("abandoned", C, "abandoned", 1, 1),  # row 3
    Case("abandoned_short", C, "abandoned", 0, 0, params={"short_abandon_s": 5}),  # row 3: 3 s
    Case("volume", C, "volume", 6, 6),
    # rates over rows 0, 1, 3
    Case("answer_rate", C, "answer_rate", 200 / 3, 2, 3),
    Case("abandon_rate", C, "abandon_rate", 100 / 3, 1, 3),
    Case("abandon_rate_short", C, "abandon_rate", 0.0, 0, 2, params={"short_abandon_s": 5}),
    Case("service_level", C, "service_level", 200 / 3, 2, 3),  # wait ≤ 20: rows 0, 1
    Case("sl_seconds", C, "service_level", 200 / 3, 2, 3, params={"sl_seconds": 30}),
    Case("sl_short", C, "service_level", 100.0, 2, 2, params={"short_abandon_s": 5}),
    Case(
        "sl_abandons_excluded",
        C,
        "service_level",
        100.0,
        2,
        2,
        params={"abandons_in_sl": "excluded"},
    ),
    Case("sl_excl_short_variant", C, "service_level_excl_short_abandons", 100.0, 2, 2),
    Case("asa", C, "asa", 15.0, 30, 2),  # (10 + 20) / 2
    Case("avg_wait", C, "avg_wait", 11.0, 33, 3),  # (10 + 20 + 3) / 3
    # telephony_channels adds email: offered rows 0, 1, 3, 4 (row 2 not presented)
    Case(
        "answer_rate_channels",
        C,
        "answer_rate",
        50.0,
        2,
        4,
        params={"telephony_channels": ["telephone", "email"]},
        detail="channels: email, telephone",
    ),
    # all 6 rows by the old rule (presented = answered known: 0-4) would give 3/5 = 60 %
    # durations: answered rows 0-2
    Case("dmc", C, "dmc", 640 / 3, 640, 3, detail="talk_s + hold_s"),  # 110 + 200 + 330
    Case("acw", C, "acw", 30.0, 60, 2),  # 20, 40 (row 2 has no acw)
    Case("dmt", C, "dmt", 700 / 3, 700, 3),  # 130 + 240 + 330
    Case("dmt_no_hold", C, "dmt_no_hold", 220.0, 660, 3),  # 120 + 240 + 300
    Case(
        "dmt_missing_hold_column",
        {"contacts": CALLS_NO_HOLD},
        "dmt",
        220.0,
        660,
        3,
        detail="absent: hold_s",
    ),
    # presented = offered flag and answered known, telephone: rows 0,1,3 → answered 0,1 → 2/3
    Case("qos_rate", C, "qos_rate", 200 / 3, 2, 3),
    # no offered flag: telephone rows with answered known: 0,1,3 → 2/3, and the detail says so
    Case(
        "qos_rate_no_offered",
        {"contacts": CALLS_NO_OFFERED},
        "qos_rate",
        200 / 3,
        2,
        3,
        detail="offered flag not mapped",
    ),
    Case("conversion_rate", F, "conversion_rate", 200 / 3, 2, 3),
    Case(
        "conversion_answered",
        F,
        "conversion_rate",
        100 / 3,
        1,
        3,
        params={"conversion_denominator": "answered"},
    ),
    # by segment: telephone rows 0,1,3 offered (row 5 unknown) → answered 0,1 → 2/3
    Case(
        "answer_rate_by_canal",
        C,
        "answer_rate",
        200 / 3,
        2,
        3,
        by=["canal"],
        segment={"canal": "telephone"},
    ),
    # filter canal = email, email counted as a queued channel: rows 2 (not presented), 4 → 0/1
    Case(
        "answer_rate_filter",
        C,
        "answer_rate",
        0.0,
        0,
        1,
        filters={"canal": "email"},
        params={"telephony_channels": "email"},
    ),
    Case("ho_hno", {"contacts": HOURS_CONTACTS}, "ho_hno", 60.0, 3, 5),
    Case(
        "ho_hno_saturday",
        {"contacts": HOURS_CONTACTS},
        "ho_hno",
        40.0,
        2,
        5,
        params={"opening_hours": "mon-sat 08:00-19:00"},
    ),
    Case("backlog", {"contacts": BACKLOG}, "backlog", 3, 3),  # rows 1, 2 (resolved d5), 3
    Case("backlog_items", {"contacts": BACKLOG_ID}, "backlog", 2, 2),  # rows 2, 3 (1: no ticket)
    Case("backlog_items_all", {"contacts": BACKLOG_ID}, "backlog", 3, 3, params={"items": "all"}),
    Case(
        "backlog_at", {"contacts": BACKLOG}, "backlog", 1, 1, params={"at": "2024-01-02 12:00"}
    ),  # only row 1
    Case(
        "cost_per_contact",
        {"contacts": COST_CONTACTS, "costs": COSTS},
        "cost_per_contact",
        1600 / 3,
        1600,
        3,
    ),
    Case(
        "cost_per_contact_month",
        {"contacts": COST_CONTACTS, "costs": COSTS.iloc[:1]},
        "cost_per_contact",
        500.0,
        1000,
        2,
    ),
    # January contacts: P1 (5 Jan), P2 (31 Jan) → 1000 ÷ 2 overall; P1: 600 ÷ 1
    Case(
        "cost_split_provider",
        {"contacts": COST_CONTACTS_P, "costs": COSTS_P},
        "cost_per_contact",
        500.0,
        1000,
        2,
        detail="split by provider",
    ),
    Case(
        "cost_by_provider",
        {"contacts": COST_CONTACTS_P, "costs": COSTS_P},
        "cost_per_contact",
        600.0,
        600,
        1,
        by=["provider"],
        segment={"provider": "P1"},
    ),
    Case(
        "cost_items_one_period",
        {"contacts": COST_CONTACTS, "costs": COST_ITEMS},
        "cost_per_contact",
        500.0,
        1000,
        2,
    ),  # the 2 January contacts counted once
    Case(
        "cost_base_handled",
        {"contacts": COST_CONTACTS, "costs": COSTS.iloc[:1]},
        "cost_per_contact",
        1000.0,
        1000,
        1,
        params={"cost_base": "handled"},
    ),
    # resolution
    Case("fcr", F, "fcr", 60.0, 3, 5),
    Case(
        "fcr_survey",
        {"surveys": surveys(resolved_declared=boolean(True, False, False, True, None))},
        "fcr_survey",
        50.0,
        2,
        4,
    ),
    # eligible: r0-r6 (7); followed same motif: r0, r5 → 2/7
    Case("recontact_rate_contacts", J, "recontact_rate_contacts", 200 / 7, 2, 7),
    # customers eligible c1, c2, c3; followed: c1, c3 → 2/3
    Case("recontact_rate", J, "recontact_rate", 200 / 3, 2, 3),
    Case(
        "recontact_any_motif",
        J,
        "recontact_rate_contacts",
        300 / 7,
        3,
        7,
        params={"same_motif": False},
    ),  # + r3 (next r4 motif B)
    Case(
        "recontact_customers_any_motif",
        J,
        "recontact_rate",
        100.0,
        3,
        3,
        params={"same_motif": False},
    ),
    Case(
        "recontact_keep_censored",
        J,
        "recontact_rate_contacts",
        25.0,
        2,
        8,
        params={"exclude_censored": False},
    ),  # + r8
    Case(
        "recontact_customers_keep_censored",
        J,
        "recontact_rate",
        50.0,
        2,
        4,
        params={"exclude_censored": False},
    ),  # + c4
    # window 20: censored day > 10 → r2, r8; eligible r0,r1,r3,r4,r5,r6; followed r0,r1,r5
    Case("recontact_window", J, "recontact_rate_contacts", 50.0, 3, 6, params={"window_days": 20}),
    # answered eligible: r0,r1,r2,r3,r5,r6 (r4 not answered) → not followed r1,r2,r3,r6 → 4/6
    Case("fcr_measured", J, "fcr_measured", 200 / 3, 4, 6),
    # by canal: recontact per contact — telephone eligible r0,r2,r3,r4 → followed r0 → 1/4
    Case(
        "recontact_by_canal",
        J,
        "recontact_rate_contacts",
        25.0,
        1,
        4,
        by=["canal"],
        segment={"canal": "telephone"},
    ),
    # filter canal=chat: flags from the whole table, then filtered: r5 followed, r6 not → 1/2
    Case(
        "recontact_filter_chat", J, "recontact_rate_contacts", 50.0, 1, 2, filters={"canal": "chat"}
    ),
    Case("transfer_rate", F, "transfer_rate", 100 / 3, 1, 3),
    Case("transfer_all_levels", F, "transfer_rate", 60.0, 3, 5, params={"level1_only": False}),
    Case(
        "transfer_level1_label", F, "transfer_rate", 100.0, 1, 1, params={"level1_label": "N2"}
    ),  # row 2 only
    Case(
        "transfer_no_niveau",
        {"contacts": FLAGS.drop(columns="niveau")},
        "transfer_rate",
        60.0,
        3,
        5,
        detail="no niveau",
    ),
    Case("avoidable_rate", F, "avoidable_rate", 50.0, 2, 4),
    Case(
        "avoidable_motifs",
        F,
        "avoidable_rate",
        60.0,
        3,
        5,
        params={"avoidable_motifs": ["livraison"]},
    ),
    Case("selfcare_rate", F, "selfcare_rate", 25.0, 1, 4),
    Case("selfcare_canals", F, "selfcare_rate", 40.0, 2, 5, params={"selfcare_canals": "web"}),
    # mttr: rows 0 (7200 s), 1 (108000 s) → 57600; row 4 resolved before start: out
    Case("mttr", T, "mttr", 57600.0, 115200, 2, detail="median 57600"),
    # SLA 24 h: row 0 in (2 h), row 1 late (30 h), row 2 open 72 h > 24 → late; row 3 unknown
    Case("sla_compliance", T, "sla_compliance", 100 / 3, 1, 3),
    # with ticket ids: row 1 has none → row 0 in, row 2 late open, row 3 unknown → 1/2
    Case("sla_items", {"contacts": TICKETS_ID}, "sla_compliance", 50.0, 1, 2),
    Case("mttr_items", {"contacts": TICKETS_ID}, "mttr", 7200.0, 7200, 1),  # row 0 only
    Case("sla_hours", T, "sla_compliance", 200 / 3, 2, 3, params={"sla_hours": 48}),
    # per canal: email 1 h → row 0 (2 h) late; telephone 24 h default → row 1 late, row 2 late
    Case(
        "sla_per_canal",
        T,
        "sla_compliance",
        0.0,
        0,
        3,
        params={"sla_hours": {"email": 1, "default": 24}},
    ),
    Case("motifs", F, "motifs", 60.0, 3, 5, segment={"motif": "livraison"}),
    # voice of the customer (1–5: top box 4–5)
    Case(
        "csat",
        {"surveys": surveys(csat_score=[5.0, 4, 3, 1, NAN])},
        "csat",
        50.0,
        2,
        4,
        detail="scale 1-5",
    ),
    Case(
        "csat_top_box",
        {"surveys": surveys(csat_score=[5.0, 4, 3, 1, NAN])},
        "csat",
        75.0,
        3,
        4,
        params={"csat_top_box": 3},
    ),
    Case(
        "csat_scale_param",
        {"surveys": surveys(csat_score=[5.0, 4, 3, 1])},
        "csat",
        0.0,
        0,
        4,
        params={"csat_scale": "0-10"},
    ),  # top box 9-10
    Case("csat_0_10", {"surveys": surveys(csat_score=[10.0, 9, 8, 0])}, "csat", 50.0, 2, 4),
    Case("csat_yes_no", {"surveys": surveys(csat_score=[1.0, 0, 1, 1])}, "csat", 75.0, 3, 4),
    Case("csat_4_levels", {"surveys": surveys(csat_score=[4.0, 3, 2, 1])}, "csat", 50.0, 2, 4),
    Case("csat_3_levels", {"surveys": surveys(csat_score=[3.0, 2, 1, 3])}, "csat", 50.0, 2, 4),
    Case(
        "csat_from_contacts",
        {"contacts": frame(started_at=ts(1, 2, 3), csat_score=[5.0, 2, NAN])},
        "csat",
        50.0,
        1,
        2,
        detail="contacts.csat_score",
    ),
    Case(
        "csat_mean", {"surveys": surveys(csat_score=[5.0, 4, 3, 1, NAN])}, "csat_mean", 3.25, 13, 4
    ),
    # NPS: 10, 9 promoters; 6, 0 detractors; n=6 → 0 points
    Case("nps_zero", {"surveys": surveys(nps_score=[10.0, 9, 8, 7, 6, 0, NAN])}, "nps", 0.0, 0, 6),
    Case("nps", {"surveys": surveys(nps_score=[10.0, 10, 9, 0])}, "nps", 50.0, 2, 4),
    Case("ces", {"surveys": surveys(ces_score=[1.0, 2, 3, 5])}, "ces", 2.75, 11, 4),
    Case(
        "ces_low_effort",
        {"surveys": surveys(ces_score=[1.0, 2, 3, 5])},
        "ces_low_effort",
        50.0,
        2,
        4,
    ),
    Case(
        "ces_high_is_ease",
        {"surveys": surveys(ces_score=[1.0, 2, 3, 5])},
        "ces_low_effort",
        25.0,
        1,
        4,
        params={"ces_high_is_effort": False},
    ),
    Case(
        "ces_scale_7",
        {"surveys": surveys(ces_score=[1.0, 2, 3, 5])},
        "ces_low_effort",
        75.0,
        3,
        4,
        params={"ces_scale": 7},
    ),  # 1–3 of 1–7
    Case(
        "ces_boxes",
        {"surveys": surveys(ces_score=[1.0, 2, 3, 5])},
        "ces_low_effort",
        25.0,
        1,
        4,
        params={"ces_low_effort_boxes": 1},
    ),
    # quality
    Case("quality_calls", {"evaluations": EVALS}, "quality_calls", 70.0, 140, 2),
    Case("quality_written", {"evaluations": EVALS}, "quality_written", 70.0, 140, 2),
    Case(
        "quality_raw",
        {"evaluations": EVALS.drop(columns="max_score")},
        "quality_calls",
        7.0,
        14,
        2,
        detail="raw",
    ),
    Case(
        "quality_no_canal",
        {"evaluations": EVALS.drop(columns="canal")},
        "quality_calls",
        70.0,
        280,
        4,
    ),  # 80 + 60 + 90 + 50
    Case(
        "quality_call_canals",
        {"evaluations": EVALS},
        "quality_calls",
        230 / 3,
        230,
        3,
        params={"call_canals": ["telephone", "email"]},
    ),  # (80 + 60 + 90) / 3
    Case(
        "quality_written_canals",
        {"evaluations": EVALS},
        "quality_written",
        50.0,
        50,
        1,
        params={"written_canals": ["chat"]},
    ),  # 10 / 20
    Case("eval_coverage", {"evaluations": EVALS}, "eval_coverage", 4 / 3, 4, 3),
    Case(
        "eval_coverage_active",
        {"evaluations": EVALS, "contacts": AGENT_CONTACTS_A4},
        "eval_coverage",
        1.0,
        4,
        4,
    ),
    Case(
        "eval_coverage_never_evaluated",
        {"evaluations": EVALS, "contacts": AGENT_CONTACTS_A4},
        "eval_coverage",
        0.0,
        0,
        1,
        by=["agent_id"],
        segment={"agent_id": "a3"},
    ),  # a3 active in January, never evaluated
    # people
    Case("absenteeism", {"hours": HOURS}, "absenteeism", 10.0, 15, 150),
    Case("agent_days", {"contacts": AGENT_CONTACTS}, "agent_days", 4, 4),
    Case("agent_days_hours", {"contacts": AGENT_CONTACTS, "hours": HOURS}, "agent_days", 15, 15),
    Case(
        "agent_days_source",
        {"contacts": AGENT_CONTACTS, "hours": HOURS},
        "agent_days",
        4,
        4,
        params={"agent_days_source": "contacts"},
    ),
    Case("productivity", {"contacts": AGENT_CONTACTS}, "productivity", 1.25, 5, 4),
    Case(
        "productivity_hour",
        {"contacts": AGENT_CONTACTS, "hours": HOURS},
        "productivity",
        5 / 135,
        5,
        135,
        params={"per": "hour"},
    ),  # 90 + 45 worked hours
    Case("attrition", {"headcount": HEADCOUNT}, "attrition", 12.0, 3, 25),  # 3 ÷ mean(20, 30)
    Case("attrition_split", {"headcount": HEADCOUNT_P}, "attrition", 12.0, 3, 25),  # (20+30)/2
    # business: (105 - ... ) over Jan+Feb: (100 end − 15 new) ÷ 100 start
    Case("retention", {"customer_base": BASE}, "retention", 85.0, 85, 100),
    Case(
        "retention_feb",
        {"customer_base": BASE},
        "retention",
        100 * 95 / 105,
        95,
        105,
        period="month",
        segment={"period": pd.Timestamp("2024-02-01")},
    ),  # (100 − 5) ÷ 105
    Case("churn", {"customer_base": BASE}, "churn", 15.0, 15, 100),
    Case("renewal_rate", {"customer_base": BASE}, "renewal_rate", 80.0, 24, 30),
    # statuses
    Case(
        "not_computable_field",
        {"contacts": CALLS.drop(columns="answered")},
        "answer_rate",
        None,
        status="not_computable",
        detail="contacts.answered",
    ),
    Case("not_computable_table", C, "nps", None, status="not_computable", detail="surveys"),
    Case(
        "not_computable_filter_field",
        C,
        "answer_rate",
        None,
        filters={"provider": "P1"},
        status="not_computable",
        detail="provider",
    ),
    Case(
        "no_data",
        C,
        "asa",
        None,
        filters={"canal": "chat"},
        status="no_data",
        detail="empty denominator",
    ),
    Case(
        "low_sample",
        {"surveys": surveys(csat_score=[5.0, 4, 3, 1])},
        "csat",
        50.0,
        2,
        4,
        params={"min_n": 30},
        status="low_sample",
    ),
    Case(
        "min_n",
        {"surveys": surveys(csat_score=[5.0, 4, 3, 1])},
        "csat",
        50.0,
        2,
        4,
        params={"min_n": 4},
    ),
]


def _run(case: Case) -> pd.Series:
    params = dict(case.params)
    kpi = REGISTRY.get(case.kpi)
    if "min_n" in kpi.params and "min_n" not in params:
        params["min_n"] = 1
    out = compute(
        case.tables,
        [case.kpi],
        by=case.by,
        period=case.period,
        filters=case.filters,
        params={case.kpi: params} if params else None,
    )
    if case.segment:
        for k, v in case.segment.items():
            out = out[out[k] == v]
    assert len(out) == 1, out
    return out.iloc[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case):
    row = _run(case)
    assert row["status"] == case.status, row["detail"]
    if case.value is None:
        assert np.isnan(row["value"])
    else:
        assert row["value"] == pytest.approx(case.value, rel=1e-9, abs=1e-9)
    if case.num is not None:
        assert row["numerator"] == pytest.approx(case.num)
    if case.den is not None:
        assert row["denominator"] == pytest.approx(case.den)
    if case.detail:
        assert case.detail in row["detail"]
    assert row["unit"] == REGISTRY.get(case.kpi).unit


def test_every_kpi_has_a_case():
    covered = {c.kpi for c in CASES}
    assert set(REGISTRY.ids) <= covered, set(REGISTRY.ids) - covered


def test_every_param_has_a_case():
    tried = {(c.kpi, p) for c in CASES for p in c.params}
    tried_names = {p for _, p in tried}
    for kpi in REGISTRY:
        for name in kpi.params:
            assert name in tried_names or name in ("min_n",), f"{kpi.id}.{name} untested"


def test_counts_have_no_interval():
    row = _run(Case("x", C, "offered", 3))
    assert np.isnan(row["denominator"]) and np.isnan(row["ci_low"]) and row["n"] == 3


def test_interval_columns_present_and_ordered():
    out = compute(C, ["answer_rate", "asa"], params={"min_n": 1})
    for _, r in out.iterrows():
        assert r["ci_low"] <= r["value"] <= r["ci_high"]
    assert list(out.columns) == [
        "kpi",
        "value",
        "numerator",
        "denominator",
        "ci_low",
        "ci_high",
        "n",
        "unit",
        "status",
        "low_sample",
        "detail",
        "population_id",
        "median",
        "median_ci_low",
        "median_ci_high",
    ]


def test_period_column_and_by():
    out = compute(J, ["volume"], by=["canal"], period="week")
    assert list(out.columns[:3]) == ["kpi", "canal", "period"]
    # weeks of 2024-01-01 (Mon): days 0-5 → week 1; day 20 → 15 Jan; day 30 → 29 Jan
    tel = out[(out["canal"] == "telephone")].set_index("period")["value"]
    # telephone rows: r0 d0, r2 d20, r3 d1, r4 d3, r7 d4, r8 d30
    assert tel[pd.Timestamp("2024-01-01")] == 4
    assert tel[pd.Timestamp("2024-01-15")] == 1
    assert tel[pd.Timestamp("2024-01-29")] == 1


def test_date_range_filter_applies_to_each_table():
    tables = {"contacts": JOURNEYS, "customer_base": BASE}
    out = compute(tables, ["volume", "churn"], filters={"started_at": ("2024-01-01", "2024-01-02")})
    got = out.set_index("kpi")["value"]
    assert got["volume"] == 2  # r0 (1 Jan) and r3 (2 Jan): the end day is included
    assert got["churn"] == pytest.approx(5.0)  # January only: 5 ÷ 100


def test_survey_segment_borrowed_from_contacts():
    contacts = frame(started_at=ts(1, 2), contact_id=["x", "y"], canal=cat("chat", "email"))
    s = surveys(contact_id=["x", "y", "x"], csat_score=[5.0, 1, 4])
    out = compute({"contacts": contacts, "surveys": s}, ["csat"], by=["canal"], params={"min_n": 1})
    got = out.set_index("canal")
    assert got.loc["chat", "value"] == 100.0  # x: 5, 4
    assert got.loc["email", "value"] == 0.0
    assert "taken from contacts" in got.loc["chat", "detail"]


def test_unknown_param_rejected():
    with pytest.raises(ValueError, match="unknown parameter"):
        compute(C, ["answer_rate"], params={"sl_secnds": 10})
    with pytest.raises(ValueError, match="no parameter"):
        compute(C, ["answer_rate"], params={"answer_rate": {"sl_seconds": 10}})


def test_string_params_coerced():
    # rows 0, 1, 3; within 15 s: row 0 only → 1/3 (the default 20 s gives 2/3)
    out = compute(C, ["service_level"], params={"sl_seconds": "15", "min_n": "1"})
    assert out["value"].iloc[0] == pytest.approx(100 / 3)


def test_quality_items_helper():
    from kpis.definitions.quality import quality_items

    items = quality_items({"evaluations": EVALS})
    assert items.set_index("item").loc["accueil", "mean"] == pytest.approx(3.5 / 4)


def test_param_strings_from_the_command_line():
    from kpis.engine import coerce_param

    assert coerce_param("email:1,default:24", 24) == {"email": 1.0, "default": 24.0}
    assert coerce_param("2,5", 0) == 2.5
    assert coerce_param("non", True) is False
    assert coerce_param("livraison,facture", []) == ["livraison", "facture"]
    out = compute(T, ["sla_compliance"], params={"sla_hours": "email:1,default:24", "min_n": 1})
    assert out["value"].iloc[0] == 0.0  # as the sla_per_canal case
