"""Quality evaluations (KPI_REFERENCE.md section 2).

Quality score of one evaluation = score ÷ max_score × 100 when the table has ``max_score``
(evaluations whose max_score is missing or 0 are left out and counted in the detail), else the
raw ``score`` (mean raw score). Grid items (``item:<label>`` columns) are available per item
through ``quality_items``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.declare import (
    ALL,
    Combined,
    Distinct,
    Measure,
    declared,
    is_num,
    isin,
    known,
    true,
    value,
    where,
)
from kpis.definitions._base import MIN_N, Agg, NotComputable, as_list, in_values
from kpis.registry import KPI, Param
from kpis.segments import PERIOD_COLUMN

G = "quality"


def quality_score(v) -> tuple[np.ndarray, str]:
    """Per-evaluation score (percent of max_score when present, else raw) and a note."""
    score = v.values("score")
    if v.has("max_score") and v.known("max_score").any():
        mx = v.values("max_score")
        ok = mx > 0
        out = np.where(ok, score / np.where(ok, mx, 1.0) * 100.0, np.nan)
        dropped = int((~np.isnan(score) & ~ok).sum())
        note = "score ÷ max_score × 100"
        if dropped:
            note += f"; {dropped} evaluation(s) without max_score left out"
        return out, note
    return score, "mean raw score (no max_score)"


def _quality(ctx, p, canals, written: bool) -> Measure:
    """Mean of ``score ÷ max_score × 100`` (rows with max_score > 0) when some filtered
    evaluation has a max_score, else of the raw ``score``, over the evaluations of ``canals``."""
    ctx.note("evaluations")  # the view's own errors first
    score = value("score")
    if ctx.has("evaluations", "max_score") and ctx.any("evaluations", known("max_score")):
        ok = value("max_score") > 0
        x = where(ok, score / value("max_score") * 100.0)
        note = "score ÷ max_score × 100"
        dropped = ctx.count("evaluations", is_num(score) & ~ok)
        if dropped:
            note += f"; {dropped} evaluation(s) without max_score left out"
    else:
        x, note = score, "mean raw score (no max_score)"
    canals = as_list(canals)
    if ctx.has("evaluations", "canal"):
        base = isin("canal", canals)
        note += f"; canal in {', '.join(map(str, canals))}"
    elif written:
        raise NotComputable(["evaluations.canal"], "needs evaluations.canal to pick email/chat")
    else:
        base = ALL
        note += "; no canal field: all evaluations"
    v_note = ctx.note("evaluations")
    if v_note:
        note += f"; {v_note}"
    return Measure(
        "mean", "evaluations", den=base, value=x, needs=("score",), detail=note,
        empty="no evaluation",
    )  # fmt: skip


def quality_calls(ctx, p):
    return _quality(ctx, p, p["call_canals"], written=False)


def quality_written(ctx, p):
    return _quality(ctx, p, p["written_canals"], written=True)


def eval_coverage_decl(ctx, p):
    """Evaluations (with evaluated_at) ÷ agent-months: distinct (agent, month) evaluated, or
    active on contacts (a handled contact: answered when the table says, with agent and
    time), per segment; segments of agent-months without evaluation show 0 evaluations."""
    evals = Measure("count", "evaluations", den=known("evaluated_at"),
                    needs=("agent_id", "evaluated_at"))  # fmt: skip
    sides = [evals, Distinct("evaluations", ALL, "agent_id", "evaluated_at")]
    if ctx.table("contacts") and {"agent_id", "started_at"} <= ctx.columns("contacts"):
        active = true("answered") if ctx.has("contacts", "answered") else ALL
        sides.append(Distinct("contacts", active, "agent_id", "started_at"))
    keys = list(ctx.by) + ([PERIOD_COLUMN] if ctx.period else [])
    return Combined(tuple(sides), lambda got: _coverage(keys, *got), optional=(2,))


def _coverage(keys: list[str], evals: Agg, *months) -> Agg:
    """Evaluations per segment ÷ distinct (agent, month) of the union of ``months`` (frames
    of ``Distinct``; None: a table not readable), segments of either side kept, sorted by
    their keys (missing last)."""
    note = "agent-months = distinct (agent, month) evaluated"
    if len(months) > 1 and months[1] is not None:
        note += " or active on contacts (at least one handled contact)"
    parts = [m for m in months if m is not None]
    allm = pd.concat(
        [_na(m[[*keys, "_entity", "_unit"]], [*keys, "_unit"]) for m in parts], ignore_index=True
    )
    allm = allm.drop_duplicates()
    if not keys:
        return Agg("per", num=evals.num, den=np.array([float(len(allm))]), n=evals.num,
                   keys=evals.keys, detail=note, empty="no agent-month")  # fmt: skip
    den_df = _na(allm.groupby(keys, dropna=False).size().rename("_den").reset_index(), keys)
    num_df = _na(evals.keys.reset_index(drop=True).copy(), keys)
    num_df["_num"] = evals.num
    merged = num_df.merge(den_df, how="outer", on=keys).sort_values(keys, na_position="last")
    merged = merged.reset_index(drop=True)
    num = merged["_num"].fillna(0).to_numpy("float64")
    return Agg("per", num=num, den=merged["_den"].fillna(0).to_numpy("float64"), n=num,
               keys=merged[keys], detail=note, empty="no agent-month")  # fmt: skip


def _na(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Key columns as Python objects (missing = NaN), the period and months as datetimes."""
    frame = frame.copy()
    for col in cols:
        if col in (PERIOD_COLUMN, "_unit"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        else:
            x = frame[col].astype("object")
            frame[col] = x.where(x.notna(), np.nan)
    return frame


def quality_items(tables, by=None, canals=None) -> pd.DataFrame:
    """Mean of each grid item (``item:<label>`` columns) by segment: item, mean, n."""
    ev = tables.get("evaluations")
    if ev is None:
        return pd.DataFrame(columns=["item", "mean", "n"])
    cols = [c for c in ev.columns if str(c).startswith("item:")]
    if canals is not None and "canal" in ev.columns:
        ev = ev[in_values(ev["canal"], canals)]
    by = list(by or [])
    long = ev[[*by, *cols]].melt(id_vars=by, var_name="item", value_name="score")
    long["item"] = long["item"].str.slice(5)
    g = long.groupby([*by, "item"], observed=True, dropna=False)["score"]
    return g.agg(mean="mean", n="count").reset_index()


KPIS = [
    KPI(
        "quality_calls",
        "Notes d'écoute (appels)",
        "Call monitoring score",
        G,
        "Note moyenne des grilles d'écoute des appels (canal téléphone, ou toutes les "
        "évaluations sans champ canal) : score ÷ max_score × 100 quand max_score existe, sinon "
        "note brute moyenne.",
        "Mean grid score of evaluated calls (canal telephone, or every evaluation when there "
        "is no canal field): score ÷ max_score × 100 when max_score exists, else mean raw "
        "score.",
        "mean(100 × score ÷ max_score | canal = telephone)",
        "score",
        "higher",
        80.0,
        {"evaluations": ("score",)},
        {
            "call_canals": Param(
                ["telephone"], "Channels counted as calls.", "Canaux comptés comme appels."
            ),
            "min_n": MIN_N,
        },
        "mean",
        population="evaluations",
        compute=declared(quality_calls),
    ),
    KPI(
        "quality_written",
        "Notes sur picking (e-mail et chat)",
        "Email & chat picking score",
        G,
        "Note moyenne des grilles sur les e-mails et chats tirés au hasard (canal email ou "
        "chat) : score ÷ max_score × 100 quand max_score existe, sinon note brute moyenne.",
        "Mean grid score of randomly picked emails and chats (canal email or chat): score ÷ "
        "max_score × 100 when max_score exists, else mean raw score.",
        "mean(100 × score ÷ max_score | canal in {email, chat})",
        "score",
        "higher",
        80.0,
        {"evaluations": ("score", "canal")},
        {
            "written_canals": Param(
                ["email", "chat"], "Channels counted as written.", "Canaux comptés comme écrits."
            ),
            "min_n": MIN_N,
        },
        "mean",
        population="evaluations",
        compute=declared(quality_written),
    ),
    KPI(
        "eval_coverage",
        "Évaluations par conseiller et par mois",
        "Evaluations per agent-month",
        G,
        "Évaluations ÷ mois-conseillers ; mois-conseillers = couples distincts (conseiller, "
        "mois) évalués ou actifs (au moins un contact traité) dans le segment.",
        "Evaluations ÷ agent-months; agent-months = distinct (agent, month) pairs evaluated or "
        "active (at least one handled contact) in the segment.",
        "count(evaluations) ÷ distinct(agent, month) evaluated or active",
        "per_agent",
        "higher",
        2.0,
        {"evaluations": ("agent_id", "evaluated_at")},
        {},
        "custom",
        population="agent_months",
        compute=declared(eval_coverage_decl),
    ),
]
