"""Holm across segments in the rules: raw p-values under alpha on several motifs are not enough
to fire when none survives the Holm adjustment, and the adjusted p-values a rule reports are
statsmodels' Holm of the raw ones (recomputed here with statsmodels' own z-test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from kpis.rules import run_rules

RULE = "recontact_varies_by_motif"
START = pd.Timestamp("2026-01-05 09:00")
BASE = {f"Motif {i}": (500, 45) for i in range(7)}  # 9 % recontact
# three motifs modestly above the rest (ratio ≥ 1.3, one-sided p ≈ 0.006–0.02 each): with ten
# motifs tested, Holm lifts every one above 0.05
MODEST = {"Retour": (500, 66), "Garantie": (500, 67), "Livraison": (500, 68)}
# the firing twin: one motif clearly above
STRONG = {"Retour": (500, 66), "Garantie": (500, 68), "Livraison": (500, 100)}


def centre(counts: dict[str, tuple[int, int]]) -> dict[str, pd.DataFrame]:
    """Per motif ``(n, k)``: n answered contacts of distinct customers, k of them followed one
    day later by an unanswered contact on the same motif; so ``100 − measured FCR`` is k / n.
    A last contact a month later closes every 7-day window (nothing censored)."""
    rows = []
    for motif, (n, k) in counts.items():
        for i in range(n):
            t = START + pd.Timedelta(minutes=len(rows))
            cust = f"{motif}-{i}"
            rows.append((cust, t, motif, True))
            if i < k:
                rows.append((cust, t + pd.Timedelta(days=1), motif, False))
    rows.append(("last", START + pd.Timedelta(days=40), "Motif 0", False))
    c = pd.DataFrame(rows, columns=["customer_id", "started_at", "motif", "answered"])
    c["answered"] = c["answered"].astype("boolean")
    return {"contacts": c}


def raw_p(counts: dict[str, tuple[int, int]]) -> pd.Series:
    """Each motif vs the others: one-sided pooled two-proportion z-test (statsmodels)."""
    n_all = sum(n for n, _ in counts.values())
    k_all = sum(k for _, k in counts.values())
    return pd.Series(
        {
            m: proportions_ztest([k, k_all - k], [n, n_all - n], alternative="larger")[1]
            for m, (n, k) in counts.items()
        }
    )


def chi2_p(counts) -> float:
    k = np.array([k for _, k in counts.values()])
    n = np.array([n for n, _ in counts.values()])
    return chi2_contingency(np.array([k, n - k]))[1]


def ratio(counts, motif) -> float:
    n, k = counts[motif]
    n_all = sum(n for n, _ in counts.values())
    k_all = sum(k for _, k in counts.values())
    return (k / n) / ((k_all - k) / (n_all - n))


def test_modest_effects_on_many_motifs_stay_silent_after_holm():
    counts = {**BASE, **MODEST}
    p = raw_p(counts)
    # the premises: heterogeneity gate open, three motifs under alpha raw and material, none
    # under alpha after Holm — only the correction keeps the rule silent
    assert chi2_p(counts) < 0.05
    assert all(p[m] < 0.05 and ratio(counts, m) >= 1.3 for m in MODEST)
    assert (multipletests(p.to_numpy(), method="holm")[1] >= 0.05).all()
    found = run_rules(centre(counts), rules=[RULE])
    assert [f for f in found if f.rule == RULE and f.kind == "insufficient_data"] == []
    assert not [f for f in found if f.is_finding], [f.text_en for f in found]


def test_reported_holm_p_values_are_statsmodels_holm():
    counts = {**BASE, **STRONG}
    hits = [f for f in run_rules(centre(counts), rules=[RULE]) if f.is_finding]
    assert [f.segment for f in hits] == [{"motif": "Livraison"}]
    table = hits[0].table.set_index("motif")
    p = raw_p(counts)
    np.testing.assert_allclose(table["p"], p[table.index], rtol=1e-9)
    expected = pd.Series(multipletests(p.to_numpy(), method="holm")[1], index=p.index)
    np.testing.assert_allclose(table["p_holm"], expected[table.index], rtol=1e-9)
    assert hits[0].evidence["motif"]["p_holm"] == pytest.approx(expected["Livraison"])
    # the modest motifs: raw p under alpha, Holm p over it, so they are not reported
    assert all(p[m] < 0.05 <= expected[m] for m in ("Retour", "Garantie"))
