"""Synthetic contacts in canonical dtypes (categoricals, Int64 customer keys) for benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd

CANALS = ["telephone", "email", "chat", "reseaux_sociaux"]
MOTIFS = [f"motif_{i:02d}" for i in range(20)]
NIVEAUX = ["N1", "N2", "N3"]
PROVIDERS = ["Interne", "Prestataire A", "Prestataire B"]


def contacts(n: int, seed: int = 0, days: int = 180) -> pd.DataFrame:
    """n contacts over `days` days, ~n/4 customers, with every field the KPI suite reads."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00", "s")
    t = start + rng.integers(0, days * 86_400, n).astype("timedelta64[s]")
    t = np.sort(t).astype("datetime64[ns]")
    canal = rng.choice(len(CANALS), n, p=[0.6, 0.2, 0.15, 0.05])
    answered = rng.random(n) < 0.9
    ans_known = rng.random(n) < 0.99
    wait = np.round(rng.exponential(30, n), 0)
    talk = np.where(answered, np.round(rng.gamma(2, 150, n)), np.nan)
    hold = np.where(answered & (rng.random(n) < 0.3), np.round(rng.exponential(40, n)), 0.0)
    acw = np.where(answered, np.round(rng.exponential(45, n)), np.nan)
    ticket = canal != 0
    res = t + (rng.exponential(30 * 3600, n) * 1e9).astype("timedelta64[ns]")
    res = np.where(ticket & (rng.random(n) < 0.97), res, np.datetime64("NaT"))
    n_agents = max(20, n // 5000)
    ids = np.arange(n)
    df = pd.DataFrame(
        {
            "_row": ids + 2,
            "started_at": t,
            "contact_id": pd.array(ids.astype(str), dtype="str"),
            "customer_id": pd.array(rng.integers(0, max(n // 4, 1), n), dtype="Int64"),
            "canal": pd.Categorical.from_codes(canal, CANALS),
            "motif": pd.Categorical.from_codes(rng.integers(0, len(MOTIFS), n), MOTIFS),
            "niveau": pd.Categorical.from_codes(rng.choice(3, n, p=[0.8, 0.15, 0.05]), NIVEAUX),
            "agent_id": pd.Categorical.from_codes(
                rng.integers(0, n_agents, n), [f"A{i:04d}" for i in range(n_agents)]
            ),
            "provider": pd.Categorical.from_codes(rng.integers(0, 3, n), PROVIDERS),
            "answered": pd.array(np.where(ans_known, answered, False), dtype="boolean"),
            "wait_s": wait,
            "talk_s": talk,
            "hold_s": hold,
            "acw_s": acw,
            "transferred": pd.array(rng.random(n) < 0.08, dtype="boolean"),
            "resolved_first_contact": pd.array(rng.random(n) < 0.8, dtype="boolean"),
            "ticket_id": pd.array(np.where(ticket, ids.astype(str), None), dtype="str"),
            "resolved_at": res,
            "converted": pd.array(rng.random(n) < 0.04, dtype="boolean"),
            "selfcare_redirected": pd.array(rng.random(n) < 0.07, dtype="boolean"),
            "avoidable": pd.array(rng.random(n) < 0.2, dtype="boolean"),
        }
    )
    df.loc[~ans_known, "answered"] = pd.NA
    return df


def surveys(c: pd.DataFrame, share: float = 0.1, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = np.flatnonzero(rng.random(len(c)) < share)
    n = len(pick)
    return pd.DataFrame(
        {
            "_row": np.arange(n) + 2,
            "answered_at": c["started_at"].to_numpy()[pick] + np.timedelta64(2, "h"),
            "contact_id": c["contact_id"].iloc[pick].to_numpy(),
            "canal": c["canal"].iloc[pick].to_numpy(),
            "motif": c["motif"].iloc[pick].to_numpy(),
            "provider": c["provider"].iloc[pick].to_numpy(),
            "csat_score": rng.integers(1, 6, n).astype(float),
            "nps_score": rng.integers(0, 11, n).astype(float),
            "ces_score": rng.integers(1, 6, n).astype(float),
            "resolved_declared": pd.array(rng.random(n) < 0.7, dtype="boolean"),
        }
    )
