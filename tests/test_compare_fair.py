"""A provider comparison fair by construction: planted providers whose true ranking is known,
niveau in the strata, a dominated provider, sparse cells estimated without bias, the cost per
contact standardised, and the one default set."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpis.compare import (
    DEFAULT_KPIS,
    compare_providers,
    default_kpis,
    default_strata,
    default_weights,
    scorecard,
)

T0 = pd.Timestamp("2024-03-04 09:00")
Z = 1.959963984540054


def contacts(spec: list[tuple], rng: np.random.Generator | None = None) -> pd.DataFrame:
    """One row per contact from (provider, motif, canal, niveau, n, fcr %, dmt s) cells: FCR
    drawn (or exact counts without ``rng``), handling time around the cell's mean (± 60 s)."""
    parts = []
    for provider, motif, canal, niveau, n, fcr, dmt in spec:
        if rng is None:
            k = int(round(n * fcr / 100))
            resolved = np.arange(n) < k
            talk = dmt + np.where(np.arange(n) % 2 == 0, -60.0, 60.0)
            if n % 2:
                talk[-1] = dmt
        else:
            resolved = rng.random(n) < fcr / 100
            talk = dmt + 60.0 * rng.standard_normal(n)
        parts.append(
            pd.DataFrame(
                {
                    "provider": provider,
                    "motif": motif,
                    "canal": canal,
                    "niveau": niveau,
                    "resolved_first_contact": resolved,
                    "talk_s": talk,
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    for c in ("provider", "motif", "canal", "niveau"):
        df[c] = df[c].astype("category")
    df["resolved_first_contact"] = df["resolved_first_contact"].astype("boolean")
    df["answered"] = pd.array([True] * len(df), dtype="boolean")
    df["started_at"] = T0 + pd.to_timedelta(np.arange(len(df)), unit="min")
    df["_row"] = np.arange(2, len(df) + 2)
    return df


def ranking(sc) -> list[str]:
    return list(sc.table.sort_values("rank")["provider"])


# --- the truly best by the declared weights ranks first -----------------------------------------
# Three providers, same mix, two KPIs. True values: FCR A 80, B 74, C 70 %; DMT A 330, B 300,
# C 310 s. Pooled (equal n): FCR 74.67 %, DMT 313.3 s. Unit sds: FCR √(.7467·.2533) = 43.5 pts,
# DMT √(60² + spread) ≈ 62 s. Equal weights: B leads (its DMT: (−0.015 + 0.21)/2 > A's
# (0.12 − 0.27)/2); FCR 3 : DMT 1: A leads. ``true_scores`` computes both exactly.
def planted_three():
    spec = []
    for motif in ("M1", "M2"):
        for p, fcr, dmt in (("A", 80, 330), ("B", 74, 300), ("C", 70, 310)):
            spec.append((p, motif, "telephone", "N1", 1500, fcr, dmt))
    return {"contacts": contacts(spec)}


def true_scores(weights: dict[str, float]) -> dict[str, float]:
    """The scorecard formula on the planted (exact) values."""
    tables = planted_three()
    df = tables["contacts"]
    fcr = df.groupby("provider", observed=True)["resolved_first_contact"].mean() * 100
    dmt = df.groupby("provider", observed=True)["talk_s"].mean()
    p = df["resolved_first_contact"].mean()
    sd_fcr, sd_dmt = 100 * math.sqrt(p * (1 - p)), df["talk_s"].std(ddof=0)
    e = {
        prov: (
            weights["fcr"] * (fcr[prov] - 100 * p) / sd_fcr
            - weights["dmt"] * (dmt[prov] - df["talk_s"].mean()) / sd_dmt
        )
        / sum(weights.values())
        for prov in ("A", "B", "C")
    }
    return e


@pytest.mark.parametrize("weights", [{"fcr": 1.0, "dmt": 1.0}, {"fcr": 3.0, "dmt": 1.0}])
def test_the_truly_best_by_the_weights_ranks_first(weights):
    comp = compare_providers(planted_three(), ["fcr", "dmt"])
    sc = scorecard(comp, weights, n_boot=400, seed=0)
    truth = true_scores(weights)
    best = max(truth, key=truth.get)
    assert ranking(sc) == sorted(truth, key=truth.get, reverse=True)
    t = sc.table.set_index("provider")
    assert t.loc[best, "rank"] == 1 and t.loc[best, "p_first"] == t["p_first"].max() > 0.5
    assert t["p_first"].sum() == pytest.approx(1.0)
    for prov, s in truth.items():
        assert t.loc[prov, "score"] == pytest.approx(100 * s, abs=1e-6)
    assert sc.ranking()[0] == {
        "provider": best,
        "rank": 1,
        "score": pytest.approx(100 * truth[best]),
        "p_first": pytest.approx(float(t.loc[best, "p_first"])),
    }


# --- niveau: only "Interne" handles N2 (long calls); on the shared N1 mix it is the fastest -----
# Interne: N1 200 × 280 s, N2 300 × 700 s → raw 532 s; Presta: N1 500 × 300 s → raw 300 s.
# motif × canal only: one cell each, raw order kept (Presta faster). With niveau: N2 lies
# outside the common support (Presta has none) → Interne 280 s vs 300 s on N1, order reversed.
NIVEAU = [
    ("Interne", "M", "telephone", "N1", 200, 70, 280),
    ("Interne", "M", "telephone", "N2", 300, 70, 700),
    ("Presta", "M", "telephone", "N1", 500, 70, 300),
]


def test_niveau_in_the_strata_reverses_raw_and_standardised_rankings():
    tables = {"contacts": contacts(NIVEAU)}
    assert default_strata(tables) == ["niveau"]  # motif and canal have one value here
    comp = compare_providers(tables, ["dmt"], strata=["motif", "canal", "niveau"])
    t = comp.table.set_index("provider")
    assert t.loc["Interne", "value"] == pytest.approx((200 * 280 + 300 * 700) / 500)
    assert t.loc["Interne", "std_value"] == pytest.approx(280.0)
    assert t.loc["Presta", "std_value"] == pytest.approx(300.0)
    assert t.loc["Interne", "coverage"] == pytest.approx(700 / 1000)
    assert comp.adjustments["dmt"]["excluded"][0]["missing"] == ["Presta"]
    raw = scorecard(comp, {"dmt": 1}, n_boot=200, basis="raw")
    std = scorecard(comp, {"dmt": 1}, n_boot=200)
    assert ranking(raw) == ["Presta", "Interne"]
    assert ranking(std) == ["Interne", "Presta"]
    # without niveau the mix cannot see the difference: raw and standardised agree
    flat = compare_providers(tables, ["dmt"], strata=["motif", "canal"])
    assert ranking(scorecard(flat, {"dmt": 1}, n_boot=200)) == ["Presta", "Interne"]


# --- a provider worse on every KPI never ranks first ---------------------------------------------
# All values far from the registry targets (FCR 75 %, DMT 300 s), where a clipped sub-score
# gives everyone 0 and ties them at rank 1.
@pytest.mark.parametrize("seed", range(6))
def test_a_provider_worse_on_every_kpi_never_ranks_first(seed):
    rng = np.random.default_rng(seed)
    gap_fcr, gap_dmt = rng.uniform(0.5, 4), rng.uniform(2, 20)
    base_fcr, base_dmt = rng.uniform(30, 45), rng.uniform(600, 900)
    spec = [
        ("Good", "M", "telephone", "N1", 400, base_fcr + gap_fcr, base_dmt - gap_dmt),
        ("Bad", "M", "telephone", "N1", 400, base_fcr, base_dmt),
        ("Other", "M", "telephone", "N1", 400, base_fcr - 5, base_dmt - 60),
    ]
    comp = compare_providers({"contacts": contacts(spec)}, ["fcr", "dmt"])
    sc = scorecard(comp, {"fcr": 1.0, "dmt": 1.0}, {"fcr": 75, "dmt": 300}, n_boot=300, seed=seed)
    t = sc.table.set_index("provider")
    assert t.loc["Bad", "score"] < t.loc["Good", "score"]
    assert t.loc["Bad", "rank"] > t.loc["Good", "rank"] and t.loc["Bad", "rank"] != 1
    assert "Good" in t.loc["Bad", "dominated_by"].split(", ")
    assert any("Bad fait moins bien que Good" in s for s in sc.text("fr"))


# --- sparse cells: the standardised gap is unbiased and its interval covers ----------------------
# True gap A − B = 5.0 points in every cell. A is dense where rates are middling and sparse
# (8–15 units) where they are extreme, B the reverse; the raw gap is far from 5 and a merge of
# A's sparse cells mixes A's and B's canal mixes.
BASE = {
    ("M1", "telephone"): 60,
    ("M1", "chat"): 90,
    ("M1", "email"): 20,
    ("M2", "telephone"): 50,
    ("M2", "chat"): 85,
    ("M2", "email"): 15,
}
N_A = {"telephone": 300, "chat": 15, "email": 8}
N_B = {"telephone": 100, "chat": 250, "email": 40}


def sparse_replicate(rng) -> pd.DataFrame:
    spec = []
    for (motif, canal), rate in BASE.items():
        spec.append(("A", motif, canal, "N1", N_A[canal], rate + 5.0, 300))
        spec.append(("B", motif, canal, "N1", N_B[canal], rate, 300))
    return contacts(spec, rng)


def test_sparse_cells_give_an_unbiased_gap_that_its_interval_covers():
    rng = np.random.default_rng(2024)
    est, covered, raw = [], [], []
    for _ in range(40):
        comp = compare_providers({"contacts": sparse_replicate(rng)}, ["fcr"], min_cell=30)
        pw = comp.pairwise.set_index("basis")
        d, se = float(pw.loc["std", "diff"]), float(pw.loc["std", "se"])
        est.append(d)
        covered.append(abs(d - 5.0) <= Z * se)
        raw.append(float(pw.loc["raw", "diff"]))
    assert abs(np.mean(raw) - 5.0) > 5  # the raw comparison is far off
    assert np.mean(est) == pytest.approx(5.0, abs=1.0)
    assert np.mean(covered) >= 0.85


# --- cost per contact standardised through the DMT mix factor ------------------------------------
# Interne: N1 200 × 280 s + N2 300 × 700 s (raw DMT 532 s), cost 5 000 for 500 contacts → 10.
# Presta: N1 500 × 300 s, cost 3 000 → 6. Standardised DMT over the N1 support: Interne 280 s,
# so its cost per contact on the shared mix is 10 × 280/532 = 5.263; Presta 6 × 300/300 = 6.
def test_cost_per_contact_is_standardised_through_handling_time():
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2024-03-01", "2024-03-01"]),
            "period_end": pd.to_datetime(["2024-03-31", "2024-03-31"]),
            "cost": [5000.0, 3000.0],
            "provider": ["Interne", "Presta"],
            "_row": [2, 3],
        }
    )
    tables = {"contacts": contacts(NIVEAU), "costs": costs}
    comp = compare_providers(tables, ["cost_per_contact"], strata=["niveau"])
    t = comp.table.set_index("provider")
    assert t.loc["Interne", "value"] == pytest.approx(10.0)
    assert t.loc["Interne", "std_value"] == pytest.approx(10.0 * 280 / 532)
    assert t.loc["Presta", "std_value"] == pytest.approx(6.0)
    assert t.loc["Interne", "std_ci_low"] < t.loc["Interne", "std_value"]
    assert "handling time" in t.loc["Interne", "note"]
    pw = comp.pairwise[comp.pairwise["basis"] == "std"].iloc[0]
    assert pw["diff"] == pytest.approx(10.0 * 280 / 532 - 6.0)


# --- the one default set --------------------------------------------------------------------------
def test_one_default_set_prefers_measured_fcr():
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    kpis = default_kpis(tables)
    assert kpis == list(DEFAULT_KPIS) and "fcr" not in kpis
    assert default_weights(kpis) == {k: 1.0 for k in DEFAULT_KPIS}
    assert default_strata(tables) == ["motif", "canal", "niveau"]
    no_customer = {"contacts": tables["contacts"].drop(columns=["customer_id"])}
    fallback = default_kpis(no_customer)
    assert fallback[0] == "fcr" and "fcr_measured" not in fallback
