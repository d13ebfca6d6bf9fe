"""Quality page pieces: mean score per grid item with the engine's t interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kpis import stats

ITEM_PREFIX = "item:"


@st.cache_data(show_spinner=False, max_entries=64)
def item_scores(_frame: pd.DataFrame, key: str, low_pct: float) -> pd.DataFrame:
    """One row per grid item: mean, 95 % t interval (kpis.stats), n, the mean as % of the item's
    highest observed score (its scale), and ``low`` when that share is under ``low_pct``."""
    rows = []
    for col in [c for c in _frame.columns if c.startswith(ITEM_PREFIX)]:
        x = pd.to_numeric(_frame[col], errors="coerce").dropna().to_numpy(dtype=float)
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
