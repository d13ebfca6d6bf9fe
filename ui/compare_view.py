"""Provider comparison page pieces: the providers in the data and the scorecard inputs (weights
and contract thresholds) the page edits before running the comparison view."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kpis.compare import NORM_LABELS
from ui.state import Ctx, kpi_name

N_BOOT = 1000


def providers_in(ctx: Ctx) -> list[str]:
    """Provider labels found in the loaded tables (contacts first), as ``compare_providers``."""
    found: list[str] = []
    for name in ("contacts", "surveys", *ctx.data.tables):
        df = ctx.data.tables.get(name)
        if df is not None and "provider" in df.columns:
            found += [str(v) for v in df["provider"].dropna().unique() if str(v) not in found]
    return sorted(found)


def score_inputs(ctx: Ctx, kpis) -> pd.DataFrame:
    """Editable weights and contract thresholds: target by default, NF 345 named for the
    quality-of-service rate, the 80/20 norm for the service level."""
    kpis = list(kpis)
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
        "weight": num(ctx.t("cmp_weight"), min_value=0.0, step=0.5, format="%g"),
        "threshold": num(ctx.t("cmp_threshold")),
        "label": st.column_config.TextColumn(ctx.t("cmp_threshold_label")),
    }


def score_key(kpis) -> str:
    """The scorecard editor's widget key: a new KPI list starts a new editor."""
    return "cmp_score_" + hashlib.blake2b("|".join(kpis).encode(), digest_size=4).hexdigest()
