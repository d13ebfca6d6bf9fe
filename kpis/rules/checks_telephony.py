"""Telephony rules: long wait (rule 5, overall, per month and per queue), quality of service
under NF 345 (rule 11), answer + abandon ≠ 100 % (rule 10), contacts outside confirmed opening
hours. Staffing against Erlang C is in ``checks_staffing``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData, labels
from kpis.rules.model import Undecidable, records, require_n, target, target_text
from kpis.rules.wording import make_finding, population_n
from kpis.stats import dist, holm, mean_ci, score_test, wilson

# ---------------------------------------------------------------- rule 5


def _hour_table(d: RuleData, mask, value) -> pd.DataFrame:
    c = d.table("contacts")
    hour = c["started_at"].dt.hour.to_numpy()[mask]
    v = value[mask]
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)[mask]
    rows = []
    for h in np.unique(hour[~np.isnan(v)]):
        m = hour == h
        mean, lo, hi, n = mean_ci(v[m])
        rows.append(
            {
                "hour": f"{int(h):02d}h",
                "value": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "abandon_rate": 100 * (1 - ans[m].mean()),
            }
        )
    return pd.DataFrame(rows)


def _wait_test(w: np.ndarray, tgt: float) -> dict:
    """Mean wait, its 95 % t interval, n, and the one-sided t-test p of mean > target."""
    mean, lo, hi, n = mean_ci(w)
    p = math.nan
    if n >= 2:
        se = float(np.nanstd(w[np.isfinite(w)], ddof=1)) / math.sqrt(n)
        p = float(dist.t_sf((mean - tgt) / se, n - 1)) if se > 0 else float(mean <= tgt)
    return {"value": mean, "ci_low": lo, "ci_high": hi, "n": n, "p": p}


def _wait_segments(d: RuleData, c, mask, wait, tgt, min_n) -> pd.DataFrame:
    """The wait test overall, per month and per queue (those with at least ``min_n`` calls);
    Holm across all of them."""
    rows = [{"field": "", "segment": "Ensemble", **_wait_test(wait[mask], tgt)}]
    keys = {"period": c["started_at"].dt.to_period("M").astype("str").to_numpy()}
    if "queue" in c.columns:
        keys["queue"] = labels(c["queue"])
    for fld, k in keys.items():
        for key in sorted(pd.unique(k[mask])):
            m = mask & (k == key)
            if m.sum() >= min_n:
                rows.append({"field": fld, "segment": str(key), **_wait_test(wait[m], tgt)})
    t = pd.DataFrame(rows)
    t["p_holm"] = holm(t["p"].fillna(1.0).to_numpy())
    return t


def check_long_wait(rule, d: RuleData, cfg, settings):
    """Rule 5: mean wait of offered phone calls above the avg_wait target — overall, per month and
    per queue (one-sided t-tests, Holm across them; a segment fires when Holm p < alpha and its
    95 % interval is above the target)."""
    c = d.need("contacts", "wait_s", "answered", "started_at")
    mask = d.phone() & c["answered"].notna().to_numpy()
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
    mask &= np.isfinite(wait)
    require_n(
        int(mask.sum()), cfg, "appels présentés avec temps d'attente", "offered calls with a wait"
    )
    tgt = target(settings, "avg_wait")
    seg = _wait_segments(d, c, mask, wait, tgt, cfg["min_n"])
    seg["flag"] = (seg["p_holm"] < cfg["alpha"]) & (seg["ci_low"] > tgt)
    if not seg["flag"].any():
        return []
    overall = seg.iloc[0]
    hourly = d.time_of_day()
    table = _hour_table(d, mask, wait) if hourly else None
    peaks = table[table["ci_low"] > tgt]["hour"].tolist() if hourly else []
    dmt = d.handling_time()
    dmt_mean = float(np.nanmean(dmt[mask])) if np.isfinite(dmt[mask]).any() else math.nan
    dmt_fr, dmt_en = (target_text(settings, "dmt", "s", lang) for lang in ("fr", "en"))
    out = []
    flagged = seg[seg["flag"]]
    if overall["flag"]:
        groups = [({}, overall, flagged.iloc[1:])]
    else:
        groups = [({r["field"]: r["segment"]}, r, flagged.iloc[:0]) for _, r in flagged.iterrows()]
    for segment, r, others in groups:
        where_fr = _where(segment, "fr")
        where_en = _where(segment, "en")
        also_fr = "; ".join(
            f"{_seg_label({o['field']: o['segment']}, 'fr')} : {fmt.duration(o['value'], 'fr')}"
            for _, o in others.iterrows()
        )
        also_en = "; ".join(
            f"{_seg_label({o['field']: o['segment']}, 'en')}: {fmt.duration(o['value'], 'en')}"
            for _, o in others.iterrows()
        )
        obs_fr = (
            f"Attente moyenne des appels présentés{where_fr} : {fmt.duration(r['value'], 'fr')} "
            f"({fmt.ci_text(r['ci_low'], r['ci_high'], 's', 'fr')}, "
            f"{population_n('avg_wait', r['n'], 'fr')}"
            f"), au-dessus de l'objectif de {fmt.duration(tgt, 'fr')} "
            f"({fmt.p_value(r['p_holm'], 'fr')} après Holm sur {len(seg)} tests : ensemble, mois"
            f"{', files' if 'queue' in set(seg['field']) else ''})."
            + (f" Au-dessus aussi : {also_fr}." if also_fr else "")
            + (
                f" Heures au-dessus de l'objectif : {', '.join(peaks) or 'aucune isolément'}."
                if hourly
                else ""
            )
            + f" DMT téléphone {fmt.duration(dmt_mean, 'fr')} ({dmt_fr})."
        )
        obs_en = (
            f"Average wait of offered calls{where_en}: {fmt.duration(r['value'], 'en')} "
            f"({fmt.ci_text(r['ci_low'], r['ci_high'], 's', 'en')}, "
            f"{population_n('avg_wait', r['n'], 'en')}"
            f"), above the {fmt.duration(tgt, 'en')} target "
            f"(Holm-adjusted {fmt.p_value(r['p_holm'], 'en')} over {len(seg)} tests: overall, "
            f"months{', queues' if 'queue' in set(seg['field']) else ''})."
            + (f" Also above: {also_en}." if also_en else "")
            + (f" Hours above target: {', '.join(peaks) or 'none on its own'}." if hourly else "")
            + f" Phone AHT {fmt.duration(dmt_mean, 'en')} ({dmt_en})."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                segment,
                (obs_fr, obs_en),
                "sous-dimensionnement, DMT trop longue ou pics mal gérés",
                "under-staffing, handling time too long, or peaks badly handled",
                {
                    "mean_wait_s": r["value"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "n": r["n"],
                    "p_holm": r["p_holm"],
                    "target_s": tgt,
                    "segments": records(seg),
                    "peak_hours": peaks,
                    "dmt_s": dmt_mean,
                },
                table if table is not None else seg,
                {
                    "x": "hour" if table is not None else "segment",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": tgt,
                    "unit": "s",
                },
            )
        )
    return out


def _seg_label(segment: dict, lang: str) -> str:
    """ "mars 2026" for a month segment, "file X" / "queue X" for a queue."""
    if "period" in segment:
        return fmt.date(pd.Period(segment["period"]).start_time, lang, "month")
    return ("file " if lang == "fr" else "queue ") + str(segment["queue"])


def _where(segment: dict, lang: str) -> str:
    """ " en mars 2026" / " (file X)" for a month or queue segment; "" overall."""
    if "period" in segment:
        return (" en " if lang == "fr" else " in ") + _seg_label(segment, lang)
    if "queue" in segment:
        return f" ({_seg_label(segment, lang)})"
    return ""


# ---------------------------------------------------------------- rule 11


def check_qos_below_nf345(rule, d: RuleData, cfg, settings):
    """Rule 11: handled ÷ presented calls whose Wilson interval is below the NF 345 threshold (score
    test)."""
    c = d.need("contacts", "answered")
    # the engine's population: presented calls with a known outcome (rule 10 reports the others)
    pres = d.presented() & d.phone() & c["answered"].notna().to_numpy()
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    n, k = int(pres.sum()), int((pres & ans).sum())
    require_n(n, cfg, "appels présentés", "presented calls")
    val = 100 * k / n
    lo, hi = wilson(k, n)
    thr = float(cfg["threshold_pct"])
    p = score_test(k, n, thr / 100, "less")
    if not (hi < thr and p < cfg["alpha"]):
        return []
    table = None
    if "started_at" in c.columns:
        month = c["started_at"].dt.to_period("M").astype("str").to_numpy()
        rows = []
        for mth in sorted(pd.unique(month[pres])):
            m = pres & (month == mth)
            kk, nn = int((m & ans).sum()), int(m.sum())
            lo_, hi_ = wilson(kk, nn)
            rows.append(
                {"period": mth, "value": 100 * kk / nn, "ci_low": lo_, "ci_high": hi_, "n": nn}
            )
        table = pd.DataFrame(rows)
    obs_fr = (
        f"Taux de qualité de service (appels traités ÷ présentés) : {fmt.percent(val, 'fr')} "
        f"({fmt.ci_text(lo, hi, '%', 'fr')}, {population_n('qos_rate', n, 'fr')}"
        f"), sous le seuil de "
        f"{fmt.percent(thr, 'fr', 0)} de la norme NF 345 ({fmt.p_value(p, 'fr')})."
    )
    obs_en = (
        f"Quality-of-service rate (handled ÷ presented calls): {fmt.percent(val, 'en')} "
        f"({fmt.ci_text(lo, hi, '%', 'en')}, {population_n('qos_rate', n, 'en')}"
        f"), below the NF 345 threshold of "
        f"{fmt.percent(thr, 'en', 0)} ({fmt.p_value(p, 'en')})."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "le centre est sous le seuil de la norme NF 345",
            "the centre is below the NF 345 threshold",
            {"value": val, "ci_low": lo, "ci_high": hi, "n": n, "threshold": thr, "p": p},
            table,
            {
                "x": "period",
                "y": "value",
                "lo": "ci_low",
                "hi": "ci_high",
                "target": thr,
                "unit": "%",
            },
        )
    ]


# ---------------------------------------------------------------- rule 10


def check_answer_abandon(rule, d: RuleData, cfg, settings):
    """Rule 10: answer rate + abandon rate ≠ 100 % of presented contacts (unknown outcomes, or short
    abandons excluded by the settings)."""
    c = d.need("contacts", "answered")
    pres = d.presented()
    n = int(pres.sum())
    require_n(n, cfg, "contacts présentés", "presented contacts")
    a = c["answered"].astype("boolean")
    ans = int((pres & a.to_numpy(dtype=bool, na_value=False)).sum())
    ab = int((pres & (a == False).to_numpy(dtype=bool, na_value=False)).sum())  # noqa: E712
    unknown = n - ans - ab
    total = 100 * (ans + ab) / n
    short = float(d.param("short_abandon_s", "abandon_rate") or 0)
    short_n = 0
    if short > 0 and "wait_s" in c.columns:
        w = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
        short_n = int(
            (
                pres
                & (a == False).to_numpy(dtype=bool, na_value=False)  # noqa: E712
                & (w < short)
            ).sum()
        )
    gap_pts = 100 - total
    settings_gap = 100 * short_n / n
    if not (
        (abs(gap_pts) >= cfg["tolerance_pts"] and unknown >= cfg["min_count"])
        or (settings_gap >= cfg["tolerance_pts"] and short_n >= cfg["min_count"])
    ):
        return []
    rows = []
    for fld in ("canal", "queue"):
        if fld in c.columns:
            keys = labels(c[fld])
            for key in pd.unique(keys[pres]):
                m = pres & (keys == key)
                unk = int((m & a.isna().to_numpy()).sum())
                rows.append(
                    {
                        "field": fld,
                        "value": key,
                        "presented": int(m.sum()),
                        "unknown": unk,
                        "unknown_pct": 100 * unk / max(m.sum(), 1),
                    }
                )
    table = pd.DataFrame(rows)
    obs_fr = (
        f"Taux de décroché ({fmt.percent(100 * ans / n, 'fr')}) + taux d'abandon "
        f"({fmt.percent(100 * ab / n, 'fr')}) = {fmt.percent(total, 'fr')}, pas 100 % : "
        f"{fmt.integer(unknown, 'fr')} contacts présentés sur {fmt.integer(n, 'fr')} n'ont ni "
        "décroché ni abandon"
        + (
            f" ; et {fmt.integer(short_n, 'fr')} abandons de moins de {fmt.duration(short, 'fr')} "
            "sont exclus par le réglage short_abandon_s"
            if short_n
            else ""
        )
        + "."
    )
    obs_en = (
        f"Answer rate ({fmt.percent(100 * ans / n, 'en')}) + abandon rate "
        f"({fmt.percent(100 * ab / n, 'en')}) = {fmt.percent(total, 'en')}, not 100%: "
        f"{fmt.integer(unknown, 'en')} of {fmt.integer(n, 'en')} presented contacts are neither "
        "answered nor abandoned"
        + (
            f"; and {fmt.integer(short_n, 'en')} abandons under {fmt.duration(short, 'en')} are "
            "excluded by the short_abandon_s setting"
            if short_n
            else ""
        )
        + "."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "débordement, rappels (callback) ou incohérence des données",
            "overflow, callbacks or inconsistent data",
            {
                "presented": n,
                "answered": ans,
                "abandoned": ab,
                "unknown": unknown,
                "sum_pct": total,
                "short_abandons_excluded": short_n,
            },
            table,
            {"x": "value", "y": "unknown_pct", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- own: HNO


def check_hno_share(rule, d: RuleData, cfg, settings):
    """Share of contacts outside opening hours per channel above ``share`` (score test, Holm across
    channels) with at least min_per_week such contacts. Needs timestamps with a time of day and
    opening hours the user confirmed (``kpis.opening_hours.resolve``); with the default hours
    only, the note gives the hours the data suggest."""
    from kpis.definitions.telephony import outside_hours
    from kpis.opening_hours import resolve, suggest_for_contacts

    c = d.need("contacts", "started_at")
    d.require_time_of_day()
    oh = resolve(settings, d.params)
    if not oh.confirmed:
        sug = suggest_for_contacts(d.tables["contacts"])
        seen_fr = f" ; les données suggèrent « {sug['spec']} »" if sug["spec"] else ""
        seen_en = f"; the data suggest '{sug['spec']}'" if sug["spec"] else ""
        raise Undecidable(
            f"heures d'ouverture non confirmées (seules les heures par défaut « {oh.spec} » sont "
            f"connues){seen_fr} : confirmez les heures d'ouverture dans Paramètres",
            f"opening hours not confirmed (only the default '{oh.spec}' is known){seen_en}: "
            "confirm the opening hours in Settings",
            ["settings.opening_hours"],
        )
    hours = oh.spec
    hno = outside_hours(c["started_at"], hours)
    known = c["started_at"].notna().to_numpy()
    require_n(known.sum(), cfg, "contacts datés", "dated contacts")
    keys = labels(c["canal"]) if "canal" in c.columns else np.full(len(c), "tous")
    thr = 100 * float(cfg["share"])
    rows = []
    for key in pd.unique(keys[known]):
        m = known & (keys == key)
        n, k = int(m.sum()), int((m & hno).sum())
        lo, hi = wilson(k, n)
        rows.append(
            {
                "canal": key,
                "hno": k,
                "n": n,
                "value": 100 * k / n,
                "ci_low": lo,
                "ci_high": hi,
                "p": score_test(k, n, thr / 100),
            }
        )
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p"].to_numpy())
    span_weeks = max((c["started_at"].max() - c["started_at"].min()).days / 7, 1)
    table["per_week"] = table["hno"] / span_weeks
    table["flag"] = (
        (table["p_holm"] < cfg["alpha"])
        & (table["n"] >= cfg["min_n"])
        & (table["per_week"] >= cfg["min_per_week"])
    )
    out = []
    hour = c["started_at"].dt.hour.to_numpy()
    for _, r in table[table["flag"]].iterrows():
        m = hno & (keys == r["canal"])
        peak = pd.Series(hour[m]).value_counts().head(3).index.tolist()
        phone = r["canal"] == "telephone"
        lead_fr = (
            "un message de dissuasion (horaires) ou une messagerie vocale"
            if phone
            else "élargir les horaires ou envoyer un accusé de réception automatique"
        )
        lead_en = (
            "a dissuasion message (opening hours) or voicemail"
            if phone
            else "extended hours or an automatic acknowledgement"
        )
        obs_fr = (
            f"Canal {r['canal']} : {fmt.percent(r['value'], 'fr')} des contacts arrivent hors "
            f"heures d'ouverture ({hours}) ({fmt.ci_text(r['ci_low'], r['ci_high'], '%', 'fr')}, "
            f"{fmt.n_text(r['n'], 'fr')}, ≈ {fmt.integer(r['per_week'], 'fr')} par semaine), "
            f"au-delà de {fmt.percent(thr, 'fr', 0)} ({fmt.p_value(r['p_holm'], 'fr')} après "
            f"Holm). Heures les plus chargées : {', '.join(f'{h:02d}h' for h in peak)}."
        )
        obs_en = (
            f"Channel {r['canal']}: {fmt.percent(r['value'], 'en')} of contacts arrive outside "
            f"opening hours ({hours}) ({fmt.ci_text(r['ci_low'], r['ci_high'], '%', 'en')}, "
            f"{fmt.n_text(r['n'], 'en')}, ≈ {fmt.integer(r['per_week'], 'en')} per week), above "
            f"{fmt.percent(thr, 'en', 0)} (Holm-adjusted {fmt.p_value(r['p_holm'], 'en')}). "
            f"Busiest hours: {', '.join(f'{h:02d}h' for h in peak)}."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {"canal": r["canal"]},
                (obs_fr, obs_en),
                f"la part HNO justifie d'envisager {lead_fr}",
                f"the HNO share justifies considering {lead_en}",
                {
                    "opening_hours": hours,
                    "opening_hours_source": oh.source,
                    **{
                        k: r[k]
                        for k in ("hno", "n", "value", "ci_low", "ci_high", "p_holm", "per_week")
                    },
                    "peak_hours": peak,
                },
                table,
                {
                    "x": "canal",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": thr,
                    "highlight": r["canal"],
                    "unit": "%",
                },
            )
        )
    return out
