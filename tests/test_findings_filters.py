"""Findings (``kpis.rules``) under filters: the rules get the whole tables and the
filters, so recontact flags are computed on every contact (a phone call followed by an e-mail
stays "recontacted" under canal = telephone) and their figures equal the engine's under the same
filters; a notebook findings cell applies its own (and the workspace's) filters."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from kpis.engine import compute
from kpis.rules import run_rules
from kpis.views.runner import run_cell
from kpis.workspace import Cell

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RULE = "fcr_declared_above_measured"

# Forty customers C0…C39 call (telephone) on 1 March about "Facture"; C0…C23 write an e-mail on
# 3 March on the same motif. Customer Z calls on 30 March: the last timestamp, so every 7-day
# window of the March 1–3 contacts is complete, and Z's own contact is censored (left out).
# Every contact is answered (by provider Alpha) and declared resolved by the agent.
N_PHONE, N_MAIL = 40, 24
_DAY1, _DAY3 = pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-03-03 09:00")
JOURNEYS = pd.DataFrame(
    {
        "contact_id": [f"p{i}" for i in range(N_PHONE)] + [f"m{i}" for i in range(N_MAIL)] + ["z"],
        "customer_id": [f"C{i}" for i in range(N_PHONE)] + [f"C{i}" for i in range(N_MAIL)] + ["Z"],
        "started_at": [_DAY1 + pd.Timedelta(minutes=5 * i) for i in range(N_PHONE)]
        + [_DAY3 + pd.Timedelta(minutes=5 * i) for i in range(N_MAIL)]
        + [pd.Timestamp("2024-03-30 09:00")],
        "canal": pd.Series(
            ["telephone"] * N_PHONE + ["email"] * N_MAIL + ["telephone"], dtype="category"
        ),
        "motif": pd.Series(["Facture"] * (N_PHONE + N_MAIL) + ["Livraison"], dtype="category"),
        "provider": "Alpha",
        "answered": True,
        "resolved_first_contact": True,
    }
)
TABLES = {"contacts": JOURNEYS}
PARAMS = {"window_days": 7, "same_motif": True, "exclude_censored": True}
RULE_SETTINGS = {"rules": [RULE], RULE: {"min_n": 5}}
PHONE = {"canal": ["telephone"]}
EMAIL = {"canal": ["email"]}

# By hand.
# canal = telephone: p0…p39 eligible (z censored); p0…p23 followed by their e-mail →
#   measured FCR 16 / 40 = 40 %, recontact 24 / 40 = 60 %, declared 40 / 40 = 100 %.
# no filter: p0…p39 and m0…m23 eligible (64); p0…p23 followed → measured 40 / 64 = 62.5 %,
#   recontact 24 / 64 = 37.5 %; declared 100 %.
# canal = email: m0…m23 (24), none followed (no later contact) → measured 100 % = declared.
PHONE_N, PHONE_MEASURED, PHONE_RECONTACT, PHONE_CAME_BACK = 40, 40.0, 60.0, 24
ALL_N, ALL_MEASURED = 64, 62.5


def _engine(kpi: str, filters) -> pd.Series:
    r = compute(TABLES, [kpi], filters=filters, params=PARAMS)
    return r.iloc[0]


def _the_finding(found) -> dict:
    hits = [f for f in found if f.rule == RULE and f.is_finding]
    assert len(hits) == 1, [f.text("en") for f in found]
    return hits[0].evidence["paired"]


def test_run_rules_counts_the_e_mail_recontact_of_a_phone_contact():
    g = _the_finding(run_rules(TABLES, PARAMS, RULE_SETTINGS, filters=PHONE))
    measured = _engine("fcr_measured", PHONE)
    recontact = _engine("recontact_rate_contacts", PHONE)
    # the rule's measured FCR is the engine's, under the same filter, and the hand value
    assert g["b_pct"] == measured["value"] == PHONE_MEASURED
    assert g["n"] == measured["denominator"] == PHONE_N
    assert g["a_pct"] == 100.0
    # the contacts declared resolved that came back are the engine's recontacts
    assert g["discordant_a_only"] == PHONE_CAME_BACK == recontact["numerator"]
    assert 100 * g["discordant_a_only"] / g["n"] == recontact["value"] == PHONE_RECONTACT
    # without filters: every contact, e-mails included
    g = _the_finding(run_rules(TABLES, PARAMS, RULE_SETTINGS))
    assert g["b_pct"] == _engine("fcr_measured", None)["value"] == ALL_MEASURED
    assert g["n"] == ALL_N


def test_crossview_cell_findings_count_the_e_mail_recontact():
    cell = Cell("crossview", {"analysis": "declared_measured", "by": "canal"}, filters=PHONE)
    res = run_cell(cell, TABLES, {"params": PARAMS, "rules": RULE_SETTINGS})
    assert res.error in (None, ""), res.error
    hits = [f for f in res.findings if f["rule"] == RULE and f["kind"] == "finding"]
    assert len(hits) == 1
    paired = hits[0]["evidence"]["paired"]
    assert paired["b_pct"] == PHONE_MEASURED and paired["n"] == PHONE_N
    # the chart's measured FCR is the same figure
    chart = res.table.set_index("kpi")["value"]
    assert chart["fcr_measured"] == PHONE_MEASURED


def _findings_cell(filters=None, global_filters=None) -> list[dict]:
    settings = {"params": PARAMS, "rules": RULE_SETTINGS}
    if global_filters:
        settings["filters"] = global_filters
    res = run_cell(Cell("findings", filters=dict(filters or {})), TABLES, settings)
    assert res.error in (None, ""), res.error
    return [f for f in res.findings if f["rule"] == RULE and f["kind"] == "finding"]


def test_findings_cell_applies_its_saved_filter():
    everything = _findings_cell()
    assert len(everything) == 1
    assert everything[0]["evidence"]["paired"]["b_pct"] == ALL_MEASURED
    assert everything[0]["evidence"]["paired"]["n"] == ALL_N
    phone = _findings_cell(PHONE)
    assert len(phone) == 1
    assert phone[0]["evidence"]["paired"]["b_pct"] == PHONE_MEASURED
    assert phone[0]["evidence"]["paired"]["n"] == PHONE_N
    # e-mails: nobody came back, declared = measured → the rule has nothing to say
    assert _findings_cell(EMAIL) == []


def test_findings_cell_applies_the_workspace_filters_and_its_own_over_them():
    assert _findings_cell(global_filters=EMAIL) == []
    # the cell's own filter overrides the global one on the same field
    phone = _findings_cell(PHONE, global_filters=EMAIL)
    assert phone[0]["evidence"]["paired"]["b_pct"] == PHONE_MEASURED


def test_a_filter_the_contacts_cannot_take_makes_the_rule_undecided():
    found = run_rules(TABLES, PARAMS, RULE_SETTINGS, filters={"team": ["A"]})
    assert [f.kind for f in found if f.rule == RULE] == ["insufficient_data"]


def test_page_8_findings_panel_counts_the_e_mail_recontact():
    from streamlit.testing.v1 import AppTest

    from ui.state import Dataset

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/8_Analyses_croisees.py").run()
    at.session_state["dataset"] = Dataset("journeys", "user", [], {"contacts": JOURNEYS})
    at.session_state["params"] = dict(PARAMS)
    at.run()
    at.sidebar.multiselect(key="f_canal").set_value(["telephone"]).run()
    at.radio[0].set_value("declared_measured").run()
    assert not at.exception, [e.message for e in at.exception]
    texts = " ".join(m.value for m in at.markdown)
    # the 40 phone contacts, measured FCR 40,0 % (the pre-filtered path saw no recontact: 100 %)
    assert f"Sur les mêmes {PHONE_N} contacts" in texts, texts[:500]
    assert "n'est que de 40,0\u202f%" in texts  # kpis.format: narrow no-break space before %


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-q"]))


@pytest.mark.parametrize(("global_filters", "expected"), [(PHONE, PHONE_MEASURED), (EMAIL, None)])
def test_report_headline_findings_apply_the_workspace_filters(
    tmp_path, monkeypatch, global_filters, expected
):
    import kpis.deliverables.audit as report
    from kpis.workspace import Workspace

    ws = Workspace(settings={"filters": global_filters, "params": PARAMS, "rules": RULE_SETTINGS})
    ws.add(Cell("dashboard", title="Tableau de bord"))
    path = tmp_path / "ws.json"
    ws.save(path)
    seen = {}

    def capture(results, out_path, import_report, records, findings, **kw):
        seen["findings"] = findings
        return out_path

    monkeypatch.setattr(report, "write_report", capture)
    report.report_from_tables(TABLES, {}, path, tmp_path / "r.xlsx")
    hits = [f for f in seen["findings"] if f["rule"] == RULE]
    if expected is None:  # e-mails only: nobody came back, declared = measured
        assert hits == []
    else:
        assert [h["evidence"]["paired"]["b_pct"] for h in hits] == [expected]


def test_notebook_deliverable_findings_apply_the_global_filters(monkeypatch):
    """The app's deliverable builds its findings with the same function as ``pilote report``."""
    import kpis.deliverables.audit as report
    from ui import notebook

    seen = {}

    def capture(results, out_path, import_report, records, findings, **kw):
        seen["findings"] = findings
        out_path.write_bytes(b"x")
        return out_path

    monkeypatch.setattr(report, "write_report", capture)
    settings = {"filters": PHONE, "params": PARAMS, "rules": RULE_SETTINGS}
    notebook.deliverable([], ".xlsx", tables=TABLES, settings=settings)
    hits = [f for f in seen["findings"] if f["rule"] == RULE]
    assert [h["evidence"]["paired"]["b_pct"] for h in hits] == [PHONE_MEASURED]


def test_a_failing_rule_is_said_in_the_deliverable_not_swallowed(monkeypatch):
    import kpis.rules as rules
    from kpis.deliverables.audit import main_findings

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rules, "run_rules", broken)
    found = main_findings(TABLES, {"params": PARAMS}, [])
    assert [f["rule"] for f in found] == ["rules_failed"]
    assert "ZeroDivisionError" in found[0]["text_fr"]
    assert found[0]["text_en"].startswith("Findings incomplete")
