"""Provider comparison: planted mixes with hand-computed standardised values, the common support
and the shrunk cells, tests, multiple-comparison corrections and the bootstrap scorecard.

Every table is written here with its cell counts; the expected values are worked out in comments.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpis import format as fmt
from kpis.compare import (
    NoProviderField,
    TooFewProviders,
    compare_providers,
    comparison_findings,
    effect,
    scorecard,
)
from kpis.engine import compute

T0 = pd.Timestamp("2024-03-04 09:00")


def contacts_from_cells(cells: list[tuple], **extra) -> pd.DataFrame:
    """One row per contact from (provider, motif, canal, n, resolved) cell counts."""
    rows = []
    for provider, motif, canal, n, k in cells:
        for i in range(n):
            rows.append((provider, motif, canal, i < k))
    df = pd.DataFrame(rows, columns=["provider", "motif", "canal", "resolved_first_contact"])
    for c in ("provider", "motif", "canal"):
        df[c] = df[c].astype("category")
    df["resolved_first_contact"] = df["resolved_first_contact"].astype("boolean")
    df["started_at"] = T0 + pd.to_timedelta(np.arange(len(df)), unit="min")
    df["_row"] = np.arange(2, len(df) + 2)
    for k, v in extra.items():
        df[k] = v
    return df


def row(comp, kpi, provider):
    t = comp.table
    return t[(t["kpi"] == kpi) & (t["provider"] == provider)].iloc[0]


# --- planted mix: A is better in every cell, worse raw ------------------------------------------
# cell                 A: n, resolved   B: n, resolved
# Simple · telephone   100, 95 (95 %)   400, 360 (90 %)
# Complexe · telephone 400, 240 (60 %)  100, 50 (50 %)
# raw A = (95 + 240) / 500 = 67 %; raw B = (360 + 50) / 500 = 82 %  → B first raw
# pooled shares: Simple 500/1000 = 0.5, Complexe 500/1000 = 0.5
# standardised A = 0.5·95 + 0.5·60 = 77.5 %; B = 0.5·90 + 0.5·50 = 70 %  → A first adjusted
# pooled = 745/1000 = 74.5 % (raw and standardised are equal for the pooled data)
REVERSAL = [
    ("A", "Simple", "telephone", 100, 95),
    ("B", "Simple", "telephone", 400, 360),
    ("A", "Complexe", "telephone", 400, 240),
    ("B", "Complexe", "telephone", 100, 50),
]


def test_planted_mix_reverses_the_ranking():
    tables = {"contacts": contacts_from_cells(REVERSAL)}
    comp = compare_providers(tables, ["fcr"], min_cell=30)
    a, b = row(comp, "fcr", "A"), row(comp, "fcr", "B")
    assert a["value"] == pytest.approx(67.0)
    assert b["value"] == pytest.approx(82.0)
    assert a["std_value"] == pytest.approx(77.5)
    assert b["std_value"] == pytest.approx(70.0)
    assert a["pooled"] == pytest.approx(74.5)
    assert a["coverage"] == pytest.approx(1.0)
    # raw values are the engine's own numbers
    eng = compute(tables, ["fcr"], by=["provider"]).set_index("provider")
    assert a["value"] == pytest.approx(eng.loc["A", "value"])
    assert a["ci_low"] == pytest.approx(eng.loc["A", "ci_low"])
    assert a["n"] == 500
    # the reversal is said, in both languages
    text_fr = " ".join(comp.text("fr"))
    text_en = " ".join(comp.text("en"))
    assert "en brut l'ordre est B > A" in text_fr
    assert "il devient A > B" in text_fr
    assert "raw order B > A" in text_en
    # the adjusted difference is large against these n: significant, A better than B
    pw = comp.pairwise.set_index("basis")
    assert pw.loc["std", "diff"] == pytest.approx(7.5)
    assert pw.loc["raw", "diff"] == pytest.approx(-15.0)
    assert bool(pw.loc["std", "significant"]) and bool(pw.loc["raw", "significant"])
    assert "A est significativement meilleur que B après ajustement" in text_fr


def test_standardised_variance_is_the_delta_method():
    # A: Simple p̃ = 95.5/101, Complexe p̃ = 240.5/401 (p̃ = (k + ½)/(n + 1))
    # var = 0.5²·p̃(1−p̃)/100 + 0.5²·p̃(1−p̃)/400 (in proportion², ×100² for percent)
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["fcr"])
    a = row(comp, "fcr", "A")
    p1, p2 = 95.5 / 101, 240.5 / 401
    var = 0.25 * p1 * (1 - p1) / 100 + 0.25 * p2 * (1 - p2) / 400
    # the pooled weights are estimated from N = 1000 units: + (Σ W v² − (Σ W v)²)/N
    var += (0.5 * 0.95**2 + 0.5 * 0.60**2 - 0.775**2) / 1000
    half = 1.959963984540054 * 100 * math.sqrt(var)
    assert a["std_ci_high"] - a["std_value"] == pytest.approx(half)
    assert a["std_value"] - a["std_ci_low"] == pytest.approx(half)


# --- sparse cells: shrunk toward the provider's motif value, never merged ----------------------
# additive truth: B = μ_c, A = μ_c + 10 in every cell (μ: M1·chat 40, M1·tel 80, M2·chat 20,
# M2·tel 60). A's chat cells are sparse (10 and 20 < 30) but sit on the truth, so the prior
# μ_c + δ_A (additive fit) equals them and shrinking changes nothing: the gap stays 10 points.
# cell          A: n, resolved    B: n, resolved    pooled n
# M1 · chat      10,   5 (50 %)   300, 120 (40 %)   310
# M1 · tel      100,  90 (90 %)    50,  40 (80 %)   150
# M2 · chat      20,   6 (30 %)   100,  20 (20 %)   120
# M2 · tel      100,  70 (70 %)    50,  30 (60 %)   150      N = 730
# std B = (310·40 + 150·80 + 120·20 + 150·60)/730 = 35 800/730; std A = std B + 10
# merging A's chat cells into one "autres" cell (A 11/30, B 140/400) would give a gap of ~5.
SPARSE = [
    ("A", "M1", "chat", 10, 5),
    ("B", "M1", "chat", 300, 120),
    ("A", "M1", "telephone", 100, 90),
    ("B", "M1", "telephone", 50, 40),
    ("A", "M2", "chat", 20, 6),
    ("B", "M2", "chat", 100, 20),
    ("A", "M2", "telephone", 100, 70),
    ("B", "M2", "telephone", 50, 30),
]


def test_sparse_cells_are_shrunk_not_merged_and_said():
    comp = compare_providers({"contacts": contacts_from_cells(SPARSE)}, ["fcr"], min_cell=30)
    cells = comp.cells[comp.cells["provider"] == "A"].set_index("cell")
    assert list(cells.index) == ["M1 · chat", "M1 · telephone", "M2 · chat", "M2 · telephone"]
    assert cells["weight"].to_list() == pytest.approx([310 / 730, 150 / 730, 120 / 730, 150 / 730])
    assert cells["lambda"].to_list() == pytest.approx([10 / 40, 1.0, 20 / 50, 1.0])
    assert cells["adjusted"].to_list() == pytest.approx([50, 90, 30, 70], abs=1e-6)
    assert row(comp, "fcr", "B")["std_value"] == pytest.approx(35800 / 730)
    assert row(comp, "fcr", "A")["std_value"] == pytest.approx(35800 / 730 + 10, abs=1e-6)
    assert row(comp, "fcr", "A")["value"] == pytest.approx(100 * 171 / 230)
    pw = comp.pairwise.set_index("basis")
    assert pw.loc["std", "diff"] == pytest.approx(10.0, abs=1e-6)
    shrunk = comp.adjustments["fcr"]["shrunk"]
    assert [(s["provider"], s["cell"]) for s in shrunk] == [("A", "M1 · chat"), ("A", "M2 · chat")]
    # the shrunk cells borrow from the prior: the variance counts it (delta method over every
    # cell the prior uses), beyond A's own sampling part Σ W² λ² var; B has no shrunk cell
    adj = comp.adjusted["fcr"]
    _, var, _ = adj.standardised()
    own = (adj.weights**2 * adj.var).sum(1)
    assert var[0] > 1.1 * own[0] and var[1] == pytest.approx(own[1])
    text = " ".join(comp.text("fr"))
    assert "2 cellule(s) de moins de 30 unités rapprochées de la valeur du motif" in text
    assert "chez A." in text


def test_cells_a_provider_lacks_leave_the_common_support_for_all():
    # B has no contact in M2 · chat: that cell leaves the support of A and B alike
    cells = [c for c in SPARSE if not (c[0] == "B" and c[1] == "M2" and c[2] == "chat")]
    comp = compare_providers({"contacts": contacts_from_cells(cells)}, ["fcr"], min_cell=30)
    adj = comp.adjustments["fcr"]
    assert adj["excluded"] == [{"cell": "M2 · chat", "n": 20.0, "missing": ["B"]}]
    assert adj["covered"] == pytest.approx(610 / 630)
    assert row(comp, "fcr", "A")["coverage"] == pytest.approx(610 / 630)
    # std B over the three shared cells: (300·40 + 150·80 + 150·60)/610 with A's units included
    w = np.array([310, 150, 150]) / 610
    assert row(comp, "fcr", "B")["std_value"] == pytest.approx(float(w @ [40, 80, 60]))
    assert any("hors support commun : M2 · Chat" in s for s in comp.text("fr"))
    assert any("outside the common support: M2 · Chat" in s for s in comp.text("en"))


# --- a mean KPI (DMT): A faster in every cell, slower raw ---------------------------------------
# cell        A: n, talk_s                     B: n, talk_s
# Simple      20: 10 × 90 s, 10 × 110 s (100)  80: 40 × 110, 40 × 130 (120)
# Complexe    80: 40 × 380, 40 × 420 (400)     20: 10 × 430, 10 × 470 (450)
# raw A = (20·100 + 80·400)/100 = 340 s; raw B = (80·120 + 20·450)/100 = 186 s
# pooled shares 0.5 / 0.5 → std A = 250 s, std B = 285 s (lower is better: A first adjusted)
# var std A = 0.25 · s²/n per cell: Simple s² = 20·10²/19, n = 20; Complexe s² = 80·20²/79, n = 80
def dmt_table() -> pd.DataFrame:
    spec = [
        ("A", "Simple", [90] * 10 + [110] * 10),
        ("B", "Simple", [110] * 40 + [130] * 40),
        ("A", "Complexe", [380] * 40 + [420] * 40),
        ("B", "Complexe", [430] * 10 + [470] * 10),
    ]
    rows = [(p, m, "telephone", float(x)) for p, m, xs in spec for x in xs]
    df = pd.DataFrame(rows, columns=["provider", "motif", "canal", "talk_s"])
    for c in ("provider", "motif", "canal"):
        df[c] = df[c].astype("category")
    df["answered"] = pd.array([True] * len(df), dtype="boolean")
    df["started_at"] = T0 + pd.to_timedelta(np.arange(len(df)), unit="min")
    return df


def test_mean_kpi_standardised_by_cell_means():
    comp = compare_providers({"contacts": dmt_table()}, ["dmt"], min_cell=10)
    a, b = row(comp, "dmt", "A"), row(comp, "dmt", "B")
    assert (a["value"], b["value"]) == (pytest.approx(340.0), pytest.approx(186.0))
    assert (a["std_value"], b["std_value"]) == (pytest.approx(250.0), pytest.approx(285.0))
    var = 0.25 * (20 * 100 / 19) / 20 + 0.25 * (80 * 400 / 79) / 80
    var += (0.5 * 100**2 + 0.5 * 400**2 - 250**2) / 200  # weights estimated from N = 200 units
    assert a["std_ci_high"] - a["std_value"] == pytest.approx(1.959963984540054 * math.sqrt(var))
    text = " ".join(comp.text("en"))
    assert "raw order B > A" in text and "it becomes A > B" in text
    pw = comp.pairwise[comp.pairwise["basis"] == "std"].iloc[0]
    assert pw["diff"] == pytest.approx(-35.0) and pw["significant"]
    assert "A is significantly better than B after adjustment" in text


# --- tests against the pooled value and corrections ---------------------------------------------


def test_two_providers_raw_vs_pooled_equals_the_pairwise_test():
    # with two providers, p − pooled = (1 − α)(p − other): same z as the pairwise raw test
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["fcr"])
    pw = comp.pairwise.set_index("basis")
    assert row(comp, "fcr", "A")["p"] == pytest.approx(pw.loc["raw", "p"], rel=1e-9)
    assert row(comp, "fcr", "A")["diff"] == pytest.approx(67.0 - 74.5)


def test_standardised_vs_pooled_contrast_by_hand():
    # std A − pooled = Σ W_c (1 − α_c)(v_A,c − v_B,c), α_c = A's share of the cell:
    #   Simple   W = .5, α = 100/500 = .2, 95 − 90 = 5   → .5·.8·5  = 2
    #   Complexe W = .5, α = 400/500 = .8, 60 − 50 = 10  → .5·.2·10 = 1   → 3 points (77.5 − 74.5)
    # var = Σ W² (1 − α)² (var_A,c + var_B,c), var = p̃(1 − p̃)/n with p̃ = (k + ½)/(n + 1)
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["fcr"])
    a = row(comp, "fcr", "A")
    assert a["std_diff"] == pytest.approx(3.0)

    def v(k, n):
        q = (k + 0.5) / (n + 1)
        return 1e4 * q * (1 - q) / n

    var = 0.25 * 0.8**2 * (v(95, 100) + v(360, 400)) + 0.25 * 0.2**2 * (v(240, 400) + v(50, 100))
    # weights estimated from N = 1000: + (Σ W g² − (Σ W g)²)/N, g = (1 − α)(v_A − v_B) = 4, 2
    var += (0.5 * 4**2 + 0.5 * 2**2 - 3.0**2) / 1000
    z = 3.0 / math.sqrt(var)
    from scipy.stats import norm

    assert a["std_p"] == pytest.approx(2 * norm.sf(z))
    assert row(comp, "fcr", "B")["std_diff"] == pytest.approx(-4.5)


def test_no_difference_is_said_when_none_is_significant():
    same = [
        ("A", "M", "telephone", 200, 150),
        ("B", "M", "telephone", 200, 152),
        ("C", "M", "telephone", 200, 149),
    ]
    comp = compare_providers({"contacts": contacts_from_cells(same)}, ["fcr"])
    assert not comp.pairwise["significant"].any()
    assert len(comp.pairwise) == 6  # 3 pairs × raw/std
    assert any("Aucun écart significatif" in s for s in comp.text("fr"))
    assert not comp.table["std_significant"].any()


def test_small_provider_is_not_standardised_and_said_so():
    cells = [*REVERSAL, ("C", "Simple", "telephone", 10, 9)]
    comp = compare_providers({"contacts": contacts_from_cells(cells)}, ["fcr"], min_cell=30)
    c = row(comp, "fcr", "C")
    assert c["value"] == pytest.approx(90.0)
    assert math.isnan(c["std_value"])
    assert "not standardised" in c["note"]
    assert any(
        "C : 90,0\u202f% brut, n = 10 — trop peu pour standardiser" in s for s in comp.text()
    )
    # C is small everywhere, so it neither narrows the support nor shrinks cells of A and B
    assert comp.adjustments["fcr"]["excluded"] == [] and comp.adjustments["fcr"]["shrunk"] == []


def test_partial_coverage_renormalises_and_is_stated():
    # B has no contact in "Complexe": its standardised value covers the Simple share only (0.5)
    cells = [
        ("A", "Simple", "telephone", 100, 90),
        ("A", "Complexe", "telephone", 100, 50),
        ("B", "Simple", "telephone", 100, 80),
    ]
    comp = compare_providers({"contacts": contacts_from_cells(cells)}, ["fcr"], min_cell=30)
    b = row(comp, "fcr", "B")
    # pooled shares: Simple 200/300, Complexe 100/300 → B covers 2/3, renormalised to 80 %
    assert b["coverage"] == pytest.approx(2 / 3)
    assert b["std_value"] == pytest.approx(80.0)
    assert any("standardisée sur 67\u202f% du mix" in s for s in comp.text("fr"))


def test_counts_are_shown_raw_and_untested():
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["volume", "fcr"])
    v = row(comp, "volume", "A")
    assert v["value"] == 500 and math.isnan(v["std_value"]) and math.isnan(v["p"])
    assert "untested" in v["note"]
    assert (comp.pairwise["kpi"] == "volume").sum() == 0


def test_missing_provider_field_and_single_provider_are_typed_errors():
    df = contacts_from_cells(REVERSAL)
    with pytest.raises(NoProviderField) as err:
        compare_providers({"contacts": df.drop(columns=["provider"])}, ["fcr"])
    assert "prestataire" in err.value.message("fr")
    with pytest.raises(TooFewProviders):
        compare_providers({"contacts": df[df["provider"] == "A"]}, ["fcr"], providers=["A"])


def test_kpi_not_computable_by_provider_is_said():
    df = contacts_from_cells(REVERSAL)
    comp = compare_providers({"contacts": df}, ["fcr", "csat"])
    assert set(comp.table.loc[comp.table["kpi"] == "csat", "status"]) == {"not_computable"}
    assert any(s.startswith("CSAT (satisfaction client) : non calculable") for s in comp.text())


def test_rows_without_provider_are_left_out():
    df = contacts_from_cells([*REVERSAL, ("X", "Simple", "telephone", 50, 0)])
    df["provider"] = df["provider"].cat.remove_categories(["X"])
    comp = compare_providers({"contacts": df}, ["fcr"])
    assert comp.providers == ["A", "B"]
    assert row(comp, "fcr", "A")["pooled"] == pytest.approx(74.5)  # the 50 unlabelled rows: out


def test_one_file_per_provider_labelled_at_import(tmp_path: Path):
    from kpis.io.pipeline import combine, import_file

    header = "Date;Motif;Canal;Résolu au premier contact\n"
    results = []
    for label, ok in (("Alpha", 40), ("Beta", 25)):
        lines = [
            f"04/03/2024 09:{i % 60:02d};Facturation;Téléphone;{'oui' if i < ok else 'non'}"
            for i in range(50)
        ]
        path = tmp_path / f"{label}.csv"
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        results.append(import_file(path, provider=label))
    comp = compare_providers(combine(results), ["fcr"])
    assert comp.providers == ["Alpha", "Beta"]
    assert row(comp, "fcr", "Alpha")["value"] == pytest.approx(80.0)
    assert row(comp, "fcr", "Beta")["value"] == pytest.approx(50.0)


def test_sample_data_comparison_runs_on_every_kind():
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    comp = compare_providers(tables, ["fcr", "dmt", "csat", "nps", "volume", "qos_rate"])
    assert comp.providers == ["Interne", "Prestataire A", "Prestataire B"]
    assert set(comp.table["kind"]) >= {"ratio", "mean", "nps"}
    eng = compute(tables, ["csat"], by=["provider"]).set_index("provider")
    for p in comp.providers:
        assert row(comp, "csat", p)["value"] == pytest.approx(eng.loc[p, "value"])
    # the pooled standardised value equals the pooled raw value: Σ W_c · v_c = Σ k / Σ n
    cs = comp.stats["fcr"]
    v, _ = cs.cell_values(cs.n.sum(0), cs.a.sum(0), cs.b.sum(0))
    assert float((cs.weights * v).sum()) == pytest.approx(row(comp, "fcr", "Interne")["pooled"])
    doc = comp.to_dict()
    assert doc["providers"] == comp.providers and doc["table"][0]["kpi"] == "fcr"
    found = comparison_findings(comp)
    assert {"rule", "severity", "segment", "text_fr", "text_en", "evidence"} <= set(found[0])


# --- scorecard -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, pooled, sd, direction, expected",
    [
        (90, 90, 10, "higher", 0),
        (95, 90, 10, "higher", 0.5),
        (150, 90, 10, "higher", 6.0),  # no clipping: far better counts in full
        (85, 90, 10, "higher", -0.5),
        (240, 300, 120, "lower", 0.5),  # 60 s under the pooled 300 s, unit sd 120 s
        (400, 300, 120, "lower", -100 / 120),
    ],
)
def test_effect_is_the_signed_standardised_difference(value, pooled, sd, direction, expected):
    assert float(effect(value, pooled, sd, direction)) == pytest.approx(expected)


def test_scorecard_ranks_on_adjusted_values_and_bootstraps_rank_one():
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["fcr"])
    sc = scorecard(comp, {"fcr": 1}, {"fcr": 75}, n_boot=500, seed=1)
    t = sc.table.set_index("provider")
    # pooled 74.5 %, unit sd = 100·√(.745·.255); std A 77.5 → 100·3/sd; std B 70 → 100·(−4.5)/sd
    sd = 100 * math.sqrt(0.745 * 0.255)
    assert t.loc["A", "score"] == pytest.approx(100 * 3.0 / sd)
    assert t.loc["B", "score"] == pytest.approx(100 * -4.5 / sd)
    assert t.loc["A", "rank"] == 1 and t.loc["A", "p_first"] > 0.95
    assert t["p_first"].sum() == pytest.approx(1.0)
    assert t.loc["A", "rank_low"] == 1
    raw = scorecard(comp, {"fcr": 1}, {"fcr": 75}, n_boot=200, basis="raw").table
    assert raw.iloc[0]["provider"] == "B"  # raw: 82 % vs 67 %
    d = sc.details.set_index("provider")
    assert bool(d.loc["A", "meets"]) and not bool(d.loc["B", "meets"])
    assert any("B : FCR" in s and "< seuil 75,0\u202f%" in s for s in sc.text("fr"))


def test_scorecard_near_tie_splits_rank_one():
    cells = [("A", "M", "telephone", 400, 300), ("B", "M", "telephone", 400, 301)]
    comp = compare_providers({"contacts": contacts_from_cells(cells)}, ["fcr"])
    sc = scorecard(comp, {"fcr": 1}, {"fcr": 75}, n_boot=2000, seed=3)
    p = sc.table.set_index("provider")["p_first"]
    assert 0.3 < p["A"] < 0.7 and 0.3 < p["B"] < 0.7
    assert any("premier rang est incertain" in s for s in sc.text("fr"))


def test_scorecard_bootstrap_spread_matches_the_binomial():
    # one cell, n = 400, p = 0.75: the bootstrap sd of the rate ≈ sqrt(.75·.25/400) = 2.165 points
    cells = [("A", "M", "telephone", 400, 300), ("B", "M", "telephone", 400, 200)]
    comp = compare_providers({"contacts": contacts_from_cells(cells)}, ["fcr"])
    from kpis.compare.scorecard import _boot_values

    rng = np.random.default_rng(0)
    vals = _boot_values(comp.stats["fcr"], 0, 4000, rng, "std")
    assert vals.mean() == pytest.approx(75.0, abs=0.2)
    assert vals.std() == pytest.approx(100 * math.sqrt(0.75 * 0.25 / 400), rel=0.08)


def test_scorecard_weights_and_thresholds_on_sample_are_reproducible():
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    comp = compare_providers(tables, ["fcr", "dmt", "csat", "nps", "qos_rate"])
    weights = {"fcr": 2, "dmt": 1, "csat": 1, "nps": 1, "qos_rate": 1}
    thresholds = {"qos_rate": {"value": 90, "label": "NF 345"}, "dmt": 400}
    sc = scorecard(comp, weights, thresholds, n_boot=1000, seed=0)
    # the same seed gives the same bootstrap, to the last digit
    again = scorecard(comp, weights, thresholds, n_boot=1000, seed=0)
    pd.testing.assert_frame_equal(sc.table, again.table, check_exact=True)
    assert sc.text("fr") == again.text("fr")
    # another seed redraws the bootstrap columns but leaves the point scores and ranks alone
    other = scorecard(comp, weights, thresholds, n_boot=1000, seed=1)
    pd.testing.assert_frame_equal(
        sc.table[["provider", "score", "rank"]],
        other.table[["provider", "score", "rank"]],
        check_exact=True,
    )
    assert not np.array_equal(sc.table["score_ci_low"], other.table["score_ci_low"])
    assert sc.meta["n_boot"] == 1000 and "(1\u202f000 tirages)" in sc.text("fr")[0]
    assert sorted(sc.table["rank"]) == [1, 2, 3]
    assert sc.table["p_first"].sum() == pytest.approx(1.0)
    assert (sc.table["score_ci_low"] <= sc.table["score"] + 1e-9).all()
    qos = sc.details[sc.details["kpi"] == "qos_rate"]
    assert set(qos["threshold_label"]) == {"NF 345"}
    with pytest.raises(ValueError):
        scorecard(comp, {"transfer_rate": 1})


def test_values_are_written_by_the_one_formatter():
    # kpis.format: a thin space before %, durations in min/s, a missing value as a dash
    assert fmt.value(78.25, "%", "fr") in ("78,2\u202f%", "78,3\u202f%")
    assert fmt.value(1234.0, "s", "fr") == "20 min 34 s"
    assert fmt.value(78.25, "%", "en") in ("78.2%", "78.3%")
    assert fmt.value(float("nan"), "%") == "—"


def test_sentences_write_durations_differences_and_p_through_the_formatter():
    # dmt_table: std A 250 s, raw A 340 s, n = 100; A − B adjusted −35 s, p far below 0.001
    comp = compare_providers({"contacts": dmt_table()}, ["dmt"], min_cell=10)
    fr, en = " ".join(comp.text("fr")), " ".join(comp.text("en"))
    assert "A : 4 min 10 s après ajustement du mix (brut 5 min 40 s, n = 100)" in fr
    assert "A: 4 min 10 s mix-adjusted (raw 5 min 40 s, n = 100)" in en
    assert "A est significativement meilleur que B après ajustement " in fr
    assert "(\u221235 s, p < 0,001 après correction de Holm)" in fr
    assert "(\u221235 s, p < 0.001 after Holm correction)" in en
    # rates: differences in points, the adjusted p as kpis.format writes it
    comp = compare_providers({"contacts": contacts_from_cells(REVERSAL)}, ["fcr"])
    pw = comp.pairwise.set_index("basis").loc["std"]
    said = f"(+7,5 pts, {fmt.p_value(pw['p_adj'], 'fr')} après correction de Holm)"
    assert said in " ".join(comp.text("fr"))


def test_scorecard_does_not_depend_on_the_order_of_the_weights():
    """P(rank 1) is a bootstrap: the same weights written in another order (a JSON round trip
    sorts keys) must give the same draws, not another Monte-Carlo sample."""
    from kpis.io.sample import load_sample

    tables, _ = load_sample()
    comp = compare_providers(tables, ["fcr_measured", "recontact_rate", "dmt", "transfer_rate"])
    w = {"fcr_measured": 1.0, "recontact_rate": 1.0, "dmt": 1.0, "transfer_rate": 1.0}
    one = scorecard(comp, w, seed=3).table
    other = scorecard(comp, dict(sorted(w.items(), reverse=True)), seed=3).table
    assert one["p_first"].tolist() == other["p_first"].tolist()
