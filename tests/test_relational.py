"""The relational executor (Ibis → DuckDB, Spark) gives the in-memory engine's numbers.

Every declared KPI (``kpis.declare``) on the bundled sample: values, numerators, denominators,
intervals, medians, statuses and details equal to 1e-9, overall, by canal × motif × niveau, by
month and with filters. Recontact flags on a table written here (ties, censoring, several
motifs, a missing motif, a missing customer) against values worked out by hand. Spark runs in a
local session (it needs Java: the test is skipped, saying so, only when ``java`` is absent).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpis import engine
from kpis.definitions import REGISTRY
from kpis.io.sample import load_sample
from kpis.recontact import recontact_flags
from kpis.relational.executor import compute as relational_compute
from kpis.relational.executor import with_recontact_flags
from kpis.relational.source import from_frames

DECLARED = [
    k.id
    for k in REGISTRY
    if getattr(k.compute, "declaration", None) and not getattr(k.compute, "fallback", None)
]
# declared for some settings only (the others computed in memory): tested on those settings
PARTLY = [k.id for k in REGISTRY if getattr(k.compute, "fallback", None)]
NUMBERS = list(engine.FLOAT_COLUMNS)  # every figure of the result
BREAKDOWNS = [
    pytest.param([], None, None, id="overall"),
    pytest.param(["canal", "motif", "niveau"], None, None, id="canal-motif-niveau"),
    pytest.param([], "month", None, id="month"),
    pytest.param(
        ["provider"],
        "week",
        {"canal": ["telephone", "chat"], "started_at": ("2026-02-01", "2026-04-30")},
        id="filtered-week",
    ),
    pytest.param(["agent_id"], None, {"motif": "Facturation"}, id="agent-borrowed"),
]
NO_JAVA = shutil.which("java") is None


@cache
def sample():
    tables, _ = load_sample(key=b"r" * 32)
    return tables


@cache
def source(backend: str):
    return from_frames(sample(), backend)


def same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    assert list(a["kpi"]) == list(b["kpi"])
    assert len(a) == len(b)
    extra = [c for c in ("motif",) if c in a.columns and c not in keys]  # motifs' own rows
    for col in keys + extra:
        assert list(a[col].astype(str)) == list(b[col].astype(str)), col
    for col in NUMBERS:
        x, y = a[col].to_numpy(float), b[col].to_numpy(float)
        bad = ~np.isclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=True)
        assert not bad.any(), (col, a.loc[bad, ["kpi", *keys, col]].head(), y[bad][:5])
    assert list(a["status"]) == list(b["status"])
    assert list(a["detail"]) == list(b["detail"])
    assert list(a["population_id"]) == list(b["population_id"])


def test_the_declared_kpis_cover_the_headline_ones():
    assert {"fcr", "fcr_measured", "recontact_rate", "transfer_rate"} <= set(DECLARED)
    # the KPIs of two tables too (kpis.declare.Combined): compared below with the others
    assert {"cost_per_contact", "eval_coverage", "productivity"} <= set(DECLARED)


@pytest.mark.parametrize(("by", "period", "filters"), BREAKDOWNS)
def test_duckdb_equals_in_memory_on_the_sample(by, period, filters):
    a = engine.compute(sample(), DECLARED, by=by, period=period, filters=filters)
    b = relational_compute(source("duckdb"), DECLARED, by=by, period=period, filters=filters)
    assert (a["status"] == "ok").sum() >= len(DECLARED) // 2  # not a comparison of empties
    same(a, b, by + (["period"] if period else []))


@pytest.mark.skipif(NO_JAVA, reason="Spark needs Java: no `java` on this machine")
@pytest.mark.parametrize(("by", "period", "filters"), [BREAKDOWNS[0], *BREAKDOWNS[3:]])
def test_spark_equals_in_memory_on_the_sample(by, period, filters):
    a = engine.compute(sample(), DECLARED, by=by, period=period, filters=filters)
    b = relational_compute(source("spark"), DECLARED, by=by, period=period, filters=filters)
    same(a, b, by + (["period"] if period else []))


PERIOD_KPIS = ["absenteeism", "attrition", "retention", "churn", "renewal_rate"]


@pytest.mark.parametrize(("by", "period"), [([], None), (["provider"], "month")])
def test_kpis_of_period_tables_equal_in_memory(by, period):
    a = engine.compute(sample(), PERIOD_KPIS, by=by, period=period)
    b = relational_compute(source("duckdb"), ["fcr", *PERIOD_KPIS], by=by, period=period)
    assert b["kpi"].iloc[0] == "fcr"  # KPI order kept around the period tables' rows
    b = b[b["kpi"] != "fcr"].reset_index(drop=True)
    assert (a["status"] == "ok").sum() >= 5
    same(a, b, by + (["period"] if period else []))


@pytest.mark.parametrize(("by", "period", "filters"), BREAKDOWNS)
def test_agent_days_from_contacts_equal_in_memory(by, period, filters):
    ids = ["agent_days", "productivity", *PARTLY]
    kw = {"by": by, "period": period, "filters": filters}
    kw["params"] = {"agent_days_source": "contacts"}
    a = engine.compute(sample(), ids, **kw)
    b = relational_compute(source("duckdb"), ids, **kw)
    assert (a["status"] == "ok").sum() >= 2
    same(a, b, by + (["period"] if period else []))


COMBINED = ["cost_per_contact", "eval_coverage", "productivity"]


@pytest.mark.parametrize(("by", "period", "filters"), BREAKDOWNS[:4])
@pytest.mark.parametrize(
    "params",
    [{"per": "hour", "cost_base": "handled"}, {"agent_days_source": "hours"}],
    ids=["per-hour-handled", "days-from-hours"],
)
def test_kpis_of_two_tables_equal_in_memory_with_their_other_settings(by, period, filters, params):
    kw = {"by": by, "period": period, "filters": filters, "params": params}
    a = engine.compute(sample(), COMBINED, **kw)
    b = relational_compute(source("duckdb"), COMBINED, **kw)
    if not filters:  # the canal filter: costs and hours lack canal (said, on both sides)
        assert (a["status"] == "ok").sum() >= 3
    same(a, b, by + (["period"] if period else []))


def test_a_kpi_not_yet_declared_says_so_instead_of_a_number():
    from dataclasses import replace

    from kpis.registry import Registry

    plain = [
        k.id
        for k in REGISTRY
        if not getattr(k.compute, "declaration", None) and k.id not in PERIOD_KPIS
    ]
    assert plain == []  # every KPI is declared: a plain compute function written here
    fcr = REGISTRY.get("fcr")
    registry = Registry([replace(fcr, compute=lambda env, p: fcr.compute(env, p))])
    assert engine.compute(sample(), ["fcr"], registry=registry)["status"].tolist() == ["ok"]
    out = relational_compute(source("duckdb"), ["fcr"], registry=registry)
    assert out["status"].tolist() == ["not_computable"]
    assert "relational" in out["detail"].iloc[0]


# Recontact flags on a table built by hand -------------------------------------------------------


def journeys() -> pd.DataFrame:
    t = pd.to_datetime
    rows = [
        # customer A, Facturation: 1 Jan 09:00 → 3 Jan (followed) → 20 Jan (not: 17 days)
        ("A", "Facturation", t("2026-01-01 09:00"), 0),
        ("A", "Facturation", t("2026-01-03 10:00"), 1),
        ("A", "Facturation", t("2026-01-20 10:00"), 2),
        # customer A, Livraison on 2 Jan: another motif, alone → not followed
        ("A", "Livraison", t("2026-01-02 09:00"), 3),
        # customer B: two contacts at the same minute; the first in file order is followed
        ("B", "Facturation", t("2026-01-05 12:00"), 5),
        ("B", "Facturation", t("2026-01-05 12:00"), 4),
        # customer B, motif missing: never followed, never follows, still in the denominator
        ("B", None, t("2026-01-05 13:00"), 6),
        # no customer: outside
        (None, "Facturation", t("2026-01-06 08:00"), 7),
        # customer C: 25 Jan then 26 Jan — the window of both runs past the last timestamp
        ("C", "Facturation", t("2026-01-25 08:00"), 8),
        ("C", "Facturation", t("2026-01-26 08:00"), 9),
        # last timestamp of the data: 27 Jan
        ("D", "Livraison", t("2026-01-27 08:00"), 10),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "motif", "started_at", "_row"])
    df["motif"] = df["motif"].astype("category")
    df["customer_id"] = df["customer_id"].astype("str").where(df["customer_id"].notna())
    return df


# by hand, window 7 days, same motif, censored excluded: row → (followed, eligible)
HAND = {
    0: (True, True),
    1: (False, True),  # next on 20 Jan: 17 days later
    2: (False, False),  # 20 Jan + 7 d > 27 Jan: censored
    3: (False, True),
    4: (False, True),  # row 4 (file row 5) ties row 5 (file row 4), which comes first in the
    5: (True, True),  # file: row 5 is the one followed (by row 4, 0 minutes later)
    6: (False, True),
    7: (False, False),
    8: (True, False),
    9: (False, False),
    10: (False, False),
}


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.skipif(
    NO_JAVA, reason="Spark needs Java: no `java` on this machine"))])  # fmt: skip
def test_recontact_flags_match_by_hand_and_in_memory(backend):
    df = journeys()
    p = {"window_days": 7, "same_motif": True, "exclude_censored": True}
    mem = recontact_flags(df, **p)
    src = from_frames({"contacts": df}, backend)
    t = src.table("contacts")
    flags = with_recontact_flags(t, p, t.started_at.max().execute())
    got = flags.select("_pos", "_flag_followed", "_flag_eligible").to_pandas()
    got = got.sort_values("_pos").reset_index(drop=True)
    assert got["_flag_followed"].tolist() == [HAND[i][0] for i in range(len(df))]
    assert got["_flag_eligible"].tolist() == [HAND[i][1] for i in range(len(df))]
    assert got["_flag_followed"].tolist() == mem["followed"].tolist()
    assert got["_flag_eligible"].tolist() == mem["eligible"].tolist()


def test_recontact_any_motif_and_censored_kept():
    df = journeys()
    p = {"window_days": 7, "same_motif": False, "exclude_censored": False}
    mem = recontact_flags(df, **p)
    src = from_frames({"contacts": df}, "duckdb")
    t = src.table("contacts")
    got = with_recontact_flags(t, p, t.started_at.max().execute()).to_pandas()
    got = got.sort_values("_pos")
    # any motif: A's 1 Jan contact is followed by the Livraison contact of 2 Jan; B's 12:00
    # contacts by the 13:00 one; C's 25 Jan by the 26th
    assert got["_flag_followed"].tolist() == mem["followed"].tolist()
    assert got["_flag_followed"].tolist()[:4] == [True, False, False, True]
    assert got["_flag_eligible"].tolist() == mem["eligible"].tolist()
    assert sum(got["_flag_eligible"]) == 10  # every row with a customer and a time


# The public datasets of ../shared/data ---------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHARED_FILES = [
    "pwc_call_center/Call-Center-Dataset.csv",
    "simulated_call_centre/simulated_call_centre.csv",
    "kaggle_customer_support_tickets/customer_support_tickets.csv",
    "rwfd_help_desk/Help Desk.csv",
    "twcs_head5000/twcs_head5000.csv",
    "retail_banking_crm/crm_call_center_logs.csv",
    "retail_banking_crm/crm_reviews.csv",
    "nps_survey/nps_survey.csv",
]


@cache
def shared_tables(rel: str) -> dict:
    from kpis.io.pipeline import combine, import_file

    return combine([import_file(SHARED / rel, key=b"s" * 32)])


def shared_breakdowns(tables: dict) -> list[tuple]:
    """(by, period, filters) of a public dataset: overall; by every segment field of canal ×
    motif × niveau it holds; by month; and filtered — its most frequent canal (else motif)
    and the first half of its dates — by that field × month."""
    cols = {c for t in tables.values() for c in t.columns}
    by = [f for f in ("canal", "motif", "niveau") if f in cols]
    first = next(t for t in tables.values() if by and by[0] in t.columns) if by else None
    timed = [(t, f) for t in tables.values() for f in ("started_at", "answered_at") if f in t]
    out = [([], None, None), (by, None, None)]
    if timed:
        out.append(([], "month", None))
    filters = {}
    if first is not None:
        filters[by[0]] = str(first[by[0]].value_counts().index[0])
    if timed:
        t, f = timed[0]
        lo, hi = t[f].min(), t[f].max()
        filters["date"] = (str(lo.date()), str((lo + (hi - lo) / 2).date()))
    if filters:
        out.append((by[:1], "month" if timed else None, filters))
    return out


@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data absent (dev/CI workspace only)")
@pytest.mark.parametrize("rel", SHARED_FILES)
def test_duckdb_equals_in_memory_on_each_shared_dataset(rel):
    tables = shared_tables(rel)
    src = from_frames(tables, "duckdb")
    assert (engine.compute(tables, DECLARED)["status"] == "ok").any(), "no declared KPI computable"
    for by, period, filters in shared_breakdowns(tables):
        a = engine.compute(tables, DECLARED, by=by, period=period, filters=filters)
        b = relational_compute(src, DECLARED, by=by, period=period, filters=filters)
        same(a, b, by + (["period"] if period else []))


@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data absent (dev/CI workspace only)")
@pytest.mark.skipif(NO_JAVA, reason="Spark needs a Java runtime (java not found on PATH)")
@pytest.mark.parametrize("rel", SHARED_FILES)
def test_spark_equals_in_memory_on_each_shared_dataset(rel):
    tables = shared_tables(rel)
    src = from_frames(tables, "spark")
    for by, period, filters in [shared_breakdowns(tables)[i] for i in (0, -1)]:
        a = engine.compute(tables, DECLARED, by=by, period=period, filters=filters)
        b = relational_compute(src, DECLARED, by=by, period=period, filters=filters)
        same(a, b, by + (["period"] if period else []))


# Newly declared KPIs on tables written here --------------------------------------------------

# canal      score  max   → score ÷ max × 100
# telephone  8      10      80
# telephone  6      0       left out (max 0)
# telephone  9      -       left out (max missing)
# telephone  45     50      90
# email      3      4       75 (not a call)
EVALS = pd.DataFrame(
    {
        "canal": ["telephone", "telephone", "telephone", "telephone", "email"],
        "score": [8.0, 6.0, 9.0, 45.0, 3.0],
        "max_score": [10.0, 0.0, np.nan, 50.0, 4.0],
    }
)


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_quality_leaves_out_and_counts_evaluations_without_max_score(backend):
    tables = {"evaluations": EVALS}
    kw = {"params": {"min_n": 1}}
    if backend == "memory":
        out = engine.compute(tables, ["quality_calls", "quality_written"], **kw)
    else:
        src = from_frames(tables, backend)
        out = relational_compute(src, ["quality_calls", "quality_written"], **kw)
    calls, written = out.iloc[0], out.iloc[1]
    assert (calls["value"], calls["n"]) == (85.0, 2)
    assert calls["detail"] == (
        "score ÷ max_score × 100; 2 evaluation(s) without max_score left out; canal in telephone"
    )
    assert (written["value"], written["n"]) == (75.0, 1)


# SLA: telephone 2 h, email 48 h, anything else 24 h; last timestamp 3 Jan 12:00
# row  canal      started       resolved      → outcome
# 0    telephone  1 Jan 08:00   1 Jan 09:00   1 h ≤ 2 h: within
# 1    telephone  1 Jan 08:00   1 Jan 11:00   3 h > 2 h: late
# 2    email      1 Jan 08:00   2 Jan 20:00   36 h ≤ 48 h: within
# 3    chat       1 Jan 08:00   2 Jan 10:00   26 h > 24 h: late
# 4    email      2 Jan 10:00   open          26 h open < 48 h: outcome unknown, outside
# 5    chat       2 Jan 10:00   open          26 h open > 24 h: late
# 6    telephone  3 Jan 12:00   3 Jan 11:00   resolved before it started: outside
T = pd.Timestamp
SLA_ITEMS = pd.DataFrame(
    {
        "ticket_id": [f"T{i}" for i in range(7)],
        "canal": ["telephone", "telephone", "email", "chat", "email", "chat", "telephone"],
        "started_at": [T("2026-01-01 08:00")] * 4
        + [T("2026-01-02 10:00")] * 2
        + [T("2026-01-03 12:00")],
        "resolved_at": [
            T("2026-01-01 09:00"), T("2026-01-01 11:00"), T("2026-01-02 20:00"),
            T("2026-01-02 10:00"), pd.NaT, pd.NaT, T("2026-01-03 11:00"),
        ],
    }
)  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_sla_per_canal_counts_open_items_past_their_sla(backend):
    tables = {"contacts": SLA_ITEMS}
    kw = {"params": {"min_n": 1, "sla_hours": {"telephone": 2, "email": 48, "default": 24}}}
    if backend == "memory":
        out = engine.compute(tables, ["sla_compliance"], **kw).iloc[0]
    else:
        out = relational_compute(from_frames(tables, backend), ["sla_compliance"], **kw).iloc[0]
    assert (out["numerator"], out["denominator"], out["value"]) == (2, 5, 40.0)


# canal      motif         categories listed out of text order: ties go by text
# telephone  Livraison
# telephone  Facturation   telephone: Livraison 2/3, Facturation 1/3 (missing motif outside)
# telephone  Livraison
# telephone  (missing)
# email      Facturation   email: Autre 1/2, Facturation 1/2 (a tie: Autre first)
# email      Autre
MOTIFS = pd.DataFrame(
    {
        "canal": ["telephone", "telephone", "telephone", "telephone", "email", "email"],
        "motif": pd.Categorical(
            ["Livraison", "Facturation", "Livraison", None, "Facturation", "Autre"],
            categories=["Livraison", "Facturation", "Autre"],
        ),
    }
)


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_motifs_one_row_per_motif_in_pareto_order_within_each_segment(backend):
    tables = {"contacts": MOTIFS}
    if backend == "memory":
        out = engine.compute(tables, ["motifs"], by="canal")
    else:
        out = relational_compute(from_frames(tables, backend), ["motifs"], by="canal")
    assert out["canal"].tolist() == ["email", "email", "telephone", "telephone"]
    assert out["motif"].tolist() == ["Autre", "Facturation", "Livraison", "Facturation"]
    assert out["numerator"].tolist() == [1, 1, 2, 1]
    assert out["denominator"].tolist() == [2, 2, 3, 3]


# opening hours "mon-fri 08:00-19:00; sat 09:00-12:00" (start inclusive, end exclusive)
# Mon 5 Jan 08:00 inside · Mon 07:59 outside · Fri 9 Jan 19:00 outside · Fri 18:59 inside ·
# Sat 10 Jan 10:00 inside · Sun 11 Jan 23:59 outside · missing time: outside the population
HOURS = pd.DataFrame(
    {
        "started_at": pd.to_datetime(
            [
                "2026-01-05 08:00", "2026-01-05 07:59", "2026-01-09 19:00", "2026-01-09 18:59",
                "2026-01-10 10:00", "2026-01-11 23:59", None,
            ]
        )
    }
)  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_outside_opening_hours_by_minute_of_the_week(backend):
    tables = {"contacts": HOURS}
    kw = {"params": {"min_n": 1, "opening_hours": "mon-fri 08:00-19:00; sat 09:00-12:00"}}
    if backend == "memory":
        out = engine.compute(tables, ["ho_hno"], **kw).iloc[0]
    else:
        out = relational_compute(from_frames(tables, backend), ["ho_hno"], **kw).iloc[0]
    assert (out["numerator"], out["denominator"], out["value"]) == (3, 6, 50.0)


# backlog; the last started_at is 10 Feb 12:00 (row 4)
# row  started        resolved         open at the end of its month   open at 10 Feb 12:00
# 0    10 Jan 08:00   20 Jan           no                              no
# 1    15 Jan         1 Feb 00:00:00   yes (the next month's start)    no
# 2    20 Jan         open             yes                             yes
# 3    3 Feb          5 Feb            no                              no
# 4    10 Feb 12:00   2 Mar            yes (past 10 Feb 12:00)         yes
# 5    8 Feb          10 Feb 13:00     yes (after 10 Feb 12:00)        yes
BACKLOG = pd.DataFrame(
    {
        "ticket_id": [f"T{i}" for i in range(6)],
        "started_at": pd.to_datetime(
            ["2026-01-10 08:00", "2026-01-15 00:00", "2026-01-20 00:00", "2026-02-03 00:00",
             "2026-02-10 12:00", "2026-02-08 00:00"]
        ),
        "resolved_at": pd.to_datetime(
            ["2026-01-20 00:00", "2026-02-01 00:00", None, "2026-02-05 00:00",
             "2026-03-02 00:00", "2026-02-10 13:00"]
        ),
    }
)  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_backlog_open_at_the_last_timestamp_and_at_each_month_end(backend):
    tables = {"contacts": BACKLOG}

    def run(**kw):
        if backend == "memory":
            return engine.compute(tables, ["backlog"], **kw)
        return relational_compute(from_frames(tables, backend), ["backlog"], **kw)

    out = run().iloc[0]
    assert out["value"] == 3
    assert out["detail"] == "open at 2026-02-10 12:00:00; items = rows with a ticket_id"
    out = run(period="month")
    assert out["period"].astype(str).tolist() == ["2026-01-01", "2026-02-01"]
    assert out["value"].tolist() == [2, 2]


# agent  started           answered   → agent-days: A on 5 and 6 Jan (2); B never answered;
# A      5 Jan 09:00       yes           C on 5 Jan (1, missing time left out): 3
# A      5 Jan 17:00       yes           handled: A's 3 + C's 2 (the one without time too) = 5
# A      6 Jan 08:00       yes           productivity 5 ÷ 3
# B      5 Jan 10:00       no
# C      5 Jan 11:00       yes
# C      (missing)         yes
AGENTS = pd.DataFrame(
    {
        "agent_id": ["A", "A", "A", "B", "C", "C"],
        "started_at": pd.to_datetime(
            ["2026-01-05 09:00", "2026-01-05 17:00", "2026-01-06 08:00", "2026-01-05 10:00",
             "2026-01-05 11:00", None]
        ),
        "answered": pd.array([True, True, True, False, True, True], dtype="boolean"),
    }
)  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_agent_days_are_distinct_agent_and_day_pairs_with_a_handled_contact(backend):
    tables = {"contacts": AGENTS}
    ids = ["agent_days", "productivity"]
    if backend == "memory":
        out = engine.compute(tables, ids)
    else:
        out = relational_compute(from_frames(tables, backend), ids)
    assert out["value"].iloc[0] == 3
    assert (out["numerator"].iloc[1], out["denominator"].iloc[1]) == (5, 3)


# KPIs of two tables (kpis.declare.Combined) on tables written here -----------------------------


def run_both(backend, tables, ids, **kw):
    if backend == "memory":
        return engine.compute(tables, ids, **kw)
    return relational_compute(from_frames(tables, backend), ids, **kw)


# costs                                      contacts of the cost period (split by provider)
# row  provider  period               cost   → started in it                   counted
# 0    A         1–31 Jan (whole day)  100     1 Jan 00:00, 15 Jan, 31 Jan 23:30   3
# 1    A         1–31 Jan (same)        50     the same period again: once         0
# 2    B         1–31 Jan               90     10 Jan (1 Feb is outside)           1
# 3    A         1 Feb – 28 Feb 12:00   30     28 Feb 12:00 (13:00 is outside)     1
# 4    C         1–31 Jan               20     none                                0
# the contact without time and the one without provider fall in no cost period
# overall 290 ÷ 5 = 58; by provider A 180 ÷ 4 = 45, B 90 ÷ 1, C 20 ÷ 0;
# answered only (31 Jan 23:30 not answered): 290 ÷ 4 = 72.5
COSTS = pd.DataFrame(
    {
        "period_start": pd.to_datetime(["2026-01-01"] * 3 + ["2026-02-01", "2026-01-01"]),
        "period_end": pd.to_datetime(
            ["2026-01-31 00:00"] * 3 + ["2026-02-28 12:00", "2026-01-31 00:00"]
        ),
        "cost": [100.0, 50.0, 90.0, 30.0, 20.0],
        "provider": ["A", "A", "B", "A", "C"],
    }
)
COST_CONTACTS = pd.DataFrame(
    {
        "provider": ["A", "A", "A", "B", "B", "A", "A", "A", None],
        "started_at": pd.to_datetime(
            ["2026-01-01 00:00", "2026-01-31 23:30", "2026-01-15 10:00", "2026-01-10 10:00",
             "2026-02-01 00:00", "2026-02-28 12:00", "2026-02-28 13:00", None,
             "2026-01-05 10:00"]
        ),
        "answered": pd.array([True, False, True, True, True, True, True, True, True],
                             dtype="boolean"),
    }
)  # fmt: skip


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_cost_per_contact_counts_the_contacts_of_each_cost_period_once(backend):
    tables = {"costs": COSTS, "contacts": COST_CONTACTS}
    out = run_both(backend, tables, ["cost_per_contact"]).iloc[0]
    assert (out["numerator"], out["denominator"], out["value"]) == (290, 5, 58.0)
    assert out["detail"] == "costs ÷ contacts started in the cost periods; costs split by provider"
    out = run_both(backend, tables, ["cost_per_contact"], by="provider")
    assert out["provider"].tolist() == ["A", "B", "C"]
    assert out["numerator"].tolist() == [180, 90, 20]
    assert out["denominator"].tolist() == [4, 1, 0]
    assert out["value"].tolist()[:2] == [45.0, 90.0]
    out = run_both(backend, tables, ["cost_per_contact"], params={"cost_base": "handled"})
    assert (out["denominator"].iloc[0], out["value"].iloc[0]) == (4, 72.5)


# evaluations                          contacts (handled = answered, with agent and time)
# agent  evaluated_at                  agent  started_at   answered
# A      10 Jan                        A      5 Jan        yes   A-Jan (already evaluated)
# A      20 Jan                        D      7 Jan        yes   D-Jan
# B      15 Jan                        E      7 Feb        no    not active
# -      25 Jan (no agent: counted,    B      10 Feb       yes   B-Feb
#                not an agent-month)   G      3 Mar        yes   G-Mar
# A      3 Feb                         F      (missing)    yes   outside
# C      (missing): not counted
# agent-months: A-Jan, B-Jan, A-Feb evaluated + D-Jan, B-Feb, G-Mar active = 6; 5 evaluations
# by month: Jan 4 ÷ 3 (A, B, D), Feb 1 ÷ 2 (A, B), Mar 0 ÷ 1 (G: on contacts only), and the
# segment of C's undated evaluation: 0 ÷ 0
EVAL_ROWS = pd.DataFrame(
    {
        "agent_id": ["A", "A", "B", None, "A", "C"],
        "evaluated_at": pd.to_datetime(
            ["2026-01-10", "2026-01-20", "2026-01-15", "2026-01-25", "2026-02-03", None]
        ),
    }
)
ACTIVE = pd.DataFrame(
    {
        "agent_id": ["A", "D", "E", "B", "G", "F"],
        "started_at": pd.to_datetime(
            ["2026-01-05", "2026-01-07", "2026-02-07", "2026-02-10", "2026-03-03", None]
        ),
        "answered": pd.array([True, True, False, True, True, True], dtype="boolean"),
    }
)


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_eval_coverage_counts_agent_months_evaluated_or_active_on_contacts(backend):
    tables = {"evaluations": EVAL_ROWS, "contacts": ACTIVE}
    out = run_both(backend, tables, ["eval_coverage"]).iloc[0]
    assert (out["numerator"], out["denominator"]) == (5, 6)
    assert out["detail"].endswith("or active on contacts (at least one handled contact)")
    out = run_both(backend, tables, ["eval_coverage"], period="month")
    # C's evaluation without a date makes a segment of its own (no month), counted 0 ÷ 0
    assert out["period"].astype(str).tolist()[:3] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert out["period"].isna().tolist() == [False, False, False, True]
    assert out["numerator"].tolist() == [4, 1, 0, 0]
    assert out["denominator"].tolist() == [3, 2, 1, 0]
    out = run_both(backend, {"evaluations": EVAL_ROWS}, ["eval_coverage"]).iloc[0]
    assert (out["numerator"], out["denominator"]) == (5, 3)  # evaluated agent-months only
    assert out["detail"] == "agent-months = distinct (agent, month) evaluated"


# contacts by team: X 3 handled (+1 not answered), Y 2, Z 1 (Z has no hours)
# hours   team  worked_days  planned_h  absent_h
#         X     10           70         7
#         X     5            35         (missing)
#         Y     (missing)    14         0
#         W     3            21         0          W: no contact, left out by team
# overall: 6 ÷ (10 + 5 + 3) days; 6 ÷ (140 − 7) hours
# by team: X 3 ÷ 15 days, 3 ÷ 98 hours; Y 2 ÷ 0 days, 2 ÷ 14 hours; Z 1 ÷ 0
TEAM_CONTACTS = pd.DataFrame(
    {
        "agent_id": ["a1", "a1", "a2", "a2", "a3", "a3", "a5"],
        "team": ["X", "X", "X", "X", "Y", "Y", "Z"],
        "started_at": pd.to_datetime(["2026-01-05"] * 7),
        "answered": pd.array([True, True, True, False, True, True, True], dtype="boolean"),
    }
)
TEAM_HOURS = pd.DataFrame(
    {
        "agent_id": ["a1", "a2", "a3", "a4"],
        "team": ["X", "X", "Y", "W"],
        "period_start": pd.to_datetime(["2026-01-01"] * 4),
        "worked_days": [10.0, 5.0, np.nan, 3.0],
        "planned_h": [70.0, 35.0, 14.0, 21.0],
        "absent_h": [7.0, np.nan, 0.0, 0.0],
    }
)


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_productivity_divides_by_the_hours_table_on_the_contacts_segments(backend):
    tables = {"contacts": TEAM_CONTACTS, "hours": TEAM_HOURS}
    out = run_both(backend, tables, ["productivity"]).iloc[0]
    assert (out["numerator"], out["denominator"]) == (6, 18)
    assert out["detail"].startswith("handled contacts ÷ Σ worked_days (hours table)")
    out = run_both(backend, tables, ["productivity"], params={"per": "hour"}).iloc[0]
    assert (out["numerator"], out["denominator"]) == (6, 133)
    out = run_both(backend, tables, ["productivity"], by="team")
    assert out["team"].tolist() == ["X", "Y", "Z"]
    assert out["numerator"].tolist() == [3, 2, 1]
    assert out["denominator"].tolist() == [15, 0, 0]
    out = run_both(backend, tables, ["productivity"], by="team", params={"per": "hour"})
    assert out["denominator"].tolist() == [98, 14, 0]


@pytest.mark.parametrize("backend", ["memory", "duckdb"])
def test_a_kpi_of_two_tables_names_the_table_it_lacks(backend):
    def detail(tables, kpi, **kw):
        out = run_both(backend, tables, [kpi], **kw).iloc[0]
        assert out["status"] == "not_computable"
        return out["detail"]

    assert detail({"contacts": COST_CONTACTS}, "cost_per_contact") == "needs table costs"
    assert detail({"costs": COSTS}, "cost_per_contact") == "needs table contacts"
    assert detail({"contacts": ACTIVE}, "eval_coverage") == "needs table evaluations"
    hour = {"params": {"per": "hour"}}
    assert detail({"contacts": TEAM_CONTACTS}, "productivity", **hour) == "needs table hours"
    days = {"params": {"agent_days_source": "hours"}}
    got = detail({"contacts": TEAM_CONTACTS}, "productivity", **days)
    assert got == "agent_days_source=hours needs it"
