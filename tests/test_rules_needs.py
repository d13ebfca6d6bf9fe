"""A rule needs what it reads, and judges against targets on the data's scale: date-only
timestamps, confirmed opening hours, pseudo-agents, long waits per month, targets with a source,
the by-motif recontact's definition, an empty channel."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from kpis.engine import compute
from kpis.io.sample import sample_settings
from kpis.opening_hours import resolve, suggest
from kpis.rules import run_rules
from kpis.rules.data import sentinel_agents
from kpis.targets import rescale, target_of, verdict
from sample_data.generator import NULL_EFFECTS, generate

HOURS = {"opening_hours": "mon-sat 08:00-20:00"}


@functools.cache
def gen(**effects) -> dict[str, pd.DataFrame]:
    return generate(seed=11, n_contacts=6000, months=6, **{**NULL_EFFECTS, **effects})


def date_only(tables):
    out = dict(tables)
    c = tables["contacts"].copy()
    c["started_at"] = c["started_at"].dt.normalize()
    out["contacts"] = c
    return out


# ---------------------------------------------------------------- date-only timestamps


def test_date_only_data_decides_no_hour_rule():
    settings = {"targets": {"asa": 38, "avg_wait": 60}}
    cases = [
        (gen(hno_share=0.08), ["hno_share_high"]),
        (gen(staffing=0.6), ["staffing_erlang", "long_wait"]),
    ]
    found = []
    for tables, rules in cases:
        with_time = run_rules(tables, HOURS, settings, rules=rules)
        assert {f.rule for f in with_time if f.is_finding} == set(rules)  # they fire with hours
        found += run_rules(date_only(tables), HOURS, settings, rules=rules)
    fired = {f.rule for f in found if f.is_finding}
    assert not fired & {"hno_share_high", "staffing_erlang"}
    notes = {f.rule: f for f in found if f.kind == "insufficient_data"}
    for rule in ("hno_share_high", "staffing_erlang"):
        assert "les horodatages ne portent pas d'heure" in notes[rule].text_fr
        assert "the timestamps carry no time of day" in notes[rule].text_en
    # the daily rule still reads the waits, without an hourly breakdown ("00h")
    wait = next(f for f in found if f.rule == "long_wait" and f.is_finding)
    assert "Heures" not in wait.text_fr and "00h" not in wait.text_fr


# ---------------------------------------------------------------- opening hours


def hno_table():
    """100 e-mails on Monday 5 January 2026: 60 at 10:00, 40 at 21:00 → 40 % outside
    08:00–20:00; 300 calls at 11:00 the same day."""
    t = [pd.Timestamp("2026-01-05 10:00")] * 60 + [pd.Timestamp("2026-01-05 21:00")] * 40
    t += [pd.Timestamp("2026-01-05 11:00")] * 300
    return {
        "contacts": pd.DataFrame({"started_at": t, "canal": ["email"] * 100 + ["telephone"] * 300})
    }


LOOSE = {"hno_share_high": {"min_per_week": 1.0}}


def test_default_hours_unconfirmed_judge_nothing():
    found = run_rules(hno_table(), settings=LOOSE, rules=["hno_share_high"])
    assert not [f for f in found if f.is_finding]
    (note,) = found
    assert "confirmez les heures d'ouverture dans Paramètres" in note.text_fr
    assert "lun-ven 08:00-19:00" in note.text_fr  # the default, named (French day names)
    assert "mon-fri 08:00-19:00" in note.text_en
    same = {**LOOSE, "opening_hours": {"spec": "mon-fri 08:00-20:00", "confirmed": False}}
    assert not [
        f
        for f in run_rules(hno_table(), settings=same)
        if f.rule == "hno_share_high" and f.is_finding
    ]


def test_confirmed_hours_give_the_hno_share():
    settings = {
        **LOOSE,
        "opening_hours": {"spec": "mon-fri 08:00-20:00", "confirmed": True, "source": "user"},
    }
    (f,) = [x for x in run_rules(hno_table(), settings=settings, rules=["hno_share_high"])]
    assert f.is_finding and f.segment == {"canal": "email"}
    assert f.evidence["value"] == 40.0 and f.evidence["hno"] == 40 and f.evidence["n"] == 100
    assert "40,0\u202f%" in f.text_fr and f.evidence["opening_hours_source"] == "user"


def test_suggested_hours_equal_the_planted_ones():
    rng = np.random.default_rng(0)
    days = pd.date_range("2026-01-05", periods=28, freq="D")
    rows = []
    for d in days:
        span = {5: (10, 12), 6: None}.get(d.weekday(), (9, 17))
        if span:
            for h in range(*span):
                rows += [d + pd.Timedelta(hours=h, minutes=int(m)) for m in rng.integers(0, 60, 30)]
        if d.weekday() < 5:
            rows.append(d + pd.Timedelta(hours=23))  # a stray night contact, under 1 %
    got = suggest(pd.Series(rows))
    assert got["spec"] == "mon-fri 09:00-17:00; sat 10:00-12:00"
    assert got["spans"][0] == (9, 17) and 6 not in got["spans"]
    assert {"weekday", "hour", "n", "share", "open"} <= set(got["table"].columns)


def test_sample_preset_and_resolution():
    preset = sample_settings()
    assert resolve(preset, {}).spec == "mon-sat 08:00-20:00" and resolve(preset, {}).confirmed
    assert not resolve({}, {"opening_hours": "mon-fri 08:00-19:00"}).confirmed  # the default
    assert resolve({}, HOURS).confirmed  # a user's own hours


# ---------------------------------------------------------------- pseudo-agents


def test_sentinel_agents():
    ids = pd.Series(["NO_SERVER", "", None, "System", "bot", "IVR_main", "svi", "AUTO", "0", "-1"])
    assert sentinel_agents(ids).all()
    real = pd.Series(["Kévin M.", "MICHAL", "Autumn", "Botond", "12", "Ivana"])
    assert not sentinel_agents(real).any()


def test_pseudo_agents_are_never_ranked():
    tables = dict(gen(fast_agent="Kévin M."))
    c = tables["contacts"].copy()
    rng = np.random.default_rng(2)
    pick = (rng.random(len(c)) < 0.08) & c["agent_id"].notna().to_numpy()
    half = pick & (rng.random(len(c)) < 0.5)
    c["agent_id"] = c["agent_id"].astype("object")
    c.loc[pick & ~half, "agent_id"] = "NO_SERVER"
    c.loc[half, "agent_id"] = ""
    for col in ("talk_s", "acw_s"):  # pseudo-agents look very fast: they would be ranked
        c.loc[pick, col] = c.loc[pick, col] * 0.2
    tables["contacts"] = c
    found = [f for f in run_rules(tables, rules=["dmt_short_within_motif"]) if f.is_finding]
    assert found
    ranked = {f.segment.get("agent_id") for f in found}
    assert "Kévin M." in ranked and not ranked & {"NO_SERVER", "", None}
    for f in found:
        assert "Pseudo-conseillers exclus : (vide), NO_SERVER." in f.text_fr
        assert f.evidence["excluded_agents"] == ["(vide)", "NO_SERVER"]
        assert "NO_SERVER" not in {r["agent_id"] for r in f.evidence["table"]}


# ---------------------------------------------------------------- long waits per month


def test_surge_month_fires_with_a_normal_overall_mean():
    rng = np.random.default_rng(4)
    months = pd.date_range("2026-01-05 10:00", periods=6, freq="MS") + pd.Timedelta(days=4)
    frames = []
    for m in months:
        surge = m.month == 3
        n = 300
        frames.append(
            pd.DataFrame(
                {
                    "started_at": m + pd.to_timedelta(rng.integers(0, 20 * 24 * 60, n), "min"),
                    "canal": "telephone",
                    "answered": pd.array([True] * n, dtype="boolean"),
                    "wait_s": rng.exponential(75.0 if surge else 30.0, n),
                    "talk_s": 200.0,
                }
            )
        )
    c = pd.concat(frames, ignore_index=True)
    settings = {"targets": {"avg_wait": 50}}
    assert pd.to_numeric(c["wait_s"]).mean() < 50  # the overall mean is normal
    found = [f for f in run_rules({"contacts": c}, settings=settings, rules=["long_wait"])]
    hits = [f for f in found if f.is_finding]
    assert [f.segment for f in hits] == [{"period": "2026-03"}]
    assert "en mars 2026" in hits[0].text_fr and "après Holm" in hits[0].text_fr


# ---------------------------------------------------------------- targets


def surveys(scores):
    return {"surveys": pd.DataFrame({"csat_score": np.asarray(scores, float)})}


def test_csat_mean_target_on_the_survey_scale():
    ten = surveys(np.r_[np.full(60, 4.0), np.full(40, 8.0)] + 0.0)  # 1–10, mean 5.6
    ten["surveys"].loc[0, "csat_score"] = 10.0
    t = target_of("csat_mean", tables=ten)
    assert t.scale == (1.0, 10.0) and t.value == pytest.approx(7.75)  # 1 + 0.75 × 9
    assert t.source == "none" and verdict(5.6, t, "higher") == "no_target"
    stated = target_of("csat_mean", tables=ten, sources={"csat_mean": "enquête groupe"})
    assert stated.value == pytest.approx(7.75) and verdict(5.6, stated, "higher") == "off_target"
    five = target_of("csat_mean", tables=surveys([1, 3, 5, 4]), sources={"csat_mean": "x"})
    assert five.value == 4.0 and verdict(4.2, five, "higher") == "on_target"
    zero = target_of("csat_mean", tables=surveys([0, 5, 10]))
    assert zero.scale == (0.0, 10.0) and zero.value == pytest.approx(7.5)
    assert rescale(2.0, (1, 5), (1, 7)) == 2.5
    ces = {"surveys": pd.DataFrame({"ces_score": [1.0, 7.0, 3.0]})}
    assert target_of("ces", tables=ces).value == 2.5
    user = target_of("csat_mean", {"csat_mean": 8.0}, ten)
    assert user.source == "user" and user.value == 8.0 and user.judged


def test_sourceless_target_judges_nothing():
    assert target_of("qos_rate").source.startswith("NF 345") and target_of("qos_rate").judged
    assert not target_of("avg_wait").judged and not target_of("volume").judged
    assert not target_of("productivity").judged and not target_of("cost_per_contact").judged
    assert not target_of("avg_wait", {"avg_wait": 45.0}).judged  # the default passed back
    tables = gen(staffing=0.7)
    (note,) = run_rules(tables, rules=["long_wait"])
    assert note.kind == "insufficient_data" and "pas de cible" in note.text_fr
    hits = run_rules(tables, settings={"targets": {"avg_wait": 65}}, rules=["long_wait"])
    assert [f for f in hits if f.is_finding]


# ---------------------------------------------------------------- coherence of sentences


def test_by_motif_recontact_names_its_definition():
    tables = gen(recontact_by_motif=True)
    hits = [f for f in run_rules(tables, rules=["recontact_varies_by_motif"]) if f.is_finding]
    assert hits
    fcr = compute(tables, ["fcr_measured"], by=["motif"]).set_index("motif")["value"]
    for f in hits:
        assert "100 − FCR mesuré" in f.text_fr and "100 − measured FCR" in f.text_en
        motif = f.segment["motif"]
        assert f.evidence["motif"]["value"] == pytest.approx(100 - fcr[motif])


def test_staffing_without_deficit_does_not_say_understaffed():
    tables = gen(staffing=0.6)
    settings = {"targets": {"asa": 38}, "staffing_erlang": {"min_deficit": 1000}}
    (f,) = [x for x in run_rules(tables, settings=settings, rules=["staffing_erlang"])]
    assert f.is_finding and "aucune demi-heure n'affiche d'écart net" in f.text_fr
    assert "insuffisant" not in f.text_fr and "en déficit" not in f.text_fr
    assert "too few agents" not in f.text_en


def test_empty_channel_does_not_divide_by_zero():
    t = hno_table()
    c = t["contacts"]
    c["canal"] = pd.array(["email"] * 90 + [None] * 5 + [""] * 5 + ["telephone"] * 300, "string")
    settings = {**LOOSE, "opening_hours": {"spec": "mon-fri 08:00-20:00", "confirmed": True}}
    found = run_rules(t, settings=settings, rules=["hno_share_high"])
    table = found[0].evidence["table"]
    assert {r["canal"] for r in table} == {"email", "(vide)", "telephone"}
    assert sum(r["n"] for r in table) == 400


def test_a_finding_states_the_population_of_its_kpi_as_the_card_does():
    # the QoS finding on the sample counts the same calls as the dashboard card: "n = 18 452
    # appels entrants présentés" (the KPI's declared population, computed by the engine)
    from kpis.engine import compute
    from kpis.io.sample import load_sample, sample_engine_params
    from kpis.populations import population_text
    from kpis.rules import run_rules

    tables, _ = load_sample()
    params = sample_engine_params()
    row = compute(tables, ["qos_rate"], params=params).iloc[0]
    found = [f for f in run_rules(tables, params, {}) if f.rule == "qos_below_nf345"]
    assert found and found[0].kind == "finding"
    said = f"n = {population_text(row['n'], row['population_id'], 'fr')}"
    assert said == "n = 18\u202f452 appels entrants présentés"
    assert said in found[0].text("fr")
