"""The numbers in the rules' sentences come from kpis.format: durations adapt their unit (312 s
reads "5 min 12 s"), counts are grouped, gaps are signed, intervals are bracketed. Hand-built
data, expected sentences written out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.rules import run_rules

NNBSP, NBSP = "\u202f", "\xa0"


def observation(finding, lang: str) -> str:
    """The sentence's first part: what was seen, before the lead, action and caution."""
    return finding.text(lang).split(" Piste d'audit" if lang == "fr" else " A lead for")[0]


def test_long_wait_durations_adapt_their_unit():
    n = 100
    contacts = pd.DataFrame(
        {
            "started_at": pd.Timestamp("2026-01-05 09:00")
            + pd.to_timedelta(np.arange(n) * 3, unit="min"),
            "canal": "telephone",
            "answered": pd.array([True] * n, dtype="boolean"),
            "wait_s": np.where(np.arange(n) % 2 == 0, 302.0, 322.0),  # mean 312 s
            "talk_s": 250.0,
        }
    )
    # default values, but given with a source: judged (a sourceless default judges nothing)
    stated = {
        "targets": {"avg_wait": 45, "dmt": 300},
        "target_sources": {"avg_wait": "contrat", "dmt": "contrat"},
    }
    (f,) = run_rules({"contacts": contacts}, settings=stated, rules=["long_wait"])
    assert f.is_finding and f.evidence["mean_wait_s"] == 312.0
    assert observation(f, "fr") == (
        "Attente moyenne des appels présentés : 5 min 12 s "
        f"(IC 95 %{NBSP}[5 min 10 s ; 5 min 14 s], n = 100 appels entrants présentés), "
        "au-dessus de l'objectif de 45 s "
        "(p < 0,001 après Holm sur 2 tests : ensemble, mois). "
        "Au-dessus aussi : janvier 2026 : 5 min 12 s. "
        "Heures au-dessus de l'objectif : 09h, 10h, 11h, 12h, 13h. "
        "DMT téléphone 4 min 10 s (objectif 5 min)."
    )
    assert observation(f, "en") == (
        "Average wait of offered calls: 5 min 12 s (95% CI [5 min 10 s, 5 min 14 s], "
        "n = 100 inbound calls presented), "
        "above the 45 s target (Holm-adjusted p < 0.001 over 2 tests: overall, months). "
        "Also above: January 2026: 5 min 12 s. Hours above target: 09h, 10h, 11h, 12h, 13h. "
        "Phone AHT 4 min 10 s (target 5 min)."
    )


def test_declared_vs_survey_counts_grouped_and_gap_signed():
    m = 1200
    ids = [f"c{i}" for i in range(m)]
    contacts = pd.DataFrame(
        {
            "contact_id": ids,
            "started_at": pd.Timestamp("2026-01-05"),
            "resolved_first_contact": pd.array([True] * m, dtype="boolean"),
        }
    )
    surveys = pd.DataFrame(
        {
            "contact_id": ids,
            "answered_at": pd.Timestamp("2026-01-06"),
            "resolved_declared": pd.array([i % 5 != 0 for i in range(m)], dtype="boolean"),
        }
    )
    tables = {"contacts": contacts, "surveys": surveys}
    (f,) = run_rules(tables, rules=["fcr_declared_vs_survey"])
    assert observation(f, "fr") == (
        f"Sur 1{NNBSP}200 contacts enquêtés, les conseillers déclarent 100,0{NNBSP}% de "
        f"résolution au premier contact, les clients 80,0{NNBSP}% : écart +20,0 pts "
        f"(IC 95 %{NBSP}[17,7 points ; 22,3 points], McNemar p < 0,001)."
    )
    assert observation(f, "en") == (
        "On 1,200 surveyed contacts, agents declare 100.0% first-contact resolution, customers "
        "80.0%: gap +20.0 pts (95% CI [17.7 points, 22.3 points], McNemar p < 0.001)."
    )


def test_sample_findings_in_french_name_no_field_id_nor_code():
    """Every finding the sample gives reads as French: no field id (``agent_id``), no channel
    code (``telephone``, ``reseaux_sociaux``), no English day names in opening hours."""
    import re

    from kpis.io.sample import load_sample, sample_engine_params, sample_settings
    from kpis.rules import run_rules

    tables, _ = load_sample()
    found = [
        f for f in run_rules(tables, sample_engine_params(), sample_settings()) if f.is_finding
    ]
    assert len(found) > 10
    code = re.compile(r"\b(?:[a-z]+_[a-z_]+|telephone|email|mon|tue|sat|sun)\b")
    bad = {f.rule: code.findall(f.text("fr")) for f in found if code.search(f.text("fr"))}
    assert not bad, bad
