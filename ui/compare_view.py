"""Provider comparison page pieces: cached ``kpis.compare`` calls, the raw-vs-adjusted table, the
chart with interval whiskers, the merges, and the scorecard inputs."""

from __future__ import annotations

import hashlib

import altair as alt
import pandas as pd
import streamlit as st

from kpis.compare import NORM_LABELS, Comparison, Scorecard, compare_providers, scorecard
from ui.charts import BLUE, RED
from ui.state import Ctx, kpi_name

PAGE_KPIS = ("fcr", "fcr_measured", "recontact_rate", "dmt", "asa", "service_level", "csat", "nps")
N_BOOT = 1000


def providers_in(ctx: Ctx) -> list[str]:
    """Provider labels found in the loaded tables (contacts first), as ``compare_providers``."""
    found: list[str] = []
    for name in ("contacts", "surveys", *ctx.data.tables):
        df = ctx.data.tables.get(name)
        if df is not None and "provider" in df.columns:
            found += [str(v) for v in df["provider"].dropna().unique() if str(v) not in found]
    return sorted(found)


@st.cache_data(show_spinner=False, max_entries=32)
def comparison(
    data_key: str, kpis, min_cell, correction, filters, params, providers, _tables
) -> Comparison:
    return compare_providers(
        _tables,
        list(kpis),
        params=params or None,
        min_cell=int(min_cell),
        providers=list(providers) if providers else None,
        filters=filters or None,
        correction=correction,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def ranked(comp_key: str, weights, thresholds, n_boot: int, _comp: Comparison) -> Scorecard:
    return scorecard(_comp, dict(weights), dict(thresholds), n_boot=n_boot, seed=0)


def comparison_table(ctx: Ctx, comp: Comparison) -> pd.DataFrame:
    """One row per KPI × provider: raw value, interval and n beside the mix-adjusted value, its
    interval, mix coverage, gap to the pooled value and its corrected p."""
    t = comp.table
    return pd.DataFrame(
        {
            ctx.t("kpi"): [kpi_name(k, ctx.lang) for k in t["kpi"]],
            ctx.t("cmp_provider"): t["provider"].astype("str"),
            ctx.t("cmp_raw"): t["value"],
            ctx.t("cmp_raw_low"): t["ci_low"],
            ctx.t("cmp_raw_high"): t["ci_high"],
            "n": t["n"],
            ctx.t("cmp_std"): t["std_value"],
            ctx.t("cmp_std_low"): t["std_ci_low"],
            ctx.t("cmp_std_high"): t["std_ci_high"],
            ctx.t("cmp_coverage"): 100 * t["coverage"],
            ctx.t("cmp_pooled"): t["pooled"],
            ctx.t("cmp_diff"): t["std_diff"],
            ctx.t("cmp_p_adj"): t["std_p_adj"],
            ctx.t("cmp_significant"): t["std_significant"].astype(bool),
            ctx.t("unit"): t["unit"],
        }
    )


def table_config(ctx: Ctx) -> dict:
    num = st.column_config.NumberColumn
    cols = ("cmp_raw", "cmp_raw_low", "cmp_raw_high", "cmp_std", "cmp_std_low", "cmp_std_high")
    out = {ctx.t(c): num(format="%.1f") for c in (*cols, "cmp_coverage", "cmp_pooled", "cmp_diff")}
    out["n"] = num(format="%d")
    out[ctx.t("cmp_p_adj")] = num(format="%.4f")
    return out


def merges_summary(ctx: Ctx, comp: Comparison) -> tuple[str, pd.DataFrame]:
    """A one-line statement of the adjusted cells and their table (KPI, adjustment, cells, who)."""
    rows = []
    for k, adj in comp.adjustments.items():
        name = kpi_name(k, ctx.lang)
        for e in adj["excluded"]:
            rows.append((name, ctx.t("cmp_out_of_support"), e["cell"], ", ".join(e["missing"])))
        for s in adj["shrunk"]:
            rows.append((name, ctx.t("cmp_shrunk"), s["cell"], s["provider"]))
    cols = [ctx.t("kpi"), ctx.t("cmp_merged_into"), ctx.t("cmp_cells"), ctx.t("cmp_short")]
    table = pd.DataFrame(rows, columns=cols)
    if not rows:
        return ctx.t("cmp_no_merge"), table
    per = table[cols[0]].value_counts(sort=False)
    detail = ", ".join(f"{k} ({v})" for k, v in per.items())
    return ctx.t("cmp_merges", detail=detail), table


def kpi_chart(ctx: Ctx, comp: Comparison, kpi: str) -> alt.LayerChart | None:
    """Raw and adjusted value per provider, side by side, each with its 95 % whisker."""
    t = comp.table[comp.table["kpi"] == kpi]
    raw, std = ctx.t("cmp_raw"), ctx.t("cmp_std")
    parts = [
        pd.DataFrame(
            {
                "provider": t["provider"].astype("str"),
                "series": label,
                "value": t[v],
                "ci_low": t[lo],
                "ci_high": t[hi],
                "n": t["n"],
            }
        )
        for label, v, lo, hi in (
            (raw, "value", "ci_low", "ci_high"),
            (std, "std_value", "std_ci_low", "std_ci_high"),
        )
    ]
    data = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    if data.empty:
        return None
    unit = str(t["unit"].iloc[0])
    color = alt.Color(
        "series:N", title=None, scale=alt.Scale(domain=[raw, std], range=["#9AA5B1", BLUE])
    )
    base = alt.Chart(data).encode(
        y=alt.Y("provider:N", title=None), yOffset=alt.YOffset("series:N", sort=[raw, std])
    )
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X(
            "value:Q", title=f"{kpi_name(kpi, ctx.lang)} ({unit})", scale=alt.Scale(zero=False)
        ),
        color=color,
        tooltip=[
            alt.Tooltip("provider:N", title=ctx.t("cmp_provider")),
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("value:Q", format=",.1f", title=ctx.t("value")),
            alt.Tooltip("ci_low:Q", format=",.1f", title=ctx.t("ci_low")),
            alt.Tooltip("ci_high:Q", format=",.1f", title=ctx.t("ci_high")),
            alt.Tooltip("n:Q", format=",.0f"),
        ],
    )
    whiskers = base.mark_rule(strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q", color=color)
    layers = [whiskers, points]
    pooled = t["pooled"].dropna()
    if len(pooled):
        layers.append(
            alt.Chart(pd.DataFrame({"pooled": [float(pooled.iloc[0])]}))
            .mark_rule(color=RED, strokeDash=[4, 4])
            .encode(x="pooled:Q")
        )
    return alt.layer(*layers).properties(
        title=kpi_name(kpi, ctx.lang), height=60 * t["provider"].nunique() + 40
    )


def score_inputs(ctx: Ctx, comp: Comparison) -> pd.DataFrame:
    """Editable weights and contract thresholds: target by default, NF 345 named for the
    quality-of-service rate, the 80/20 norm for the service level."""
    kpis = [k for k in comp.kpis if k in comp.stats]
    return pd.DataFrame(
        {
            "kpi": kpis,
            ctx.t("kpi"): [kpi_name(k, ctx.lang) for k in kpis],
            "weight": [1.0] * len(kpis),
            "threshold": [float(ctx.targets.get(k) or 0.0) for k in kpis],
            "label": [NORM_LABELS.get(k, "") for k in kpis],
        }
    )


def score_config(ctx: Ctx) -> dict:
    num = st.column_config.NumberColumn
    return {
        "kpi": None,
        "weight": num(ctx.t("cmp_weight"), min_value=0.0, step=0.5),
        "threshold": num(ctx.t("cmp_threshold")),
        "label": st.column_config.TextColumn(ctx.t("cmp_threshold_label")),
    }


def score_key(kpis) -> str:
    """The scorecard editor's widget key: a new KPI list starts a new editor."""
    return "cmp_score_" + hashlib.blake2b("|".join(kpis).encode(), digest_size=4).hexdigest()


def score_table(ctx: Ctx, sc: Scorecard) -> pd.DataFrame:
    t = sc.table
    return pd.DataFrame(
        {
            ctx.t("cmp_rank"): t["rank"].astype(int),
            ctx.t("cmp_provider"): t["provider"].astype("str"),
            ctx.t("cmp_score"): t["score"].round(1),
            ctx.t("ci_low"): t["score_ci_low"].round(1),
            ctx.t("ci_high"): t["score_ci_high"].round(1),
            ctx.t("cmp_p_first"): (100 * t["p_first"]).round(1),
            ctx.t("cmp_rank_range"): [
                f"{int(a)}–{int(b)}" if a != b else f"{int(a)}"
                for a, b in zip(t["rank_low"], t["rank_high"], strict=True)
            ],
            ctx.t("cmp_met"): [
                f"{m} / {k}" for m, k in zip(t["thresholds_met"], t["kpis_scored"], strict=True)
            ],
        }
    )
