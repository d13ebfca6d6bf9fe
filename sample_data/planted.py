"""Effects planted after the draw, each with its own random stream (or none), so that every
other figure of the sample stays what the main draw gives: a late recontact drift (rule 1), a
slow new hire (long handling time), NPS and CSAT disagreeing on one motif. Called by
``generator.generate`` with its ``Effects``; they edit the tables in place."""

from __future__ import annotations

import numpy as np
import pandas as pd


def plant_late_recontact(rng, contacts: pd.DataFrame, surveys: pd.DataFrame, eff) -> None:
    """Rule 1's drift, in place: for each handled contact X declared resolved, on a motif of
    ``late_recontact["motifs"]``, between ``start`` and ``end``, with probability ``share`` ×
    (t − start) ÷ (end − start): a one-off contact Y (its customer's only contact) on the same
    motif 1–6 days later gets X's customer (and so does Y's survey answer). Uses its own random
    stream, so every other draw is unchanged."""
    cfg = eff.late_recontact
    start, end = pd.Timestamp(cfg["start"]), pd.Timestamp(cfg["end"])
    c = contacts
    t = c["started_at"]
    cust = c["customer_id"]
    once = cust.map(cust.value_counts()).eq(1).to_numpy() & cust.notna().to_numpy()
    handled = c["answered"].fillna(False).to_numpy(dtype=bool)
    declared = c["resolved_first_contact"].fillna(False).to_numpy(dtype=bool)
    motif = c["motif"].astype(str).to_numpy()
    frac = ((t - start) / (end - start)).to_numpy(dtype=float)
    x_ok = handled & declared & cust.notna().to_numpy() & (frac >= 0) & (frac <= 1)
    x_ok &= np.isin(motif, cfg["motifs"])
    x_idx = np.flatnonzero(x_ok)
    pick = x_idx[rng.random(len(x_idx)) < float(cfg["share"]) * frac[x_idx]]
    used = np.zeros(len(c), dtype=bool)
    tv = t.to_numpy()
    new_cust = cust.to_numpy(dtype=object).copy()
    for i in pick:
        lo, hi = tv[i] + np.timedelta64(1, "D"), tv[i] + np.timedelta64(6, "D")
        cand = np.flatnonzero(once & ~used & (motif == motif[i]) & (tv >= lo) & (tv <= hi))
        if not len(cand):
            continue
        j = cand[rng.integers(len(cand))]
        used[j] = True
        new_cust[j] = new_cust[i]
    moved = dict(zip(c["contact_id"].to_numpy()[used], new_cust[used], strict=True))
    c["customer_id"] = pd.Series(new_cust, index=c.index, dtype=cust.dtype)
    hit = surveys["contact_id"].isin(moved)
    surveys.loc[hit, "customer_id"] = surveys.loc[hit, "contact_id"].map(moved)


def plant_slow_new_hire(contacts: pd.DataFrame, eff) -> None:
    """The slow new hire, in place: each answered contact of ``slow_new_hire["agent"]`` takes the
    talk time of the unused peer contact (same motif, canal, niveau, provider; not the fast
    agent) whose time is the shortest at least ``factor`` × its own, and gives its time in
    return. Totals and means per stratum are unchanged; no random draw."""
    cfg = eff.slow_new_hire
    c = contacts
    talk = c["talk_s"].to_numpy(dtype=float).copy()
    ok = c["answered"].fillna(False).to_numpy(dtype=bool) & np.isfinite(talk)
    agent = c["agent_id"].astype(str).to_numpy()
    keys = ["motif", "canal", "niveau", "provider"]
    stratum = c[keys].astype(str).agg("|".join, axis=1).to_numpy()
    mine = ok & (agent == cfg["agent"])
    peers = ok & (agent != cfg["agent"]) & (agent != str(eff.fast_agent))
    used = np.zeros(len(c), dtype=bool)
    for i in np.flatnonzero(mine):
        cand = np.flatnonzero(peers & ~used & (stratum == stratum[i]))
        cand = cand[talk[cand] >= float(cfg["factor"]) * talk[i]]
        if not len(cand):
            continue
        j = cand[np.argmin(talk[cand])]
        used[j] = True
        talk[i], talk[j] = talk[j], talk[i]
    c["talk_s"] = talk


def plant_relationship_gap(rng, surveys: pd.DataFrame, eff) -> None:
    """NPS below what CSAT says on one motif, in place (see ``Effects.relationship_gap``): swaps
    of NPS score and comment within provider × month, so those NPS figures are unchanged."""
    cfg = eff.relationship_gap
    s = surveys
    nps = s["nps_score"].to_numpy(dtype=float).copy()
    comment = s["comment"].to_numpy(dtype=object).copy()
    motif = s["motif"].astype(str).to_numpy()
    stratum = (s["provider"].astype(str) + "|" + s["answered_at"].dt.strftime("%Y-%m")).to_numpy()
    target = (motif == cfg["motif"]) & (nps >= 7)
    pick = np.flatnonzero(target & (rng.random(len(s)) < float(cfg["share"])))
    partner = (motif != cfg["motif"]) & (motif != eff.training_motif) & (nps <= 6)
    used = np.zeros(len(s), dtype=bool)
    for i in pick:
        cand = np.flatnonzero(partner & ~used & (stratum == stratum[i]))
        if not len(cand):
            continue
        j = cand[rng.integers(len(cand))]
        used[j] = True
        nps[i], nps[j] = nps[j], nps[i]
        comment[i], comment[j] = comment[j], comment[i]
    s["nps_score"] = nps
    s["comment"] = pd.Series(comment, index=s.index, dtype=s["comment"].dtype)


def plant_callback_unknown(contacts: pd.DataFrame, eff) -> None:
    """Rule 10's gap, in place: from ``callback_unknown["start"]`` the ``queue`` offers a
    callback after ``min_wait_s`` of waiting; the inbound calls that hung up after that wait
    (they took the offer) are logged with neither answered nor abandoned (« Décroché » empty).
    No random draw; answered calls, volumes and waits are unchanged."""
    cfg = eff.callback_unknown
    c = contacts
    hit = (
        c["offered"].fillna(False).to_numpy(dtype=bool)
        & (c["answered"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        & (c["queue"].astype(str) == cfg["queue"]).to_numpy()
        & (c["started_at"] >= pd.Timestamp(cfg["start"])).to_numpy()
        & (c["wait_s"].to_numpy(dtype=float) >= float(cfg["min_wait_s"]))
    )
    c.loc[hit, "answered"] = pd.NA


def plant_ces_pilot(rng, surveys: pd.DataFrame, eff) -> None:
    """Rule 9's small sample, in place: before ``ces_pilot["until"]`` the effort question (CES)
    was only a pilot, asked to a ``share`` of the respondents; the others' CES is blank. Own
    random stream; CSAT, NPS and later CES answers are unchanged."""
    cfg = eff.ces_pilot
    s = surveys
    before = (s["answered_at"] < pd.Timestamp(cfg["until"])).to_numpy()
    drop = before & (rng.random(len(s)) >= float(cfg["share"]))
    s.loc[drop, "ces_score"] = np.nan


def plant_fcr_bonus(rng, contacts: pd.DataFrame, surveys: pd.DataFrame, eff) -> None:
    """A bonus on declared FCR (rule « CSAT / NPS moving opposite to FCR »), in place. With
    u = (t − ``start``) ÷ (``end`` − ``start``): (1) each handled contact declared not resolved
    is flagged « résolu » with probability ``declared_share`` × u (declared FCR rises; the
    contacts, their real outcome and the recontacts are unchanged); (2) each non-detractor
    answer (NPS ≥ 7) of the second half is picked with probability ``nps_share`` × (2u − 1) and
    swaps its NPS and comment with a detractor's answer (NPS ≤ 6) of the first half of the same
    provider × motif × canal, drawn with weight 1 − 2u (NPS erodes over the half-year). The
    training motif and the surge month take no part in the swaps, so the NPS of the centre, of
    each provider, motif and canal, of the surge month and of the training motif are unchanged;
    CSAT and CES are untouched. Own random stream."""
    cfg = eff.fcr_bonus
    start, end = pd.Timestamp(cfg["start"]), pd.Timestamp(cfg["end"])
    c = contacts
    u = ((c["started_at"] - start) / (end - start)).clip(0, 1).to_numpy(dtype=float)
    handled = c["answered"].fillna(False).to_numpy(dtype=bool)
    not_declared = (c["resolved_first_contact"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    flip = handled & not_declared & (rng.random(len(c)) < float(cfg["declared_share"]) * u)
    c.loc[flip, "resolved_first_contact"] = True

    s = surveys
    us = ((s["answered_at"] - start) / (end - start)).clip(0, 1).to_numpy(dtype=float)
    nps = s["nps_score"].to_numpy(dtype=float).copy()
    comment = s["comment"].to_numpy(dtype=object).copy()
    month = s["answered_at"].dt.strftime("%Y-%m").to_numpy()
    free = (s["motif"].astype(str) != eff.training_motif).to_numpy() & (month != eff.surge_month)
    stratum = s[["provider", "motif", "canal"]].astype(str).agg("|".join, axis=1).to_numpy()
    late = free & (us > 0.5) & (nps >= 7)
    pick = np.flatnonzero(late & (rng.random(len(s)) < float(cfg["nps_share"]) * (2 * us - 1)))
    weight = np.where(free & (us < 0.5) & (nps <= 6), 1 - 2 * us, 0.0)
    for i in pick:
        cand = np.flatnonzero((weight > 0) & (stratum == stratum[i]))
        if not len(cand):
            continue
        w = weight[cand]
        j = cand[np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right")]
        weight[j] = 0.0
        nps[i], nps[j] = nps[j], nps[i]
        comment[i], comment[j] = comment[j], comment[i]
    s["nps_score"] = nps
    s["comment"] = pd.Series(comment, index=s.index, dtype=s["comment"].dtype)
