"""NPS and CSAT read together (seed 001): a segment where the interaction is judged well (CSAT)
but the relationship poorly (NPS), or the other way round."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData, labels
from kpis.rules.model import Undecidable, require_n, welch_p
from kpis.rules.wording import field_label, make_finding, population_n
from kpis.stats import holm


def _csat_satisfied(x: np.ndarray, d: RuleData) -> np.ndarray:
    """Satisfied as the CSAT KPI counts it: ``csat_top_box``, else the top box of the detected
    scale (≥ 4 on 1–5, ≥ 9 on 0–10)."""
    from kpis.definitions.voice_of_customer import CSAT_SCALES, csat_scale

    top = d.param("csat_top_box", "csat")
    if top in (None, ""):
        top = CSAT_SCALES[csat_scale(x, str(d.param("csat_scale", "csat") or "auto"))]
    return np.where(np.isnan(x), np.nan, (x >= float(top)).astype(float))


def check_nps_csat_disagree(rule, d: RuleData, cfg, settings):
    """Per answer: NPS contribution (promoter +1, detractor −1, passive 0) minus CSAT
    contribution (satisfied +1, else −1). Per value of each field of ``segments``: Welch
    two-sided t-test of the mean of that difference in the segment vs the other answers, Holm
    over every value; fires when Holm p < alpha and |gap| ≥ min_gap (NPS below what CSAT says
    when negative, above it when positive)."""
    s = d.need("surveys", "csat_score", "nps_score")
    csat = pd.to_numeric(s["csat_score"], errors="coerce").to_numpy(float)
    nps = pd.to_numeric(s["nps_score"], errors="coerce").to_numpy(float)
    sat = _csat_satisfied(csat, d)
    ok = ~np.isnan(sat) & ~np.isnan(nps)
    require_n(int(ok.sum()), cfg, "réponses avec CSAT et NPS", "answers with CSAT and NPS")
    x = np.where(nps >= 9, 1.0, np.where(nps <= 6, -1.0, 0.0)) - (2 * sat - 1)
    fields = [f for f in cfg["segments"] if f in s.columns]
    if not fields:
        raise Undecidable(
            "il faut un champ de segment dans les enquêtes (" + ", ".join(cfg["segments"]) + ")",
            "needs a segment field in the surveys (" + ", ".join(cfg["segments"]) + ")",
            [f"surveys.{f}" for f in cfg["segments"]],
        )
    rows = []
    for fld in fields:
        keys = labels(s[fld])
        for key in pd.unique(keys[ok]):
            m = ok & (keys == key)
            r = ok & ~m
            if m.sum() < cfg["min_n"] or r.sum() < cfg["min_n"]:
                continue
            a, b = x[m], x[r]
            se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
            gap = a.mean() - b.mean()
            rows.append(
                {
                    "field": fld,
                    "value": str(key),
                    "n": int(m.sum()),
                    "csat": 100 * np.nanmean(sat[m]),
                    "csat_others": 100 * np.nanmean(sat[r]),
                    "nps": 100 * (np.mean(nps[m] >= 9) - np.mean(nps[m] <= 6)),
                    "nps_others": 100 * (np.mean(nps[r] >= 9) - np.mean(nps[r] <= 6)),
                    "gap": 100 * gap,
                    "gap_low": 100 * (gap - 1.96 * se),
                    "gap_high": 100 * (gap + 1.96 * se),
                    "p": welch_p(a, b),
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return []
    table["p_holm"] = holm(table["p"].to_numpy())
    hit = table[(table["p_holm"] < cfg["alpha"]) & (table["gap"].abs() >= 100 * cfg["min_gap"])]
    out = []
    for r in hit.itertuples():
        low_nps = r.gap < 0
        if low_nps:
            lead = (
                "l'échange est jugé correct mais la relation non : le client ne recommande pas",
                "the interaction is judged fine but the relationship is not: the customer would "
                "not recommend",
            )
            action = (
                "regarder au-delà du contact : offre, prix, produit, promesse faite au client.",
                "look beyond the contact: offer, price, product, the promise made to the customer.",
            )
        else:
            lead = (
                "la relation tient mais l'échange déçoit",
                "the relationship holds but the interaction disappoints",
            )
            action = (
                "revoir le traitement du contact lui-même (attente, réponse, suivi).",
                "review the handling of the contact itself (wait, answer, follow-up).",
            )
        obs_fr = (
            f"Sur « {r.value} » ({field_label(r.field, 'fr')}), CSAT "
            f"{fmt.percent(r.csat, 'fr')} de satisfaits "
            f"(autres {fmt.percent(r.csat_others, 'fr')}) mais NPS {fmt.number(r.nps, 'fr', 0)} "
            f"(autres {fmt.number(r.nps_others, 'fr', 0)}) : le NPS est "
            f"{'plus bas' if low_nps else 'plus haut'} que ce que le CSAT laisse attendre, écart "
            f"{fmt.number(r.gap, 'fr', 0)} points "
            f"({fmt.ci_text(r.gap_low, r.gap_high, 'points', 'fr')}, "
            f"{population_n('nps', r.n, 'fr')}, {fmt.p_value(r.p_holm, 'fr')} après Holm sur "
            f"{len(table)} segments)."
        )
        obs_en = (
            f"On '{r.value}' ({field_label(r.field, 'en')}), CSAT "
            f"{fmt.percent(r.csat, 'en')} satisfied (others "
            f"{fmt.percent(r.csat_others, 'en')}) but NPS {fmt.number(r.nps, 'en', 0)} (others "
            f"{fmt.number(r.nps_others, 'en', 0)}): NPS is {'lower' if low_nps else 'higher'} "
            f"than CSAT suggests, gap {fmt.number(r.gap, 'en', 0)} points "
            f"({fmt.ci_text(r.gap_low, r.gap_high, 'points', 'en')}, "
            f"{population_n('nps', r.n, 'en')}, Holm-adjusted {fmt.p_value(r.p_holm, 'en')} "
            f"over {len(table)} segments)."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {r.field: r.value},
                (obs_fr, obs_en),
                *lead,
                {
                    "csat": r.csat,
                    "csat_others": r.csat_others,
                    "nps": r.nps,
                    "nps_others": r.nps_others,
                    "gap_pts": r.gap,
                    "gap_ci": [r.gap_low, r.gap_high],
                    "n": r.n,
                    "p_holm": r.p_holm,
                },
                table,
                {
                    "x": "value",
                    "y": "gap",
                    "lo": "gap_low",
                    "hi": "gap_high",
                    "target": 0.0,
                    "highlight": r.value,
                },
                action=action,
            )
        )
    return out


# ---------------------------------------------------------------- interactions per demand


def demands(c: pd.DataFrame, window_days: float) -> pd.DataFrame:
    """One row per demand: a customer's contacts on one motif chained while each follows the
    previous one within ``window_days``; columns customer, motif, start, contacts (≥ 1)."""
    sub = c.loc[c["customer_id"].notna() & c["motif"].notna(), ["customer_id", "motif"]].copy()
    sub["customer_id"] = sub["customer_id"].astype(str)
    sub["motif"] = sub["motif"].astype(str)
    sub["t"] = c.loc[sub.index, "started_at"]
    sub = sub.sort_values(["customer_id", "motif", "t"], kind="stable")
    same = (sub["customer_id"] == sub["customer_id"].shift()) & (
        sub["motif"] == sub["motif"].shift()
    )
    gap = (sub["t"] - sub["t"].shift()) / pd.Timedelta(days=1)
    new = ~(same & (gap <= window_days))
    sub["demand"] = new.cumsum()
    return sub.groupby("demand").agg(
        customer=("customer_id", "first"),
        motif=("motif", "first"),
        start=("t", "first"),
        contacts=("t", "size"),
    )


def check_interactions_to_close(rule, d: RuleData, cfg, settings):
    """Contacts per demand (a customer's contacts on one motif, each within window_days of the
    previous) by motif: Welch one-sided t-test of the mean vs the other motifs' demands, Holm
    over motifs; fires when Holm p < alpha and the mean ≥ min_ratio × the others'. Demands whose
    window runs past the data's last contact are left out (they may not be closed)."""
    c = d.need("contacts", "customer_id", "started_at", "motif")
    win = float(cfg["window_days"])
    dm = demands(c, win)
    last = c["started_at"].max()
    dm = dm[dm["start"] + pd.Timedelta(days=win) * dm["contacts"] <= last]
    require_n(len(dm), cfg, "demandes avec client et motif", "demands with customer and motif")
    rows = []
    for m, g in dm.groupby("motif"):
        a = g["contacts"].to_numpy(float)
        b = dm.loc[dm["motif"] != m, "contacts"].to_numpy(float)
        if len(a) < cfg["min_n"] or len(b) < cfg["min_n"]:
            continue
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        rows.append(
            {
                "motif": m,
                "per_demand": a.mean(),
                "others": b.mean(),
                "ratio": a.mean() / b.mean(),
                "gap_low": a.mean() - b.mean() - 1.96 * se,
                "gap_high": a.mean() - b.mean() + 1.96 * se,
                "demands": len(a),
                "p": welch_p(a, b, "greater"),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return []
    table["p_holm"] = holm(table["p"].to_numpy())
    table = table.sort_values("per_demand", ascending=False).reset_index(drop=True)
    hit = table[(table["p_holm"] < cfg["alpha"]) & (table["ratio"] >= float(cfg["min_ratio"]))]
    out = []
    for r in hit.itertuples():
        gap = r.per_demand - r.others
        obs_fr = (
            f"Une demande « {r.motif} » nécessite en moyenne {fmt.number(r.per_demand, 'fr', 2)} "
            f"contacts contre {fmt.number(r.others, 'fr', 2)} pour les autres motifs "
            f"(×{fmt.number(r.ratio, 'fr', 2)}, écart {fmt.number(gap, 'fr', 2)}, "
            f"{fmt.ci_text(r.gap_low, r.gap_high, '', 'fr')}, {fmt.integer(r.demands, 'fr')} "
            f"demandes, {fmt.p_value(r.p_holm, 'fr')} après Holm sur {len(table)} motifs)."
        )
        obs_en = (
            f"A '{r.motif}' demand takes {fmt.number(r.per_demand, 'en', 2)} contacts on average "
            f"vs {fmt.number(r.others, 'en', 2)} for the other motifs "
            f"(×{fmt.number(r.ratio, 'en', 2)}, gap {fmt.number(gap, 'en', 2)}, "
            f"{fmt.ci_text(r.gap_low, r.gap_high, '', 'en')}, {fmt.integer(r.demands, 'en')} "
            "demands, Holm-adjusted "
            f"{fmt.p_value(r.p_holm, 'en')} over {len(table)} motifs)."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {"motif": r.motif},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "per_demand": r.per_demand,
                    "others": r.others,
                    "ratio": r.ratio,
                    "demands": r.demands,
                    "p_holm": r.p_holm,
                },
                table,
                {"x": "motif", "y": "per_demand", "highlight": r.motif, "unit": ""},
            )
        )
    return out
