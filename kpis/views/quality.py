"""Quality view: notes d'écoute and picking — the grid's KPI and coverage, the mean score per grid
item with its t interval (items under a share of their scale flagged), the KPI by agent and by
evaluator against the target, evaluations per agent per month and the score distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis import stats
from kpis.filters import filter_rows
from kpis.views import charts
from kpis.views.base import (
    Input,
    NotAvailable,
    View,
    ViewResult,
    compute,
    field_name,
    kpi_name,
    lang_of,
    t2,
    targets,
)

ITEM_PREFIX = "item:"
KPIS = ("quality_calls", "quality_written")
BY_AGENT = ("Par conseiller", "By agent")
BY_EVALUATOR = ("Par évaluateur", "By evaluator")
COVERAGE = ("Évaluations par conseiller et par mois", "Evaluations per agent per month")
GRID_ITEM = ("Item de la grille", "Grid item")  # the item chart's axis
DISTRIBUTION = ("Distribution des notes (% du maximum)", "Score distribution (% of maximum)")


def name(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def item_scores(frame: pd.DataFrame, low_pct: float) -> pd.DataFrame:
    """One row per grid item: mean, 95 % t interval (kpis.stats), n, the mean as % of the item's
    highest observed score (its scale), and ``low`` when that share is under ``low_pct``."""
    rows = []
    for col in [c for c in frame.columns if c.startswith(ITEM_PREFIX)]:
        x = pd.to_numeric(frame[col], errors="coerce").dropna().to_numpy(dtype=float)
        if len(x) == 0:
            continue
        lo, hi = stats.t_interval(np.array([len(x)]), np.array([x.sum()]), np.array([(x**2).sum()]))
        top = float(np.nanmax(x)) or 1.0
        rows.append(
            {
                "item": col[len(ITEM_PREFIX) :],
                "value": x.mean(),
                "ci_low": float(lo[0]),
                "ci_high": float(hi[0]),
                "n": len(x),
                "pct": 100 * x.mean() / top,
            }
        )
    out = pd.DataFrame(rows, columns=["item", "value", "ci_low", "ci_high", "n", "pct"])
    out["low"] = out["pct"] < low_pct
    return out.sort_values("value", ascending=False).reset_index(drop=True)


def _by(tables, kpi, fld, settings, filters, lang, target) -> tuple[pd.DataFrame, dict | None]:
    r = compute(tables, [kpi], settings, by=[fld], filters=filters)
    r = r[r["status"].isin(["ok", "low_sample"])]
    if r.empty:
        return r, None
    t = pd.DataFrame(
        {
            fld: r[fld].astype("str").to_numpy(),
            "value": r["value"].to_numpy(float),
            "ci_low": r["ci_low"].to_numpy(float),
            "ci_high": r["ci_high"].to_numpy(float),
            "n": r["n"].to_numpy(float),
            "unit": r["unit"].to_numpy(),
            "below_target": (r["value"] < (target if target is not None else -np.inf)).to_numpy(),
        }
    )
    chart = charts.ranked_bars(
        t, fld, "value", flag="below_target", title=kpi_name(kpi, lang),
        label_title=field_name(fld, lang), lang=lang,
    )  # fmt: skip
    return t, chart


def run(tables, p: dict, settings: dict) -> ViewResult:
    lang = lang_of(settings)
    evals_all = tables.get("evaluations")
    if evals_all is None:
        raise NotAvailable("pas de grille d'évaluation", "no evaluation grid")
    kpi, grid = p["kpi"], p.get("grid") or "*"
    filters = dict(settings["filters"])
    if grid != "*":
        filters["grid"] = [grid]
    picked = filter_rows(evals_all, filters, table="evaluations", contacts=tables.get("contacts"))
    evals = picked.rows
    res = ViewResult(title="", table=pd.DataFrame())
    if picked.missing:
        fields = ", ".join(field_name(f, lang) for f in picked.missing)
        res.sentences.append(
            {
                "kind": "note",
                "text": t2(
                    f"Filtre non appliqué aux notes par item (champ absent) : {fields}.",
                    f"Filter not applied to the item scores (no such field): {fields}.",
                    lang,
                ),
            }
        )
    if evals.empty:
        raise NotAvailable(
            "aucune évaluation ne correspond aux filtres", "no evaluation matches the filters"
        )
    overall = compute(tables, [kpi, "eval_coverage"], settings, filters=filters)
    for r in overall.itertuples():
        res.add_number(kpi_name(r.kpi, lang), r.value, r.unit, lang)
    low_pct = float(p.get("low_pct") or 70)
    items = item_scores(evals, low_pct)
    res.table = items
    res.units = {"pct": "%", "n": "count"}
    if len(items):
        mean = t2("Moyenne", "Mean", lang)
        res.chart = charts.ranked_bars(
            items, "item", "value", flag="low", title=mean, label_title=name(GRID_ITEM, lang),
            lang=lang,
        )  # fmt: skip
        low = items[items["low"]]
        if len(low):
            th = fmt.number(low_pct, lang, 0)
            res.sentences.append(
                {
                    "kind": "warning",
                    "text": t2(
                        f"Items les plus faibles (sous {th} % du maximum) : ",
                        f"Weakest items (under {th}% of maximum): ",
                        lang,
                    )
                    + ", ".join(low["item"]),
                }
            )
    target = targets(settings).get(kpi)
    for pair, fld in ((BY_AGENT, "agent_id"), (BY_EVALUATOR, "evaluator")):
        if fld not in evals.columns:
            continue
        t, chart = _by(tables, kpi, fld, settings, filters, lang, target)
        if len(t):
            res.extra_tables[name(pair, lang)] = t
            res.extra_charts[name(pair, lang)] = chart
    cov = compute(
        tables, ["eval_coverage"], settings, by=["agent_id"], period="month", filters=filters
    )
    cov = cov[cov["status"] != "not_computable"].dropna(subset=["value"])
    if len(cov):
        cov = cov[["agent_id", "period", "value", "n", "unit"]].reset_index(drop=True)
        cov["agent_id"] = cov["agent_id"].astype("str")
        res.extra_tables[name(COVERAGE, lang)] = cov
        res.extra_charts[name(COVERAGE, lang)] = charts.heatmap(
            cov.assign(period=cov["period"].dt.strftime("%Y-%m")),
            "period",
            "agent_id",
            title=t2("Évaluations", "Evaluations", lang),
            unit="count",
            x_title=t2("mois", "month", lang),
            y_title=field_name("agent_id", lang),
            lang=lang,
        )
    if {"score", "max_score"} <= set(evals.columns):
        pct = 100 * pd.to_numeric(evals["score"], errors="coerce") / evals["max_score"]
        res.extra_charts[name(DISTRIBUTION, lang)] = charts.histogram(
            pct, title=t2("Note (% du max)", "Score (% of max)", lang), lang=lang
        )
    res.n = len(evals)
    res.population = fmt.n_text(len(evals), lang)
    return res


VIEW = View(
    id="quality",
    title_fr="Qualité",
    title_en="Quality",
    cell="quality",
    inputs=(
        Input("kpi", "kpi", "quality_calls", KPIS, "Indicateur", "KPI"),
        Input("grid", "choice", "*", label_fr="Grille", label_en="Grid"),
        Input("low_pct", "int", 70, tuple(range(50, 96)), "Seuil « faible » (% du max)", "Low"),
    ),
    compute=run,
    needs={"evaluations": ("agent_id", "evaluated_at")},
)
