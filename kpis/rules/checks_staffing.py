"""Staffing rule: average speed of answer above target, Erlang C agents needed vs agents seen
per half-hour (pseudo-agents left out); needs timestamps with a time of day."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData, excluded_agents, labels, sentinel_agents
from kpis.rules.model import require_n, target
from kpis.rules.wording import make_finding
from kpis.stats import mean_ci

# ---------------------------------------------------------------- own: staffing (Erlang C)


def staffing_table(d: RuleData, sl_target: float, sl_seconds: float) -> pd.DataFrame:
    """Per half-hour of the day (open days pooled): offered calls per day, AHT, Erlang C agents
    needed for the service-level target, agents seen (distinct agents with an answered call
    started in the slot, per day), and the observed service level."""
    from kpis.staffing import agents_needed

    c = d.need("contacts", "started_at", "answered", "wait_s")
    mask = d.phone() & d.presented()
    t = c["started_at"][mask]
    day = t.dt.normalize()
    slot = t.dt.hour * 2 + t.dt.minute // 30
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)[mask]
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)[mask]
    aht = d.handling_time()[mask]
    n_days = day.nunique()
    agent = None
    if "agent_id" in c.columns:  # pseudo-agents (NO_SERVER, IVR, blank…) are not staff
        agent = labels(c["agent_id"])[mask]
        staff = ~sentinel_agents(c["agent_id"])[mask]
    rows = []
    slot_v = slot.to_numpy()
    for s in sorted(np.unique(slot_v)):
        m = slot_v == s
        calls = m.sum() / n_days
        a = np.nanmean(aht[m & ans]) if np.isfinite(aht[m & ans]).any() else math.nan
        need = agents_needed(calls, a, sl_target, sl_seconds) if math.isfinite(a) else None
        seen = math.nan
        if agent is not None:
            seen_m = m & ans & staff
            sub = pd.DataFrame({"day": day.to_numpy()[seen_m], "agent": agent[seen_m]})
            seen = (
                sub.drop_duplicates()
                .groupby("day")
                .size()
                .reindex(pd.unique(day.to_numpy()[m]), fill_value=0)
                .mean()
            )
        in_sl = (ans & (wait <= sl_seconds))[m]
        rows.append(
            {
                "slot": f"{s // 2:02d}:{30 * (s % 2):02d}",
                "calls_per_day": calls,
                "aht_s": a,
                "agents_needed": need,
                "agents_seen": seen,
                "service_level": 100 * in_sl.mean(),
                "n": int(m.sum()),
            }
        )
    return pd.DataFrame(rows)


def check_staffing(rule, d: RuleData, cfg, settings):
    """Average speed of answer above target: Erlang C agents needed vs agents seen per half-hour
    (pseudo-agents left out of "seen"). Needs timestamps with a time of day."""
    c = d.need("contacts", "wait_s", "answered", "started_at", "talk_s")
    d.require_time_of_day()
    mask = d.phone() & c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
    mean, lo, hi, n = mean_ci(wait[mask])
    require_n(n, cfg, "appels décrochés avec attente", "answered calls with a wait time")
    tgt = target(settings, "asa")
    if not lo > tgt:
        return []
    sl_t = target(settings, "service_level")
    sl_s = float(d.param("sl_seconds", "service_level"))
    table = staffing_table(d, sl_t, sl_s)
    table["deficit"] = table["agents_needed"] - table["agents_seen"]
    short = table[(table["deficit"] >= cfg["min_deficit"]) & (table["service_level"] < sl_t)]
    worst = short.sort_values("deficit", ascending=False).head(4)
    excluded = excluded_agents(c)
    head_fr = (
        f"Vitesse moyenne de réponse {fmt.duration(mean, 'fr')} ({fmt.ci_text(lo, hi, 's', 'fr')}, "
        f"{fmt.n_text(n, 'fr')}) au-dessus de l'objectif de {fmt.duration(tgt, 'fr')}. Estimation "
        f"Erlang C pour {fmt.percent(sl_t, 'fr', 0)} en {fmt.duration(sl_s, 'fr')} : "
    )
    head_en = (
        f"Average speed of answer {fmt.duration(mean, 'en')} ({fmt.ci_text(lo, hi, 's', 'en')}, "
        f"{fmt.n_text(n, 'en')}) above the {fmt.duration(tgt, 'en')} target. Erlang C estimate for "
        f"{fmt.percent(sl_t, 'en', 0)} in {fmt.duration(sl_s, 'en')}: "
    )
    if len(worst):
        obs_fr = head_fr + "; ".join(
            f"{r.slot} : {fmt.number(r.calls_per_day, 'fr')} appels/jour, DMT "
            f"{fmt.duration(r.aht_s, 'fr')} → {fmt.integer(r.agents_needed, 'fr')} conseillers "
            f"requis, {fmt.number(r.agents_seen, 'fr')} vus"
            for r in worst.itertuples()
        )
        obs_en = head_en + "; ".join(
            f"{r.slot}: {fmt.number(r.calls_per_day, 'en')} calls/day, AHT "
            f"{fmt.duration(r.aht_s, 'en')} → {fmt.integer(r.agents_needed, 'en')} agents needed, "
            f"{fmt.number(r.agents_seen, 'en')} seen"
            for r in worst.itertuples()
        )
        lead = (
            "effectif probablement insuffisant sur ces créneaux",
            "probably too few agents in these slots",
        )
        action, severity = None, None
    else:
        obs_fr = head_fr + "aucune demi-heure n'affiche d'écart net entre conseillers requis et vus"
        obs_en = head_en + "no half-hour shows a clear gap between agents needed and seen"
        lead = (
            "l'effectif vu couvre le besoin Erlang C à chaque demi-heure : l'attente vient plutôt "
            "de la DMT, de la présence réelle (pauses, connexions) ou de pics plus courts que la "
            "demi-heure",
            "the agents seen cover the Erlang C need in every half-hour: the wait more likely "
            "comes from handling time, actual presence (breaks, log-ins) or peaks shorter than "
            "half an hour",
        )
        action = (
            "examiner la DMT et la présence réelle des conseillers sur les heures chargées.",
            "look at handling time and agents' actual presence in the busy hours.",
        )
        severity = "info"
    obs_fr += "." + (f" Pseudo-conseillers exclus : {', '.join(excluded)}." if excluded else "")
    obs_en += "." + (f" Pseudo-agents left out: {', '.join(excluded)}." if excluded else "")
    return [
        make_finding(
            rule,
            cfg,
            {"slot": worst["slot"].tolist()} if len(worst) else {},
            (obs_fr, obs_en),
            *lead,
            {
                "asa_s": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "asa_target_s": tgt,
                "sl_target": sl_t,
                "sl_seconds": sl_s,
                "deficit_slots": worst["slot"].tolist(),
                "excluded_agents": excluded,
            },
            table,
            {"x": "slot", "y": "agents_needed", "y2": "agents_seen", "unit": "count"},
            severity=severity,
            action=action,
        )
    ]
