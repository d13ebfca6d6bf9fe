"""The rules that turn the remaining seed readings into findings (issue 14): each fires on a small
planted table built here, on the right segment with the number computed by hand, and stays
silent on its null twin; and the bundled sample, with its preset settings, shows every rule."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from kpis.rules import RULES, run_rules

DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2026-01-05 10:00")


def fired(tables, rule, settings=None, params=None):
    found = run_rules(tables, params or {}, settings or {}, rules=[rule])
    return [f for f in found if f.is_finding]


# ---------------------------------------------------------------- service level far below


def service_level_table(low_queue_in_time: int) -> dict:
    """400 inbound calls, all answered: queue A 180 of 200 within 20 s, queue B
    ``low_queue_in_time`` of 200 within 20 s (the others wait 60 s)."""
    low = low_queue_in_time
    waits = [5.0] * 180 + [60.0] * 20 + [5.0] * low + [60.0] * (200 - low)
    n = len(waits)
    return {
        "contacts": pd.DataFrame(
            {
                "contact_id": [f"c{i}" for i in range(n)],
                "started_at": [T0 + pd.Timedelta(minutes=i) for i in range(n)],
                "canal": ["telephone"] * n,
                "queue": ["A"] * 200 + ["B"] * 200,
                "offered": pd.array([True] * n, dtype="boolean"),
                "answered": pd.array([True] * n, dtype="boolean"),
                "wait_s": waits,
                "talk_s": [120.0] * n,
            }
        )
    }


def test_service_level_far_below_fires_on_the_low_queue():
    # overall (180 + 60) / 400 = 60 % < 80 % − 10; queue B 60 / 200 = 30 %; queue A 90 % is fine
    hits = fired(service_level_table(60), "service_level_far_below")
    assert [f.segment for f in hits] == [{}]  # overall (the service level; no SLA data)
    assert hits[0].evidence["kpi"] == "service_level"
    ev = hits[0].evidence
    assert ev["value"] == pytest.approx(60.0) and ev["target"] == 80.0
    assert ev["queues"] == ["B"]
    assert "60,0\u202f%" in hits[0].text_fr
    assert "20,0 points sous l'objectif de 80\u202f%" in hits[0].text_fr
    assert "n = 400 appels entrants présentés" in hits[0].text_fr


def test_service_level_far_below_null_twin():
    # both queues 90 % within 20 s: above target − 10 points
    assert not fired(service_level_table(180), "service_level_far_below")


# ---------------------------------------------------------------- MTTR by team

MTTR = {"targets": {"mttr": 48 * 3600}}


def mttr_table(slow_hours: tuple[float, float]) -> dict:
    """Team X: 40 items resolved in ``slow_hours`` alternately; team Y: 40 items in 18 h / 22 h."""
    hx = [slow_hours[i % 2] for i in range(40)]
    hy = [18.0 if i % 2 == 0 else 22.0 for i in range(40)]
    start = [T0 + i * DAY for i in range(80)]
    return {
        "contacts": pd.DataFrame(
            {
                "contact_id": [f"c{i}" for i in range(80)],
                "started_at": start,
                "resolved_at": [
                    s + pd.Timedelta(hours=h) for s, h in zip(start, hx + hy, strict=True)
                ],
                "team": ["X"] * 40 + ["Y"] * 40,
            }
        )
    }


def test_mttr_above_target_names_the_slow_team():
    hits = fired(mttr_table((60.0, 84.0)), "mttr_above_target", MTTR)
    assert [f.segment for f in hits] == [{"team": "X"}]
    assert hits[0].evidence["value_s"] == pytest.approx(72 * 3600)  # (60 + 84) / 2 h
    assert "« X » (équipe) : délai moyen de résolution 3 j" in hits[0].text_fr
    assert "1,5 fois l'objectif de 2 j" in hits[0].text_fr  # 72 h / 48 h


def test_mttr_above_target_null_twin_and_no_target():
    assert not fired(mttr_table((18.0, 22.0)), "mttr_above_target", MTTR)
    notes = run_rules(mttr_table((60.0, 84.0)), rules=["mttr_above_target"])
    assert [f.kind for f in notes] == ["insufficient_data"]  # sourceless default: no verdict


# ---------------------------------------------------------------- effort drivers

CES = {"targets": {"ces": 3.0}}


def effort_table(transferred_ces: tuple[int, int], other_ces: tuple[int, int]) -> dict:
    """200 contacts of distinct customers a day apart, no wait; the first 100 transferred.
    Survey CES alternates ``transferred_ces`` on transferred contacts, ``other_ces`` on others."""
    n = 200
    ces = [transferred_ces[i % 2] for i in range(100)] + [other_ces[i % 2] for i in range(100)]
    contacts = pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(n)],
            "customer_id": [f"k{i}" for i in range(n)],
            "started_at": [T0 + i * DAY for i in range(n)],
            "transferred": pd.array([True] * 100 + [False] * 100, dtype="boolean"),
            "wait_s": [0.0] * n,
        }
    )
    surveys = pd.DataFrame(
        {
            "contact_id": contacts["contact_id"],
            "answered_at": contacts["started_at"] + pd.Timedelta(hours=2),
            "ces_score": [float(x) for x in ces],
        }
    )
    return {"contacts": contacts, "surveys": surveys}


def test_effort_drivers_names_transfers():
    # CES 5/6 when transferred (mean 5.5), 2/3 otherwise (2.5): overall 4.0 > 3; gap 3.0
    hits = fired(effort_table((5, 6), (2, 3)), "effort_drivers", CES)
    assert [f.segment for f in hits] == [{}]
    assert hits[0].evidence["drivers"] == ["transferred"]
    assert hits[0].evidence["ces"] == pytest.approx(4.0)
    assert "contact transféré (5,50 contre 2,50, écart 3,00" in hits[0].text_fr


def test_effort_drivers_null_twins():
    # no driver: effort high everywhere (4/4) → a finding, but no driver named
    flat = fired(effort_table((3, 5), (3, 5)), "effort_drivers", CES)
    assert [f.evidence["drivers"] for f in flat] == [[]]
    assert "Aucun des facteurs mesurés ne l'explique nettement" in flat[0].text_fr
    # effort under target (mean 2.5): silent
    assert not fired(effort_table((2, 3), (2, 3)), "effort_drivers", CES)


# ---------------------------------------------------------------- weak grid items


def grid_table(weak: tuple[int, int]) -> dict:
    """40 evaluations, 4 items: A = 8, B = 7 / 9, C = 8, D = ``weak`` alternately."""
    n = 40
    return {
        "evaluations": pd.DataFrame(
            {
                "evaluated_at": [T0 + i * DAY for i in range(n)],
                "agent_id": ["a"] * n,
                "item:A": [8.0] * n,
                "item:B": [7.0 if i % 2 else 9.0 for i in range(n)],
                "item:C": [8.0] * n,
                "item:D": [float(weak[i % 2]) for i in range(n)],
            }
        )
    }


def test_quality_items_weak_names_the_item():
    hits = fired(grid_table((4, 6)), "quality_items_weak")
    assert [f.segment for f in hits] == [{"item": ["D"]}]
    # D − mean(A, B, C): (4 − 23/3, 6 − 25/3) alternately → mean 5 − 8 = −3
    assert hits[0].evidence["gaps"] == [pytest.approx(-3.0)]
    assert "« D » moyenne 5,0, écart -3,0 point" in hits[0].text_fr


def test_quality_items_weak_null_twin():
    assert not fired(grid_table((7, 9)), "quality_items_weak")


# ---------------------------------------------------------------- short DMT with recontacts


def short_dmt_table(fast: bool) -> dict:
    """Agents K, L, M, N handle 60 contacts each (motif M1, one customer each, a day apart
    within an agent); talk 200 s ± 10 (K: 100 s ± 5 when ``fast``). The first 30 of K's
    customers (5 when not ``fast``) and 5 of each other agent's come back two days later on
    the same motif (handled by agent S, 200 s); a last contact on 1 June closes the window."""
    rows = []
    follow = []
    for a_i, agent in enumerate("KLMN"):
        for j in range(60):
            t = T0 + j * DAY + pd.Timedelta(minutes=a_i)
            talk = (100.0 + 5 * (j % 2)) if (fast and agent == "K") else (200.0 + 10 * (j % 2))
            cust = f"{agent}{j}"
            rows.append((cust, t, agent, talk))
            back = j < (30 if (fast and agent == "K") else 5)
            if back:
                follow.append((cust, t + 2 * DAY, "S", 200.0 + 10 * (len(follow) % 2)))
    rows += follow + [("last", pd.Timestamp("2026-06-01 10:00"), "S", 200.0)]
    c = pd.DataFrame(rows, columns=["customer_id", "started_at", "agent_id", "talk_s"])
    c["contact_id"] = [f"c{i}" for i in range(len(c))]
    c["motif"] = "M1"
    c["answered"] = pd.array([True] * len(c), dtype="boolean")
    return {"contacts": c}


def test_short_dmt_recontacts_names_the_agent():
    hits = fired(short_dmt_table(True), "short_dmt_recontacts")
    assert [f.segment for f in hits] == [{"agent_id": "K"}]
    ev = hits[0].evidence
    assert ev["recontact"] == pytest.approx(50.0)  # 30 of K's 60 contacts came back
    # others: 3 × 5 of 60 came back; S's 45 follow-ups did not (its last contact, whose 7-day
    # window runs past the data, is left out) → 15 / (180 + 45)
    assert ev["recontact_others"] == pytest.approx(100 * 15 / 225)
    assert 0.45 < ev["dmt_ratio"] < 0.55  # ≈ 102.5 s ÷ 205 s


def test_short_dmt_recontacts_null_twin():
    assert not fired(short_dmt_table(False), "short_dmt_recontacts")


# ---------------------------------------------------------------- churn with an NPS drop


def churn_table(bad_month: bool) -> dict:
    """Four months of 10 000 customers, 100 lost each (200 in March when ``bad_month``); 200
    survey answers a month, 100 promoters / 40 detractors (March 40 / 100 when bad)."""
    months = pd.date_range("2026-01-01", periods=4, freq="MS")
    lost = [100, 100, 200 if bad_month else 100, 100]
    base = pd.DataFrame({"period_start": months, "start": [10_000] * 4, "lost": lost})
    scores, dates = [], []
    for m in months:
        p, d = (40, 100) if (bad_month and m.month == 3) else (100, 40)
        scores += [10.0] * p + [3.0] * d + [8.0] * (200 - p - d)
        dates += [m + pd.Timedelta(days=10)] * 200
    surveys = pd.DataFrame({"answered_at": dates, "nps_score": scores})
    return {"customer_base": base, "surveys": surveys}


def test_churn_with_satisfaction_drop_names_the_month():
    hits = fired(churn_table(True), "churn_with_satisfaction_drop")
    assert [f.segment for f in hits] == [{"period": "2026-03"}]
    ev = hits[0].evidence
    assert ev["churn"] == pytest.approx(2.0) and ev["churn_others"] == pytest.approx(1.0)
    assert ev["nps"] == pytest.approx(-30.0) and ev["nps_others"] == pytest.approx(30.0)
    assert "En mars 2026, l'attrition client monte à 2,00\u202f%" in hits[0].text_fr


def test_churn_with_satisfaction_drop_null_twin():
    assert not fired(churn_table(False), "churn_with_satisfaction_drop")


# ---------------------------------------------------------------- overload and absences


def overload_table(absent_in_march: bool) -> dict:
    """Ten agents planned 150 h a month for four months; agent i absent 6 + 0.3 × (i mod 3) h,
    in March 12 + 0.3 × (i mod 2) h when ``absent_in_march``. Contacts: 1 000 a month, 1 500
    in March (load 1.0 vs 0.67 per planned hour)."""
    months = pd.date_range("2026-01-01", periods=4, freq="MS")
    rows = []
    for m in months:
        for i in range(10):
            absent = 6 + 0.3 * (i % 3)
            if absent_in_march and m.month == 3:
                absent = 12 + 0.3 * (i % 2)
            rows.append((m, f"a{i}", 150.0, absent))
    hours = pd.DataFrame(rows, columns=["period_start", "agent_id", "planned_h", "absent_h"])
    t = []
    for m in months:
        k = 1500 if m.month == 3 else 1000
        t += [m + pd.Timedelta(minutes=20 * j) for j in range(k)]
    return {"hours": hours, "contacts": pd.DataFrame({"started_at": t})}


def test_overload_absence_names_the_busy_month():
    hits = fired(overload_table(True), "overload_absence")
    assert [f.segment for f in hits] == [{"period": "2026-03"}]
    # mean over agents of 100 × (12 + 0.3 (i mod 2) − 6 − 0.3 (i mod 3)) / 150 = 3.92 points
    assert hits[0].evidence["rise_pts"] == pytest.approx(100 * (6 + 0.15 - 0.27) / 150)
    assert hits[0].evidence["load"] == pytest.approx(1.0)


def test_overload_absence_null_twin():
    assert not fired(overload_table(False), "overload_absence")


# ---------------------------------------------------------------- NPS and CSAT disagree


def voice_table(planted: bool) -> dict:
    """Ten motifs × 60 answers: 6 passives (CSAT 4, NPS 8), 36 satisfied promoters (5, 10), 18
    dissatisfied detractors (2, 3); planted: motif A has 30 satisfied detractors (5, 3) and 24
    satisfied promoters instead."""
    rows = []
    for m in "ABCDEFGHIJ":
        base = [(4, 8)] * 6
        if planted and m == "A":
            base += [(5, 3)] * 30 + [(5, 10)] * 24
        else:
            base += [(5, 10)] * 36 + [(2, 3)] * 18
        rows += [(m, c, n) for c, n in base]
    return {"surveys": pd.DataFrame(rows, columns=["motif", "csat_score", "nps_score"])}


def test_nps_csat_disagree_names_the_motif():
    hits = fired(voice_table(True), "nps_csat_disagree")
    assert [f.segment for f in hits] == [{"motif": "A"}]
    ev = hits[0].evidence
    # A: every answer satisfied (CSAT ≥ 4) but NPS 100 × (24 − 30) / 60 = −10
    assert ev["csat"] == pytest.approx(100.0) and ev["nps"] == pytest.approx(-10.0)
    # per answer NPS class − CSAT class: A (30 × −2 + 6 × −1) / 60 = −1.1; others 6 × −1 / 60
    assert ev["gap_pts"] == pytest.approx(-100.0)
    assert "le NPS est plus bas que ce que le CSAT laisse attendre" in hits[0].text_fr


def test_nps_csat_disagree_null_twin():
    assert not fired(voice_table(False), "nps_csat_disagree")


# ---------------------------------------------------------------- interactions per demand


def demand_table(planted: bool) -> dict:
    """Motifs A, B, C, 40 customers each (their own), demands starting in January: B and C
    have 35 one-contact and 5 two-contact demands (second contact 2 days later); A the same
    unless ``planted``: then 20 demands of 3 contacts (2 days apart) and 20 of 1. One more B
    contact on 1 April sets the end of the data (its own window runs past it: left out)."""
    rows = []
    for m in "ABC":
        for i in range(40):
            t = (
                T0
                + pd.Timedelta(hours=3 * i)
                + {"A": 0, "B": 1, "C": 2}[m] * pd.Timedelta(minutes=5)
            )
            k = (3 if i < 20 else 1) if (planted and m == "A") else (2 if i < 5 else 1)
            rows += [(f"{m}{i}", m, t + 2 * j * DAY) for j in range(k)]
    rows.append(("late", "B", pd.Timestamp("2026-04-01 10:00")))
    c = pd.DataFrame(rows, columns=["customer_id", "motif", "started_at"])
    return {"contacts": c}


def test_interactions_to_close_names_the_motif():
    hits = fired(demand_table(True), "interactions_to_close")
    assert [f.segment for f in hits] == [{"motif": "A"}]
    ev = hits[0].evidence
    # A: (20 × 3 + 20 × 1) / 40 = 2; others: (2 × (35 + 5 × 2)) / 80 = 1.125
    assert ev["per_demand"] == pytest.approx(2.0) and ev["others"] == pytest.approx(1.125)
    assert ev["demands"] == 40
    assert "nécessite en moyenne 2,00 contacts contre 1,12" in hits[0].text_fr  # half-even


def test_interactions_to_close_null_twin():
    assert not fired(demand_table(False), "interactions_to_close")


# ---------------------------------------------------------------- what to automate


def cost_table(a_avoidable: bool) -> dict:
    """1 000 € of costs for 60 planned − 10 absent hours (20 € per worked hour). 40 answered
    contacts each: motif A 170 / 190 s (avoidable when ``a_avoidable``), B 350 / 370 s (not
    avoidable), C 8 / 10 s (avoidable)."""
    talk = {"A": (170.0, 190.0), "B": (350.0, 370.0), "C": (8.0, 10.0)}
    av = {"A": a_avoidable, "B": False, "C": True}
    rows = [(m, talk[m][i % 2], av[m]) for m in "ABC" for i in range(40)]
    c = pd.DataFrame(rows, columns=["motif", "talk_s", "avoidable"])
    c["avoidable"] = c["avoidable"].astype("boolean")
    c["answered"] = pd.array([True] * len(c), dtype="boolean")
    c["started_at"] = [T0 + i * pd.Timedelta(hours=1) for i in range(len(c))]
    month = pd.Timestamp("2026-01-01")
    return {
        "contacts": c,
        "costs": pd.DataFrame({"period_start": [month], "cost": [1000.0]}),
        "hours": pd.DataFrame(
            {
                "period_start": [month] * 2,
                "agent_id": ["x", "y"],
                "planned_h": [30.0, 30.0],
                "absent_h": [4.0, 6.0],
            }
        ),  # fmt: skip
    }


def test_automation_candidates_names_the_costly_avoidable_motif():
    hits = fired(cost_table(True), "automation_candidates")
    assert [f.segment for f in hits] == [{"motif": ["A"]}]
    ev = hits[0].evidence
    assert ev["hourly_cost"] == pytest.approx(20.0)  # 1 000 € ÷ (60 − 10) h
    # A: 40 × 180 s = 2 h → 40 €; B: 4 h → 80 €; C: 0.1 h → 2 € (1.6 %, under 3 %)
    assert ev["cost"] == [pytest.approx(40.0)]
    assert ev["cost_share"] == [pytest.approx(100 * 40 / 122)]
    assert "« A » 40,00\u00a0€" in hits[0].text_fr


def test_automation_candidates_null_twin():
    assert not fired(cost_table(False), "automation_candidates")


# ---------------------------------------------------------------- cases for the catalogue test

# rule id, planted tables, null twin, engine params, settings, expected segment (used by
# tests/test_rules_catalogue.py, which checks every rule's wording on its own planted case)
SEED_CASES = [
    (
        "automation_candidates",
        lambda: cost_table(True),
        lambda: cost_table(False),
        {},
        {},
        {"motif": ["A"]},
    ),
    (
        "interactions_to_close",
        lambda: demand_table(True),
        lambda: demand_table(False),
        {},
        {},
        {"motif": "A"},
    ),
    (
        "nps_csat_disagree",
        lambda: voice_table(True),
        lambda: voice_table(False),
        {},
        {},
        {"motif": "A"},
    ),
    (
        "service_level_far_below",
        lambda: service_level_table(60),
        lambda: service_level_table(180),
        {},
        {},
        {},
    ),
    (
        "mttr_above_target",
        lambda: mttr_table((60.0, 84.0)),
        lambda: mttr_table((18.0, 22.0)),
        {},
        MTTR,
        {"team": "X"},
    ),  # fmt: skip
    (
        "effort_drivers",
        lambda: effort_table((5, 6), (2, 3)),
        lambda: effort_table((2, 3), (2, 3)),
        {},
        CES,
        {},
    ),
    (
        "quality_items_weak",
        lambda: grid_table((4, 6)),
        lambda: grid_table((7, 9)),
        {},
        {},
        {"item": ["D"]},
    ),  # fmt: skip
    (
        "short_dmt_recontacts",
        lambda: short_dmt_table(True),
        lambda: short_dmt_table(False),
        {},
        {},
        {"agent_id": "K"},
    ),
    (
        "churn_with_satisfaction_drop",
        lambda: churn_table(True),
        lambda: churn_table(False),
        {},
        {},
        {"period": "2026-03"},
    ),
    (
        "overload_absence",
        lambda: overload_table(True),
        lambda: overload_table(False),
        {},
        {},
        {"period": "2026-03"},
    ),
]


# ---------------------------------------------------------------- the demo shows every rule


@functools.cache
def sample_findings():
    from kpis.io.sample import load_sample, sample_engine_params, sample_settings

    tables, _ = load_sample()
    return run_rules(tables, sample_engine_params(), sample_settings())


# every rule shows on the bundled sample. Rules 12, 10 and 9 show: billing and order tracking
# carry 54 % of the contacts (generator _MOTIF_SHARE), a callback offer leaves 219 calls without
# outcome (CALLBACK_UNKNOWN), the CES question was a January pilot (CES_PILOT); « CSAT / NPS
# moving opposite to FCR » shows through the bonus on declared FCR (FCR_BONUS)
NOT_YET_ON_SAMPLE: set[str] = set()


def test_sample_shows_every_rule():
    shown = {f.rule for f in sample_findings() if f.is_finding}
    missing = {r.id for r in RULES} - shown
    assert missing <= NOT_YET_ON_SAMPLE, sorted(missing)


def test_sample_rules_12_10_9_state_the_planted_figures():
    # counted by hand with pandas on the CSV files: Facturation 8 911 + Suivi de commande 7 285
    # of 30 064 contacts = 53.9 %; 219 of the 22 116 « Présenté = oui » rows have an empty
    # « Décroché »; 18 January answers have a « Note effort »
    text = {f.rule: f.text_fr for f in sample_findings() if f.is_finding}
    assert (
        "(Facturation, Suivi de commande) portent 53,9\u202f% des contacts"
        in text["motifs_concentrated"]
    )
    assert "n = 30\u202f064 contacts" in text["motifs_concentrated"]
    assert "219 contacts présentés sur 22\u202f116" in text["answer_abandon_not_100"]
    assert "2026-01 (Note d'effort (CES), n = 18)" in text["survey_sample_small"]
    assert "_score" not in text["survey_sample_small"]  # a label, not the field id


def test_sample_new_rules_name_the_planted_segments():
    by_rule: dict = {}
    for f in sample_findings():
        if f.is_finding:
            by_rule.setdefault(f.rule, []).append(f.segment)
    assert {"agent_id": "Kévin M."} in by_rule["short_dmt_recontacts"]
    # rule 12: the Pareto of motifs (generator _MOTIF_SHARE)
    assert by_rule["motifs_concentrated"] == [{"motif": ["Facturation", "Suivi de commande"]}]
    assert by_rule["answer_abandon_not_100"] == [{}]  # CALLBACK_UNKNOWN
    assert by_rule["survey_sample_small"] == [{"period": ["2026-01"]}]  # CES_PILOT
    assert {"period": "2026-03"} in by_rule["churn_with_satisfaction_drop"]  # the surge month
    assert {"period": "2026-03"} in by_rule["overload_absence"]
    assert {"team": "Experts N2-N3"} in by_rule["mttr_above_target"]
    assert "Reformulation" in by_rule["quality_items_weak"][0]["item"]
    kpis_shown = {
        f.evidence["kpi"] for f in sample_findings() if f.rule == "service_level_far_below"
    }
    assert kpis_shown == {"service_level", "sla_compliance"}
    assert by_rule["fcr_ok_recontact_rising"] == [{}]  # the late drift (generator LATE_RECONTACT)
    assert {"agent_id": "Nathan L."} in by_rule["dmt_long_within_motif"]  # the slow new hire
    assert {"period": "2026-03"} in by_rule["long_wait"]  # the surge month, vs the 40 s target
    assert {"motif": "Panne technique"} in by_rule["score_moved_after_event"]  # the training
    assert by_rule["nps_csat_disagree"] == [{"motif": "Résiliation"}]  # RELATIONSHIP_GAP
    # FCR_BONUS: declared FCR rises while the NPS (not the CSAT) erodes
    (opp,) = [f for f in sample_findings() if f.rule == "scores_opposite_fcr" and f.is_finding]
    assert opp.segment == {} and opp.evidence["fcr_slope"]["ci_low"] > 0
    assert [s["kpi"] for s in opp.evidence["scores"] if s["flag"]] == ["nps"]
    # slopes recomputed with pandas + numpy.polyfit (weights √n) on the CSV files: declared FCR
    # +0.1146 pt/week over the 25 complete weeks, NPS (by answer week) −0.912 pt/week
    assert "le FCR déclaré évolue de 0,11" in opp.text_fr and "le NPS évolue en sens" in opp.text_fr
    assert "-0,91 pt/semaine" in opp.text_fr
    assert {"motif": "Remboursement"} in by_rule["interactions_to_close"]
    assert "Suivi de commande" in by_rule["automation_candidates"][0]["motif"]
    effort = [f.evidence["drivers"] for f in sample_findings() if f.rule == "effort_drivers"]
    assert effort == [["long_wait", "transferred", "repeat"]]  # waits, transfers, repeats


# ---------------------------------------------------------------- the sample's planted effects


@functools.cache
def sample_pair():
    from sample_data.generator import generate

    off = {
        "late_recontact": None,
        "slow_new_hire": None,
        "relationship_gap": None,
        "callback_unknown": None,
        "ces_pilot": None,
        "fcr_bonus": None,
    }
    return generate(), generate(**off)


@functools.cache
def sample_without_bonus():
    from sample_data.generator import generate

    return generate(fcr_bonus=None)


def test_post_draw_effects_keep_the_other_figures():
    on, off = sample_pair()
    c1, c0 = on["contacts"], off["contacts"]
    # only customer ids (late recontact), talk times (slow new hire), the outcome of the
    # calls that took the callback offer (CALLBACK_UNKNOWN) and declared FCR (FCR_BONUS) move
    moving_c = ("customer_id", "talk_s", "answered", "resolved_first_contact")
    same = [col for col in c0.columns if col not in moving_c]
    pd.testing.assert_frame_equal(c1[same], c0[same])
    r1, r0 = c1["resolved_first_contact"], c0["resolved_first_contact"]
    flipped = (r1 != r0).fillna(False)
    assert (r0[flipped] == False).all() and (r1[flipped] == True).all()  # noqa: E712
    assert c0.loc[flipped, "answered"].fillna(False).all()  # handled contacts only
    assert 150 < flipped.sum() < 500  # ≈ 0.4 × mean u (½) × ~1 350 handled, declared « non »
    moved = (c1["customer_id"].fillna("") != c0["customer_id"].fillna("")).sum()
    assert 100 < moved < 400  # about 1 % of contacts re-labelled
    keys = ["motif", "canal", "niveau", "provider"]
    sums = [c.groupby(keys, observed=True)["talk_s"].sum() for c in (c1, c0)]
    pd.testing.assert_series_equal(sums[0], sums[1])  # every stratum's total talk time
    s1, s0 = on["surveys"], off["surveys"]
    blank = c1["answered"].isna() & c0["answered"].notna()
    assert (c1["answered"].isna() == blank).all()  # the only unknown outcomes are planted
    assert (c0.loc[blank, "answered"] == False).all()  # noqa: E712  (abandons that took it)
    assert (c0.loc[blank, "queue"] == "Commandes").all()
    assert (c0.loc[blank, "started_at"] >= pd.Timestamp("2026-04-01")).all()
    assert (c0.loc[blank, "wait_s"] >= 30).all()
    assert 110 < blank.sum() < 400  # over 0.5 % of ~22 000 presented contacts
    pd.testing.assert_series_equal(c1["answered"].fillna(False), c0["answered"])
    moving = ["nps_score", "comment", "customer_id", "ces_score"]
    pd.testing.assert_frame_equal(s1.drop(columns=moving), s0.drop(columns=moving))
    month = s0["answered_at"].dt.strftime("%Y-%m")
    s2 = sample_without_bonus()["surveys"]  # relationship gap on, FCR bonus off
    by = [s["nps_score"].groupby([s["provider"], month], observed=True).sum() for s in (s2, s0)]
    pd.testing.assert_series_equal(by[0], by[1])  # NPS scores only swap within provider × month
    feb = s0["answered_at"] >= pd.Timestamp("2026-02-01")
    pd.testing.assert_series_equal(s1.loc[feb, "ces_score"], s0.loc[feb, "ces_score"])
    assert 0 < s1.loc[~feb, "ces_score"].notna().sum() < 30 < s0.loc[~feb, "ces_score"].count()
    for name in ("evaluations", "costs", "hours", "customer_base", "headcount"):
        pd.testing.assert_frame_equal(on[name], off[name])


# ---------------------------------------------------------------- rules 10 and 9 planted


def test_plant_callback_unknown_blanks_the_calls_that_took_the_offer():
    from types import SimpleNamespace

    from sample_data.planted import plant_callback_unknown

    B = pd.array
    c = pd.DataFrame(
        {
            "started_at": pd.to_datetime(["2026-03-31 10:00"] + ["2026-04-02 10:00"] * 5),
            "queue": ["Q", "Q", "Q", "Q", "R", "Q"],
            "offered": B([True, True, True, True, True, None], dtype="boolean"),
            "answered": B([False, False, False, True, False, False], dtype="boolean"),
            "wait_s": [90.0, 90.0, 20.0, 90.0, 90.0, 90.0],
        }
    )
    eff = SimpleNamespace(callback_unknown={"queue": "Q", "start": "2026-04-01", "min_wait_s": 30})
    plant_callback_unknown(c, eff)
    # only row 1: row 0 before the start, row 2 waited under 30 s, row 3 answered, row 4 another
    # queue, row 5 not presented
    assert c["answered"].isna().tolist() == [False, True, False, False, False, False]
    assert c["answered"].dropna().tolist() == [False, False, True, False, False]


def test_plant_ces_pilot_keeps_a_share_before_the_date():
    from types import SimpleNamespace

    import numpy as np

    from sample_data.planted import plant_ces_pilot

    s = pd.DataFrame(
        {
            "answered_at": pd.to_datetime(["2026-01-10"] * 4 + ["2026-02-01", "2026-02-02"]),
            "ces_score": [2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    eff = SimpleNamespace(ces_pilot={"until": "2026-02-01", "share": 0.5})
    # the function's draws with seed 0: 0.64, 0.27, 0.04, 0.02 (…): rows 1–3 are under 0.5
    plant_ces_pilot(np.random.default_rng(0), s, eff)
    assert s["ces_score"].iloc[:4].tolist()[1:] == [3.0, 4.0, 5.0]
    assert np.isnan(s["ces_score"].iloc[0])
    assert s["ces_score"].iloc[4:].tolist() == [6.0, 7.0]  # from the date on, all asked
    s2 = s.assign(ces_score=[2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    plant_ces_pilot(
        np.random.default_rng(0), s2, SimpleNamespace(ces_pilot={**eff.ces_pilot, "share": 0.0})
    )
    assert s2["ces_score"].isna().tolist() == [True] * 4 + [False, False]


def test_fcr_bonus_moves_nps_only_in_time():
    """FCR_BONUS swaps NPS (and comment) between the first and the second half within provider
    × motif × canal, never in the surge month nor on the training motif; CSAT untouched."""
    s1, s2 = sample_pair()[0]["surveys"], sample_without_bonus()["surveys"]
    pd.testing.assert_frame_equal(
        s1.drop(columns=["nps_score", "comment"]), s2.drop(columns=["nps_score", "comment"])
    )
    keys = [s1["provider"], s1["motif"], s1["canal"]]
    by = [s["nps_score"].groupby(keys, observed=True).sum() for s in (s1, s2)]
    pd.testing.assert_series_equal(by[0], by[1])
    kept = (s1["answered_at"].dt.strftime("%Y-%m") == "2026-03") | (
        s1["motif"] == "Panne technique"
    )
    pd.testing.assert_series_equal(s1.loc[kept, "nps_score"], s2.loc[kept, "nps_score"])
    moved = s1["nps_score"].fillna(-1) != s2["nps_score"].fillna(-1)
    late = s1["answered_at"] >= pd.Timestamp("2026-04-01")
    # second-half answers only lose points, first-half answers only gain
    gap = s1["nps_score"] - s2["nps_score"]
    assert (gap[moved & late] < 0).all() and (gap[moved & ~late] > 0).all()
    assert 200 < moved.sum() < 1000


def test_plant_fcr_bonus_by_hand():
    """Five contacts and four answers: u = 0, ½, 1; with shares 1 the contact declared not
    resolved at u = 1 is flipped, the one at u = 0 is not; the late promoter swaps with the
    early detractor of its stratum, not with the one of another canal."""
    from types import SimpleNamespace

    from sample_data.planted import plant_fcr_bonus

    B = pd.array
    c = pd.DataFrame(
        {
            "started_at": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-31", "2026-01-31"]),
            "answered": B([True, True, True, False], dtype="boolean"),
            "resolved_first_contact": B([False, True, False, None], dtype="boolean"),
        }
    )
    s = pd.DataFrame(
        {
            "answered_at": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-31", "2026-01-31"]),
            "provider": ["P"] * 4,
            "motif": ["M"] * 4,
            "canal": ["chat", "email", "email", "email"],
            "nps_score": [2.0, 3.0, 10.0, 9.0],
            "comment": pd.Series(["a", "b", "c", None], dtype="str"),
        }
    )
    eff = SimpleNamespace(
        fcr_bonus={
            "start": "2026-01-01",
            "end": "2026-01-31",
            "declared_share": 1.0,
            "nps_share": 1.0,
        },
        training_motif="T",
        surge_month="2026-03",
    )
    plant_fcr_bonus(np.random.default_rng(0), c, s, eff)
    assert c["resolved_first_contact"].tolist() == [False, True, True, pd.NA]
    # both late email answers are picked (in order); the only early email detractor goes to
    # the first, the chat detractor stays
    assert s["nps_score"].tolist() == [2.0, 10.0, 3.0, 9.0]
    assert s["comment"].tolist()[:3] == ["a", "c", "b"]
