"""Satisfaction rules: survey sample too small (rule 9), score moved after a dated event (rule
13), declared FCR vs survey FCR, scores moving opposite to FCR."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData
from kpis.rules.model import Undecidable, records, require_n
from kpis.rules.wording import label, make_finding
from kpis.stats import Z95, dist, holm, paired_gap, wls_slope

# ---------------------------------------------------------------- rule 9


def _score(field: str, lang: str) -> str:
    """A score's label in a sentence (« Note d'effort (CES) »), not its field id."""
    from kpis.labels import field_label

    return field_label(field, lang) or field


def check_survey_sample_small(rule, d: RuleData, cfg, settings):
    """Rule 9: a score (overall or per month) with fewer answers than min_n."""
    s = d.table("surveys")
    scores = [
        x for x in ("csat_score", "nps_score", "ces_score") if s is not None and x in s.columns
    ]
    if not scores:
        raise Undecidable(
            "il faut une table d'enquêtes avec une note (CSAT, NPS ou CES)",
            "needs a survey table with a score (CSAT, NPS or CES)",
            ["surveys.csat_score", "surveys.nps_score", "surveys.ces_score"],
        )
    min_n = int(cfg["min_n"])
    rows = []
    for sc in scores:
        known = s[sc].notna()
        rows.append({"score": sc, "segment": "Ensemble", "n": int(known.sum())})
        if "answered_at" in s.columns:
            month = s["answered_at"].dt.to_period("M").astype("str")
            for mth, n in month[known].value_counts().sort_index().items():
                rows.append({"score": sc, "segment": mth, "n": int(n)})
    table = pd.DataFrame(rows)
    table["low"] = table["n"] < min_n
    low = table[table["low"]]
    if low.empty:
        return []
    comments = int(s["comment"].notna().sum()) if "comment" in s.columns else 0
    overall_low = low[low["segment"] == "Ensemble"]
    if len(overall_low):
        seg = {}
        what_fr, what_en = (
            ", ".join(
                f"{_score(r.score, lang)} {fmt.n_text(r.n, lang)}" for r in overall_low.itertuples()
            )
            for lang in ("fr", "en")
        )
        months = []
    else:
        months = sorted(low["segment"].unique().tolist())
        seg = {"period": months}
        what_fr, what_en = (
            ", ".join(
                f"{r.segment} ({_score(r.score, lang)}, {fmt.n_text(r.n, lang)})"
                for r in low.itertuples()
            )
            for lang in ("fr", "en")
        )
    obs_fr = (
        f"Trop peu de réponses pour conclure (minimum {fmt.integer(min_n, 'fr')}) : {what_fr}. "
        f"{fmt.integer(comments, 'fr')} verbatims disponibles."
    )
    obs_en = (
        f"Too few answers to conclude (minimum {fmt.integer(min_n, 'en')}): {what_en}. "
        f"{fmt.integer(comments, 'en')} open comments available."
    )
    return [
        make_finding(
            rule,
            cfg,
            seg,
            (obs_fr, obs_en),
            "ces scores ne sont pas significatifs : à lire avec leurs verbatims",
            "these scores are not significant: read them with their verbatims",
            {"min_n": min_n, "low": records(low), "comments": comments, "months": months},
            table,
            {"x": "segment", "y": "n", "target": min_n, "unit": "count"},
        )
    ]


# ---------------------------------------------------------------- rule 13


def _score_stats(s: pd.DataFrame, kpi: str, top: float | None = None):
    if kpi == "nps":
        x = s["nps_score"].dropna().to_numpy(float)
        n = len(x)
        if not n:
            return math.nan, math.nan, 0
        pro, det = (x >= 9).mean(), (x <= 6).mean()
        return 100 * (pro - det), 1e4 * (pro + det - (pro - det) ** 2) / n, n
    x = s["csat_score"].dropna().to_numpy(float)
    n = len(x)
    if not n:
        return math.nan, math.nan, 0
    p = (x >= top).mean()
    return 100 * p, 1e4 * p * (1 - p) / n, n


def _events(settings, cfg) -> list[dict]:
    ev = list(settings.get("events") or [])
    if cfg.get("event_date"):
        ev.append(
            {
                "date": cfg["event_date"],
                "motif": cfg.get("event_motif") or None,
                "label": cfg.get("event_label") or "",
            }
        )
    return ev


def check_score_after_event(rule, d: RuleData, cfg, settings):
    """Rule 13: NPS/CSAT change across a dated event (difference-in-differences against the other
    motifs when a motif is given; z-test, Holm over events × scores)."""
    events = _events(settings, cfg)
    if not events:
        raise Undecidable(
            "indiquez la date (et le motif) d'une formation ou d'un changement dans les "
            "réglages (event_date, event_motif) pour comparer avant / après",
            "give the date (and motif) of a training or change in the settings (event_date, "
            "event_motif) to compare before / after",
            ["settings.event_date"],
        )
    s = d.need("surveys", "answered_at")
    kpis = [k for k, col in (("nps", "nps_score"), ("csat", "csat_score")) if col in s.columns]
    if not kpis:
        raise Undecidable(
            "il faut surveys.nps_score ou surveys.csat_score",
            "needs surveys.nps_score or surveys.csat_score",
            ["surveys.nps_score"],
        )
    top = None
    if "csat" in kpis:
        from kpis.definitions.voice_of_customer import CSAT_SCALES, csat_scale

        top = CSAT_SCALES[csat_scale(s["csat_score"].to_numpy(float, na_value=np.nan))]
    win = pd.Timedelta(days=int(cfg["window_days"]))
    tests = []
    for ev in events:
        t0 = pd.Timestamp(ev["date"])
        motif = ev.get("motif")
        near = (s["answered_at"] >= t0 - win) & (s["answered_at"] < t0 + win)
        after = s["answered_at"] >= t0
        if motif:
            if "motif" not in s.columns:
                raise Undecidable("il faut surveys.motif", "needs surveys.motif", ["surveys.motif"])
            inm = s["motif"].astype("str") == str(motif)
        else:
            inm = pd.Series(True, index=s.index)
        for kpi in kpis:
            vb, varb, nb = _score_stats(s[near & ~after & inm], kpi, top)
            va, vara, na = _score_stats(s[near & after & inm], kpi, top)
            if min(nb, na) < cfg["min_n"]:
                continue
            diff, var = va - vb, vara + varb
            ob = oa = math.nan
            if motif:
                ob, varob, nob = _score_stats(s[near & ~after & ~inm], kpi, top)
                oa, varoa, noa = _score_stats(s[near & after & ~inm], kpi, top)
                if min(nob, noa) >= cfg["min_n"]:
                    diff -= oa - ob
                    var += varob + varoa
            se = math.sqrt(var)
            z = diff / se if se > 0 else 0.0
            tests.append(
                {
                    "date": t0,
                    "motif": motif,
                    "label": ev.get("label", ""),
                    "kpi": kpi,
                    "before": vb,
                    "after": va,
                    "n_before": nb,
                    "n_after": na,
                    "others_before": ob,
                    "others_after": oa,
                    "did": diff,
                    "ci_low": diff - Z95 * se,
                    "ci_high": diff + Z95 * se,
                    "p": float(2 * dist.norm_sf(abs(z))),
                }
            )
    if not tests:
        raise Undecidable(
            f"moins de {fmt.integer(cfg['min_n'], 'fr')} réponses avant ou après la date",
            f"fewer than {fmt.integer(cfg['min_n'], 'en')} answers before or after the date",
        )
    table = pd.DataFrame(tests)
    table["indicateur"] = table["kpi"].str.upper()  # NPS / CSAT: the chart's bars, not an id
    table["p_holm"] = holm(table["p"].to_numpy())
    min_change = {"nps": cfg["min_change_nps"], "csat": cfg["min_change_csat"]}
    table["flag"] = (table["p_holm"] < cfg["alpha"]) & (
        table["did"].abs() >= table["kpi"].map(min_change)
    )
    out = []
    for _, r in table[table["flag"]].iterrows():
        name = "NPS" if r["kpi"] == "nps" else "CSAT"
        where_fr = f"sur le motif « {r['motif']} »" if r["motif"] else "sur l'ensemble"
        where_en = f"on motif '{r['motif']}'" if r["motif"] else "overall"
        others_fr = (
            f" (autres motifs : {fmt.number(r['others_before'], 'fr', 0)} → "
            f"{fmt.number(r['others_after'], 'fr', 0)})"
            if r["motif"] and math.isfinite(r["others_before"])
            else ""
        )
        others_en = (
            f" (other motifs: {fmt.number(r['others_before'], 'en', 0)} → "
            f"{fmt.number(r['others_after'], 'en', 0)})"
            if r["motif"] and math.isfinite(r["others_before"])
            else ""
        )
        sign_fr = "monté" if r["did"] > 0 else "baissé"
        sign_en = "rose" if r["did"] > 0 else "fell"
        obs_fr = (
            f"Le {name} {where_fr} a {sign_fr} autour du "
            f"{label(r['date'], 'fr')}{' (' + r['label'] + ')' if r['label'] else ''} : "
            f"{fmt.number(r['before'], 'fr', 0)} avant ({fmt.n_text(r['n_before'], 'fr')}) → "
            f"{fmt.number(r['after'], 'fr', 0)} après "
            f"({fmt.n_text(r['n_after'], 'fr')}){others_fr} ; écart net "
            f"{fmt.diff(r['did'], 'points', 'fr')} "
            f"({fmt.ci_text(r['ci_low'], r['ci_high'], 'points', 'fr')}, "
            f"{fmt.p_value(r['p_holm'], 'fr')} après Holm)."
        )
        obs_en = (
            f"{name} {where_en} {sign_en} around "
            f"{label(r['date'], 'en')}{' (' + r['label'] + ')' if r['label'] else ''}: "
            f"{fmt.number(r['before'], 'en', 0)} before ({fmt.n_text(r['n_before'], 'en')}) → "
            f"{fmt.number(r['after'], 'en', 0)} after "
            f"({fmt.n_text(r['n_after'], 'en')}){others_en}; net change "
            f"{fmt.diff(r['did'], 'points', 'en')} "
            f"({fmt.ci_text(r['ci_low'], r['ci_high'], 'points', 'en')}, Holm-adjusted "
            f"{fmt.p_value(r['p_holm'], 'en')})."
        )
        seg = {"motif": r["motif"]} if r["motif"] else {}
        out.append(
            make_finding(
                rule,
                cfg,
                seg,
                (obs_fr, obs_en),
                "le score a bougé après l'événement daté (formation sur un point précis…)",
                "the score moved after the dated event (training on a precise point…)",
                {k: (v.isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()},
                table,
                {
                    "x": "indicateur",
                    "y": "did",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": 0.0,
                    "unit": "pts",
                },
            )
        )
    return out


# ---------------------------------------------------------------- own: declared vs survey FCR


def check_fcr_declared_vs_survey(rule, d: RuleData, cfg, settings):
    """Declared FCR vs the customer's answer on the same contacts (paired gap, McNemar)."""
    c = d.need("contacts", "contact_id", "resolved_first_contact")
    s = d.need("surveys", "contact_id", "resolved_declared")
    look = c[["contact_id", "resolved_first_contact"]].dropna().drop_duplicates("contact_id")
    j = s[["contact_id", "resolved_declared"]].dropna().merge(look, on="contact_id")
    require_n(
        len(j),
        cfg,
        "réponses reliées à un contact avec FCR déclaré",
        "answers linked to a contact with declared FCR",
    )
    g = paired_gap(
        j["resolved_first_contact"].astype(bool).to_numpy(),
        j["resolved_declared"].astype(bool).to_numpy(),
    )
    if not (
        g["p"] < cfg["alpha"]
        and abs(g["gap"]) >= cfg["min_gap_pts"]
        and (g["ci_low"] > 0 or g["ci_high"] < 0)
    ):
        return []
    table = pd.DataFrame(
        {
            "measure": ["declared", "survey"],
            "value": [g["a_pct"], g["b_pct"]],
            "n": [g["n"], g["n"]],
        }
    )
    obs_fr = (
        f"Sur {fmt.integer(g['n'], 'fr')} contacts enquêtés, les conseillers déclarent "
        f"{fmt.percent(g['a_pct'], 'fr')} de résolution au premier contact, les clients "
        f"{fmt.percent(g['b_pct'], 'fr')} : écart {fmt.diff(g['gap'], '%', 'fr')} "
        f"({fmt.ci_text(g['ci_low'], g['ci_high'], 'points', 'fr')}, McNemar "
        f"{fmt.p_value(g['p'], 'fr')})."
    )
    obs_en = (
        f"On {fmt.integer(g['n'], 'en')} surveyed contacts, agents declare "
        f"{fmt.percent(g['a_pct'], 'en')} first-contact resolution, customers "
        f"{fmt.percent(g['b_pct'], 'en')}: gap {fmt.diff(g['gap'], '%', 'en')} "
        f"({fmt.ci_text(g['ci_low'], g['ci_high'], 'points', 'en')}, McNemar "
        f"{fmt.p_value(g['p'], 'en')})."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "la résolution déclarée et la résolution ressentie divergent",
            "declared and perceived resolution disagree",
            {"paired": g},
            table,
            {"x": "measure", "y": "value", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- own: scores opposite FCR


def check_scores_opposite_fcr(rule, d: RuleData, cfg, settings):
    """FCR's weekly slope significant and a score's slope of opposite sign (WLS slopes, Holm over
    CSAT, NPS)."""
    fcr_kpi = str(cfg["fcr_kpi"])
    f = d.weekly(fcr_kpi)
    if len(f) < cfg["min_weeks"]:
        raise Undecidable(
            f"{len(f)} semaines complètes de FCR, il en faut {cfg['min_weeks']}",
            f"{len(f)} complete weeks of FCR, {cfg['min_weeks']} needed",
        )
    fs = wls_slope(np.arange(len(f), dtype=float), f["value"], f["n"])
    tests, series = [], []
    for kpi in ("csat", "nps"):
        try:
            r = d.kpi(kpi, period="week")
        except Undecidable:
            continue
        r = r[r["period"].isin(f["period"]) & r["value"].notna() & (r["n"] >= 5)]
        if len(r) < cfg["min_weeks"]:
            continue
        x = np.searchsorted(f["period"].to_numpy(), r["period"].to_numpy()).astype(float)
        ss = wls_slope(x, r["value"], r["n"])
        tests.append(
            {"kpi": kpi, **{k: ss[k] for k in ("slope", "ci_low", "ci_high", "p")}, "weeks": len(r)}
        )
        series.append(r[["period", "value", "n"]].assign(kpi=kpi))
    if not tests:
        raise Undecidable(
            f"il faut des notes CSAT ou NPS sur au moins {cfg['min_weeks']} semaines",
            f"needs CSAT or NPS scores over at least {cfg['min_weeks']} weeks",
            ["surveys.csat_score", "surveys.nps_score"],
        )
    t = pd.DataFrame(tests)
    t["p_holm"] = holm(t["p"].to_numpy())
    fcr_sig = fs["ci_low"] > 0 or fs["ci_high"] < 0
    opp = np.sign(t["slope"]) != np.sign(fs["slope"])
    t["flag"] = fcr_sig & opp & (t["p_holm"] < cfg["alpha"])
    if not t["flag"].any():
        return []
    r = t[t["flag"]].sort_values("p_holm").iloc[0]
    name = r["kpi"].upper()
    from kpis.definitions import REGISTRY

    fcr_fr, fcr_en = (REGISTRY.get(fcr_kpi).name(lang).split(" (")[0] for lang in ("fr", "en"))
    table = pd.concat([f[["period", "value", "n"]].assign(kpi=fcr_kpi), *series])
    obs_fr = (
        f"Sur {len(f)} semaines, le {fcr_fr} évolue de {fmt.number(fs['slope'], 'fr', 2)} "
        f"pt/semaine ({fmt.ci_text(fs['ci_low'], fs['ci_high'], '', 'fr')}) tandis que le {name} "
        f"évolue en sens inverse : {fmt.number(r['slope'], 'fr', 2)} pt/semaine "
        f"({fmt.ci_text(r['ci_low'], r['ci_high'], '', 'fr')}, {fmt.p_value(r['p_holm'], 'fr')} "
        "après Holm)."
    )
    obs_en = (
        f"Over {len(f)} weeks, {fcr_en} moves by {fmt.number(fs['slope'], 'en', 2)} pt/week "
        f"({fmt.ci_text(fs['ci_low'], fs['ci_high'], '', 'en')}) while {name} moves the opposite "
        f"way: {fmt.number(r['slope'], 'en', 2)} pt/week "
        f"({fmt.ci_text(r['ci_low'], r['ci_high'], '', 'en')}, Holm-adjusted "
        f"{fmt.p_value(r['p_holm'], 'en')})."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "la résolution déclarée ne se traduit pas dans le ressenti client (clôtures "
            "trop rapides, ou population enquêtée qui change)",
            "declared resolution does not show in what customers feel (closing too fast, or a "
            "changing surveyed population)",
            {"fcr_slope": fs, "scores": records(t)},
            table,
            {"x": "period", "y": "value", "color": "kpi", "unit": "%"},
        )
    ]
