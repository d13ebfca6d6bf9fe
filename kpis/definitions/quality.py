"""Quality evaluations (KPI_REFERENCE.md section 2).

Quality score of one evaluation = score ÷ max_score × 100 when the table has ``max_score``
(evaluations whose max_score is missing or 0 are left out and counted in the detail), else the
raw ``score`` (mean raw score). Grid items (``item:<label>`` columns) are available per item
through ``quality_items``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.declare import ALL, Measure, declared, is_num, isin, known, value, where
from kpis.definitions._base import MIN_N, Agg, NotComputable, as_list, in_values
from kpis.registry import KPI, Param

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


def _codes_labels(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64), np.asarray(s.cat.categories, object)
    codes, uniq = pd.factorize(s)
    return codes.astype(np.int64), np.asarray(uniq, dtype=object)


def _agent_months(df, by, agent_col, time_col, period) -> pd.DataFrame:
    from kpis.segments import PERIOD_COLUMN, period_start

    out = pd.DataFrame({b: df[b].astype("object") for b in by})
    if period:
        out[PERIOD_COLUMN] = period_start(df[time_col], period)
    out["_agent"] = df[agent_col].astype("object")
    out["_month"] = period_start(df[time_col], "month")
    return out.dropna(subset=["_agent", "_month"])


def eval_coverage(env, p):
    ev = env.view("evaluations", ("agent_id", "evaluated_at"))
    from kpis.segments import PERIOD_COLUMN

    keys = list(env.by) + ([PERIOD_COLUMN] if env.period else [])
    n_eval = ev.seg.count(ev.known("evaluated_at"))
    parts = [_agent_months(ev.df, env.by, "agent_id", "evaluated_at", env.period)]
    note = "agent-months = distinct (agent, month) evaluated"
    c = env.table("contacts")
    if c is not None and {"agent_id", "started_at"} <= set(c.columns):
        try:
            cv = env.view("contacts", ("agent_id", "started_at"))
        except NotComputable:
            cv = None
        if cv is not None:
            active = cv.true("answered") if cv.has("answered") else cv.ones()
            active = active & cv.known("agent_id") & cv.known("started_at")
            # distinct (segment, agent, month) by integer codes, then decoded (cheap at 5M)
            acodes, labels = _codes_labels(cv.df["agent_id"])
            mc = cv.df["started_at"].to_numpy("datetime64[ns]").astype("datetime64[M]")
            mc = mc.view(np.int64)
            if active.any():
                m0 = int(mc[active].min())
                na, nm = len(labels), int(mc[active].max()) - m0 + 1
                comb = (cv.seg.codes[active] * na + acodes[active]) * nm + (mc[active] - m0)
                u = pd.unique(comb)
                gi, rest = u // (na * nm), u % (na * nm)
                cf = cv.seg.groups.iloc[gi].reset_index(drop=True).astype("object")
                cf["_agent"] = labels[rest // nm]
                cf["_month"] = (rest % nm + m0).astype("datetime64[M]").astype("datetime64[ns]")
                parts.append(cf)
            note += " or active on contacts (at least one handled contact)"
    allm = pd.concat(parts, ignore_index=True).drop_duplicates()
    if not keys:
        return Agg(
            "per",
            num=n_eval,
            den=np.array([float(len(allm))]),
            n=n_eval,
            keys=ev.seg.groups,
            detail=note,
            empty="no agent-month",
        )

    def norm(frame):
        for col in keys:
            frame[col] = (
                pd.to_datetime(frame[col]) if col == PERIOD_COLUMN else frame[col].astype("object")
            )
        return frame

    den_df = norm(allm.groupby(keys, dropna=False).size().rename("_den").reset_index())
    num_df = norm(ev.seg.groups.copy())
    num_df["_num"] = n_eval
    # segments with agent-months but no evaluation show 0 evaluations (never evaluated)
    merged = num_df.merge(den_df, how="outer", on=keys).sort_values(keys, na_position="last")
    merged = merged.reset_index(drop=True)
    return Agg(
        "per",
        num=merged["_num"].fillna(0).to_numpy("float64"),
        den=merged["_den"].fillna(0).to_numpy("float64"),
        n=merged["_num"].fillna(0).to_numpy("float64"),
        keys=merged[keys],
        detail=note,
        empty="no agent-month",
    )


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
        compute=eval_coverage,
    ),
]
