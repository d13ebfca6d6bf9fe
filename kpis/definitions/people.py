"""People and productivity (KPI_REFERENCE.md section 5).

Period inputs (typed or uploaded by the user):

- ``hours``: ``agent_id, period_start, planned_h, absent_h`` and optional ``worked_days``
  (one row per agent and period);
- ``headcount``: ``period_start, period_end, avg_headcount, leavers`` (one row per period).

Segments and filters on a field these tables lack make the KPI ``not_computable``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.declare import Combined, Measure, declared, fill0, known, true, value
from kpis.definitions._base import Agg, NotComputable
from kpis.registry import KPI, Param
from kpis.segments import PERIOD_COLUMN

G = "people"


def align(keys_a: pd.DataFrame, keys_b: pd.DataFrame, values_b: np.ndarray) -> np.ndarray:
    """values_b (one per row of keys_b) placed on the rows of keys_a (0 where absent)."""
    cols = list(keys_a.columns)
    if not cols:
        return np.asarray(values_b, dtype="float64")[:1] if len(values_b) else np.zeros(1)

    def norm(k):
        k = k.reset_index(drop=True).copy()
        for c in cols:
            k[c] = pd.to_datetime(k[c]) if c == PERIOD_COLUMN else k[c].astype("object")
        return k

    b = norm(keys_b)
    b["_v"] = np.asarray(values_b, dtype="float64")
    b = b.groupby(cols, dropna=False, sort=False)["_v"].sum().reset_index()
    merged = norm(keys_a).merge(b, how="left", on=cols)
    return merged["_v"].fillna(0.0).to_numpy("float64")


def absenteeism(env, p):
    v = env.view("hours", ("planned_h", "absent_h"))
    return Agg(
        "rate",
        num=v.seg.sum(v.values("absent_h")),
        den=v.seg.sum(v.values("planned_h")),
        keys=v.seg.groups,
        detail="Σ absent_h ÷ Σ planned_h (hours table)",
        empty="no planned hours",
    )


def _handled_mask(v) -> tuple[np.ndarray, str]:
    if v.has("answered"):
        return v.true("answered") & v.known("agent_id"), "handled = answered contacts"
    return v.known("agent_id"), "handled = every contact (no answered field)"


def _handled(ctx) -> tuple:
    """``_handled_mask`` as a declaration."""
    if ctx.has("contacts", "answered"):
        return true("answered") & known("agent_id"), "handled = answered contacts"
    return known("agent_id"), "handled = every contact (no answered field)"


def _use_hours_ctx(ctx, p) -> bool:
    """``_use_hours`` asked of a declaration context."""
    src = str(p.get("agent_days_source", "auto"))
    has = ctx.table("hours") and ctx.has("hours", "worked_days")
    if src == "hours":
        if not has:
            raise NotComputable(["hours.worked_days"], "agent_days_source=hours needs it")
        return True
    if src == "contacts":
        return False
    if src != "auto":
        raise ValueError("agent_days_source must be 'auto', 'hours' or 'contacts'")
    if not has:
        return False
    try:
        ctx.note("hours")
    except NotComputable:
        return False
    return True


def agent_days_decl(ctx, p):
    """Σ worked_days of the hours table when it has it, else distinct (agent, day of
    started_at) with a handled contact."""
    if _use_hours_ctx(ctx, p):
        return Measure(
            "sum", "hours", value=value("worked_days"), detail="Σ worked_days (hours table)"
        )
    ctx.note("contacts")
    handled, how = _handled(ctx)
    return Measure(
        "count",
        "contacts",
        den=handled & known("started_at"),
        pairs=("agent_id", "started_at"),
        detail=f"distinct (agent, day) with a handled contact; {how}",
    )


def productivity_decl(ctx, p):
    """Handled contacts ÷ agent-days: distinct (agent, day) with a handled contact, or Σ
    worked_days of the hours table (aligned on the contacts' segments, 0 where it has none);
    per=hour: ÷ (Σ planned_h − Σ absent_h) of the hours table, aligned the same way."""
    per = str(p.get("per", "day"))
    if per not in ("day", "hour"):
        raise ValueError("per must be 'day' or 'hour'")
    ctx.note("contacts")
    handled, how = _handled(ctx)
    if per == "hour" or _use_hours_ctx(ctx, p):
        if per == "hour":
            worked = fill0(value("planned_h")) - fill0(value("absent_h"))
            hours = Measure("sum", "hours", value=worked, needs=("planned_h", "absent_h"))
            detail = f"handled contacts ÷ (planned_h − absent_h); {how}"
        else:
            hours = Measure("sum", "hours", value=value("worked_days"))
            detail = f"handled contacts ÷ Σ worked_days (hours table); {how}"
        contacts = Measure("count", "contacts", den=handled, needs=("agent_id", "started_at"))
        return Combined((contacts, hours), lambda got: _per_hours(*got, detail))
    dhow = f"distinct (agent, day) with a handled contact; {how}"
    return Measure(
        "per",
        "contacts",
        den=handled & known("started_at"),
        num=handled,
        pairs=("agent_id", "started_at"),
        detail=f"handled contacts ÷ agent-days ({dhow})",
        empty="no agent-day",
    )


def _per_hours(contacts: Agg, hours: Agg, detail: str) -> Agg:
    """Handled contacts per segment of contacts ÷ the hours table's sums on those segments."""
    return Agg(
        "per",
        num=contacts.num,
        den=align(contacts.keys, hours.keys, hours.num),
        n=contacts.num,
        keys=contacts.keys,
        detail=detail,
        empty="no agent-day",
    )


def attrition(env, p):
    v = env.view("headcount", ("period_start", "avg_headcount", "leavers"))
    hc = v.values("avg_headcount")
    known = ~np.isnan(hc)
    # rows split by provider/team add up within a period; the mean runs over distinct periods
    pcodes, _ = pd.factorize(v.df["period_start"])
    periods = v.seg.count_distinct(np.maximum(pcodes, 0), known & (pcodes >= 0))
    total = v.seg.sum(hc)
    mean_hc = np.divide(total, periods, out=np.zeros(len(periods)), where=periods > 0)
    return Agg(
        "ratio",
        num=v.seg.sum(v.values("leavers")),
        den=mean_hc,
        keys=v.seg.groups,
        detail="Σ leavers ÷ mean over periods of Σ avg_headcount (headcount table)",
        empty="no headcount",
    )


KPIS = [
    KPI(
        "absenteeism",
        "Taux d'absentéisme",
        "Absenteeism rate",
        G,
        "Heures d'absence ÷ heures théoriques planifiées × 100 (table hours : agent_id, "
        "period_start, planned_h, absent_h).",
        "Absence hours ÷ planned (theoretical) hours × 100 (hours table: agent_id, "
        "period_start, planned_h, absent_h).",
        "100 × Σ absent_h ÷ Σ planned_h",
        "%",
        "lower",
        5.0,
        {"hours": ("agent_id", "period_start", "planned_h", "absent_h")},
        {},
        "custom",
        population="planned_hours",
        compute=absenteeism,
    ),
    KPI(
        "agent_days",
        "Jours agents travaillés",
        "Agent-days worked",
        G,
        "Jours-agents travaillés : Σ worked_days de la table hours quand elle l'a, sinon couples "
        "distincts (conseiller, jour) avec au moins un contact traité (décroché).",
        "Agent-days worked: Σ worked_days of the hours table when it has it, else distinct "
        "(agent, day) pairs with at least one handled (answered) contact.",
        "Σ worked_days, or count distinct (agent_id, day of started_at | answered)",
        "count",
        "neutral",
        440.0,
        {"contacts": ("agent_id", "started_at")},
        {
            "agent_days_source": Param(
                "auto",
                "'auto', 'hours' (worked_days) or 'contacts'.",
                "« auto », « hours » ou « contacts ».",
            )
        },
        "custom",
        target_note="Placeholder: 20 agents × 22 days a month.",
        population="agent_days",
        compute=declared(agent_days_decl),
    ),
    KPI(
        "productivity",
        "Productivité (contacts par jour-agent)",
        "Productivity (contacts per agent-day)",
        G,
        "Contacts traités (décrochés, avec conseiller) ÷ jours-agents travaillés ; per=hour : "
        "÷ heures travaillées (planned_h − absent_h de la table hours).",
        "Handled contacts (answered, with an agent) ÷ agent-days worked; per=hour: ÷ worked "
        "hours (planned_h − absent_h of the hours table).",
        "count(answered with agent_id) ÷ agent_days",
        "per_agent_day",
        "higher",
        60.0,
        {"contacts": ("agent_id", "started_at")},
        {
            "per": Param(
                "day",
                "'day' (per agent-day) or 'hour' (per worked hour).",
                "« day » (par jour-agent) ou « hour » (par heure travaillée).",
            ),
            "agent_days_source": Param(
                "auto", "'auto', 'hours' or 'contacts'.", "« auto », « hours » ou « contacts »."
            ),
        },
        "custom",
        target_note="Depends on the channel: calls, emails and chats differ.",
        population="agent_days",
        compute=declared(productivity_decl),
    ),
    KPI(
        "attrition",
        "Taux d'attrition",
        "Attrition rate",
        G,
        "Départs ÷ effectif moyen × 100 (table headcount : period_start, period_end, "
        "avg_headcount, leavers ; sur plusieurs périodes, Σ départs ÷ moyenne par période des "
        "effectifs sommés).",
        "Leavers ÷ average headcount × 100 (headcount table: period_start, period_end, "
        "avg_headcount, leavers; over several periods, Σ leavers ÷ mean over periods of the "
        "summed headcount).",
        "100 × Σ leavers ÷ mean(avg_headcount)",
        "%",
        "lower",
        3.0,
        {"headcount": ("period_start", "avg_headcount", "leavers")},
        {},
        "custom",
        target_note="Per month; about 30 % a year is common in contact centres.",
        population="headcount",
        compute=attrition,
    ),
]
