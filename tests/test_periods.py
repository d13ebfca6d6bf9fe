"""Period over period (``kpis.periods``): the change of a KPI between the last two complete
months or weeks with its interval and Holm-adjusted p, the alerts of the dashboard view, and the
mix / performance decomposition — on small planted tables whose answer is computed by hand here.

Planted FCR by motif (two motifs, A and B; numbers are contacts and FCR):

- pure mix:          Nov A 200 @ 90 %, B 200 @ 60 %  →  Dec A 100 @ 90 %, B 300 @ 60 %
  r0 = 75, r1 = 67.5: total −7.5 = mix (−0.25 × 90 + 0.25 × 60); performance 0.
- pure performance:  Nov A 200 @ 90 %, B 200 @ 60 %  →  Dec A 200 @ 80 %, B 200 @ 60 %
  total −5 = performance (0.5 × −10); mix 0.
- both:              Nov A 200 @ 90 %, B 200 @ 60 %  →  Dec A 100 @ 80 %, B 300 @ 60 %
  r1 = (80 + 180) / 400 = 65, total −10; mix = −0.25 × (90 + 80)/2 + 0.25 × 60 = −6.25;
  performance = (80 − 90) × (0.5 + 0.25)/2 = −3.75.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from kpis import periods
from kpis.stats.decomposition import parts, shift_share
from kpis.views import REGISTRY as VIEWS

Z = 1.959963984540054
SETTINGS = {"params": {}, "filters": {}, "lang": "fr"}


def _month(year: int, month: int, cells: dict) -> pd.DataFrame:
    """Contacts of one month: ``cells`` = {motif: (contacts, resolved at first contact)}, spread
    over every day of the month (first and last day included) at 10:00."""
    start = pd.Timestamp(year, month, 1)
    days = start.days_in_month
    rows = []
    for motif, (n, k) in cells.items():
        rows += [(motif, i < k) for i in range(n)]
    frame = pd.DataFrame(rows, columns=["motif", "resolved_first_contact"])
    frame["started_at"] = [start + pd.Timedelta(days=i % days, hours=10) for i in range(len(frame))]
    return frame


def _tables(nov: dict, dec: dict) -> dict:
    contacts = pd.concat([_month(2025, 11, nov), _month(2025, 12, dec)], ignore_index=True)
    contacts["contact_id"] = np.arange(len(contacts))
    return {"contacts": contacts}


NOV = {"A": (200, 180), "B": (200, 120)}
MIX = {"A": (100, 90), "B": (300, 180)}
PERF = {"A": (200, 160), "B": (200, 120)}
BOTH = {"A": (100, 80), "B": (300, 180)}


def _fcr(tables: dict, grain: str = "month") -> pd.Series:
    out = periods.compare_periods(tables, ["fcr", "volume"], SETTINGS, grain)
    return out["table"].set_index("kpi").loc["fcr"]


# ---------------------------------------------------------------- decomposition


def test_pure_mix_shift_is_all_mix():
    cells = shift_share([180, 120], [200, 200], [90, 180], [100, 300], scale=100)
    got = parts(cells)
    assert got["total"] == pytest.approx(-7.5, abs=1e-12)
    assert got["mix"] == pytest.approx(-0.25 * 90 + 0.25 * 60, abs=1e-12)
    assert got["performance"] == 0.0  # same FCR per motif in both months: exactly nothing
    row = _fcr(_tables(NOV, MIX))  # the same through the engine and the view's cells
    assert row["diff"] == pytest.approx(-7.5, abs=1e-9)
    assert row["mix"] == pytest.approx(-7.5, abs=1e-9)
    assert row["performance"] == pytest.approx(0.0, abs=1e-12)
    # A (the high-FCR motif, −22,5 pts) weighs more than B (+15 pts) in the fall
    assert "surtout la baisse de la part de « A » (−25,0 pts de part)." in row["sentence"]


def test_pure_performance_drop_is_all_performance():
    got = parts(shift_share([180, 120], [200, 200], [160, 120], [200, 200], scale=100))
    assert got["mix"] == 0.0  # same shares: exactly nothing
    assert got["performance"] == pytest.approx(0.5 * (80 - 90), abs=1e-12)
    row = _fcr(_tables(NOV, PERF))
    assert (row["mix"], row["performance"]) == pytest.approx((0.0, -5.0), abs=1e-9)
    assert "baisse sur « A » (−10,0 pts)" in row["sentence"]


def test_mix_and_performance_parts_by_hand_sum_to_the_total():
    cells = shift_share([180, 120], [200, 200], [80, 180], [100, 300], scale=100)
    got = parts(cells)
    mix = -0.25 * (90 + 80) / 2 + 0.25 * (60 + 60) / 2
    perf = (80 - 90) * (0.5 + 0.25) / 2 + 0.0
    assert (got["mix"], got["performance"]) == pytest.approx((mix, perf), abs=1e-12)
    assert (mix, perf) == pytest.approx((-6.25, -3.75))
    assert got["mix"] + got["performance"] == pytest.approx(got["total"], abs=1e-12)
    assert got["total"] == pytest.approx(65 - 75, abs=1e-12)
    row = _fcr(_tables(NOV, BOTH))
    assert row["diff"] == pytest.approx(-10.0, abs=1e-9)
    assert (row["mix"], row["performance"]) == pytest.approx((-6.25, -3.75), abs=1e-9)
    # kpis.format rounds half to even: −6,25 → −6,2 ; −3,75 → −3,8
    assert row["sentence"].startswith(
        "FCR déclaré (résolu au premier contact selon le conseiller) : baisse de 10,0 pts "
        "(décembre 2025 vs novembre 2025), dont −6,2 pts de mix (poids des cellules motif) et "
        "−3,8 pts de performance dans chaque cellule"
    )


def test_small_cells_are_pooled_in_autres_and_empty_cells_are_mix():
    # C (10 then 0 contacts) and D (5 then 20) are under 30: one "autres" cell, 15 → 20 units
    nov = {**NOV, "C": (10, 5), "D": (5, 5)}
    dec = {**MIX, "D": (20, 10)}
    row = _fcr(_tables(nov, dec))
    # cells A, B, autres: Nov 200/180, 200/120, 15/10; Dec 100/90, 300/180, 20/10
    s0 = np.array([200, 200, 15]) / 415
    s1 = np.array([100, 300, 20]) / 420
    r0 = np.array([90, 60, 100 * 10 / 15])
    r1 = np.array([90, 60, 50])
    mix = float(np.sum((s1 - s0) * (r0 + r1) / 2))
    perf = float(np.sum((r1 - r0) * (s0 + s1) / 2))
    assert (row["mix"], row["performance"]) == pytest.approx((mix, perf), abs=1e-9)
    # a cell with no unit in one period takes the other period's value: all its weight is mix
    cells = shift_share([0, 50], [0, 100], [30, 50], [40, 100], scale=100)
    assert cells.loc[0, "performance"] == 0.0
    assert cells.loc[0, "mix"] == pytest.approx((40 / 140) * 75)


# ---------------------------------------------------------------- the change and its interval


def _wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def test_rate_change_is_newcombe_with_p_from_the_interval():
    row = _fcr(_tables({"A": (200, 150)}, {"A": (200, 120)}))  # 75 % → 60 %
    p0, p1 = 0.75, 0.60
    l0, u0 = _wilson(150, 200)
    l1, u1 = _wilson(120, 200)
    d = p1 - p0
    lo = d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    assert row["diff"] == pytest.approx(-15.0, abs=1e-9)
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((100 * lo, 100 * hi), abs=1e-9)
    se = (hi - d) / Z  # the half-width on zero's side
    assert row["p"] == pytest.approx(2 * sps.norm.sf(abs(d) / se), rel=1e-9)
    lo_t, hi_t = (f"{abs(100 * x):.1f}".replace(".", ",") for x in (lo, hi))
    assert row["change_text"] == f"−15,0 pts vs novembre 2025 (IC 95 %\u00a0[−{lo_t} ; −{hi_t}])"


def test_welch_change_from_two_t_intervals():
    a = np.array([300.0, 320, 280, 410, 390, 305, 350, 330])
    b = np.array([360.0, 420, 390, 450, 380, 470, 400])

    def t_int(x):
        h = sps.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
        return x.mean(), x.mean() - h, x.mean() + h

    got = periods.welch_change(*t_int(a), len(a), *t_int(b), len(b))
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    d = b.mean() - a.mean()
    h = sps.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert (got["diff"], got["low"], got["high"]) == pytest.approx((d, d - h, d + h), rel=1e-9)
    assert got["p"] == pytest.approx(sps.ttest_ind(b, a, equal_var=False).pvalue, rel=1e-9)


def test_count_change_poisson_ratio():
    got = periods.count_change(400, 500)
    se = math.sqrt(1 / 400 + 1 / 500)
    assert got["diff"] == pytest.approx(25.0)
    assert got["low"] == pytest.approx(100 * (1.25 * math.exp(-Z * se) - 1))
    assert got["high"] == pytest.approx(100 * (1.25 * math.exp(Z * se) - 1))
    assert got["p"] == pytest.approx(2 * sps.norm.sf(math.log(1.25) / se))


def test_count_change_is_per_day_with_the_daily_dispersion():
    # 300 contacts in 30 days vs 341 in 31 days: 10 vs 11 a day, +10 %, not +13,7 %
    daily0 = np.array([4, 16] * 15, float)  # mean 10, Pearson χ² = 30 · 36 / 10 = 108
    daily1 = np.array([11] * 31, float)  # mean 11, χ² = 0
    phi = periods.dispersion(daily0, daily1)
    assert phi == pytest.approx(108 / (30 + 31 - 2))
    got = periods.count_change(300, 341, 30, 31, phi=phi)
    se = math.sqrt(108 / 59 * (1 / 300 + 1 / 341))
    assert got["diff"] == pytest.approx(10.0)
    assert got["low"] == pytest.approx(100 * (1.1 * math.exp(-Z * se) - 1))
    assert got["p"] == pytest.approx(2 * sps.norm.sf(math.log(1.1) / se))
    # under-dispersed days never make the interval narrower than Poisson's
    assert periods.dispersion(np.full(30, 10.0), np.full(31, 11.0)) == 1.0


def test_current_period_is_the_last_complete_one():
    span = (pd.Timestamp("2025-10-01 08:00"), pd.Timestamp("2025-12-15 18:00"))
    assert periods.window(span, "month") == (pd.Timestamp("2025-10-01"), pd.Timestamp("2025-11-01"))
    # weeks start on Monday: 2025-12-15 is a Monday, so the week of the 15th is partial
    assert periods.window(span, "week") == (pd.Timestamp("2025-12-01"), pd.Timestamp("2025-12-08"))
    # October starts on the 2nd: no complete previous month
    late = (pd.Timestamp("2025-10-02"), pd.Timestamp("2025-11-30 23:00"))
    assert periods.window(late, "month") is None


# ---------------------------------------------------------------- alerts (Holm)


def _dashboard(tables: dict, settings=SETTINGS):
    kpis = ["fcr", "volume"]  # the Holm family: these two (the hour of day is not planted)
    res = VIEWS["dashboard"].run(tables, {"trend": False, "kpis": kpis}, settings)
    assert res.error is None, res.error
    changes = res.extra_tables["Variation vs période précédente"].set_index("kpi")
    alerts = res.extra_tables["Alertes"]
    return res, changes, alerts


def test_null_twin_raises_no_alert():
    same = {"A": (5000, 4000)}  # 80 % both months, n large
    res, changes, alerts = _dashboard(_tables(same, same))
    assert changes.loc["fcr", "diff"] == pytest.approx(0.0, abs=1e-12)
    assert not changes["moved"].any()
    assert not alerts["reason"].str.contains("variation significative").any()


def test_planted_drop_raises_an_alert_with_holm_p():
    res, changes, alerts = _dashboard(_tables({"A": (5000, 4000)}, {"A": (5000, 3750)}))
    tested = changes[changes["tested"]]
    m = len(tested)
    assert m == 2  # FCR and volume
    p = tested["p"].to_numpy()
    assert changes.loc["fcr", "p"] == p.min()  # the smallest p: Holm multiplies it by m
    assert changes.loc["fcr", "p_holm"] == pytest.approx(min(1.0, m * p.min()), rel=1e-9)
    assert changes.loc["fcr", "p_holm"] < 0.05
    fcr = alerts[alerts["kpi"] == "fcr"].iloc[0]
    assert "variation significative" in fcr["reason"]
    assert fcr["p_holm"] == changes.loc["fcr", "p_holm"]
    assert fcr["change_text"].startswith("−5,0 pts vs novembre 2025 (IC 95 %")
    # a move is said of the current period: its value and population
    assert (fcr["period"], fcr["value"]) == ("décembre 2025", pytest.approx(75.0))
    flag = "contacts au drapeau « résolu au premier contact » renseigné"
    assert fcr["population"] == f"5\u202f000 {flag}"
    said = [s["text"] for s in res.sentences]
    assert f"Variations : correction de Holm sur {m} indicateurs testés" in " ".join(said)
    assert "Comparaison : décembre 2025 vs novembre 2025 (dernier mois complet)" in said


def test_low_sample_is_said_and_not_tested():
    settings = {**SETTINGS, "params": {"min_n": 100}}
    res, changes, _ = _dashboard(_tables({"A": (40, 20)}, {"A": (40, 4)}), settings)
    assert bool(changes.loc["fcr", "low_sample"])
    assert not bool(changes.loc["fcr", "tested"])
    assert math.isnan(changes.loc["fcr", "p_holm"])


def test_cells_too_small_fall_back_to_a_coarser_level():
    # motif × canal: 4 cells of 20 contacts per month, all under 30 → one "autres" cell holding
    # everything; motif alone: 2 cells of 40 → the decomposition runs on motifs
    rows = [
        {"motif": m, "canal": c, "when": w, "numerator": 10.0 + w, "denominator": 20.0}
        for m in "AB"
        for c in "xy"
        for w in (0, 1)
    ]
    used, pooled = periods.fine_enough(pd.DataFrame(rows), ["motif", "canal"], "fr")
    assert used == ["motif"]
    assert list(pooled["cell"]) == ["A", "B"]
    assert list(pooled["den0"]) == [40.0, 40.0]
    assert list(pooled["num1"]) == [22.0, 22.0]
    assert periods.cells_name(used, "en") == "motif"
    assert periods.cells_name(["motif", "canal", "niveau"], "en") == "motif × channel × level"


def test_card_line_colours_a_move_by_direction_and_never_a_low_sample():
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `ui` beside app.py
    from kpis.definitions import REGISTRY
    from ui.cards import change_line
    from ui.i18n import t

    ctx = SimpleNamespace(lang="fr", t=lambda key: t(key, "fr"))
    fcr = REGISTRY.get("fcr")  # higher is better
    base = {"current_value": 75.0, "change_text": "−5,0 pts vs novembre 2025", "diff": -5.0}
    base |= {"moved": True, "low_sample": False}

    def row(**kw) -> pd.Series:
        return pd.Series({**base, **kw})

    line = change_line(ctx, fcr, row(), "décembre 2025")
    assert line.startswith(":red[décembre 2025 \\: 75,0\u202f% · −5,0 pts vs novembre 2025]")
    assert change_line(ctx, fcr, row(diff=5.0), "d").startswith(":green[")
    still = change_line(ctx, fcr, row(moved=False), "décembre 2025")
    assert not still.startswith(":")  # not significant after Holm: no colour
    low = change_line(ctx, fcr, row(low_sample=True), "décembre 2025")
    assert not low.startswith(":") and low.endswith(t("low_sample", "fr"))
