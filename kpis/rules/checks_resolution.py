"""Resolution rules: FCR vs recontact trend (rule 1), recontact by motif (rule 2), recontact
following volume (rule 3), declared FCR above measured FCR (rule 4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData, labels
from kpis.rules.model import Undecidable, records, require_n
from kpis.rules.wording import label, make_finding, population_n
from kpis.stats import (
    chi2_heterogeneity,
    dist,
    holm,
    paired_gap,
    partial_corr,
    two_proportions,
    wls_slope,
)
from kpis.targets import target_info

# ---------------------------------------------------------------- rule 1


def _fcr_target(tg, lang: str) -> str:
    if not tg.judged:
        return "pas de cible" if lang == "fr" else "no target"
    return ("objectif " if lang == "fr" else "target ") + fmt.percent(tg.value, lang, 0)


def check_fcr_ok_recontact_rising(rule, d: RuleData, cfg, settings):
    """Rule 1: weekly recontact slope (WLS) > 0, a material rise, declared FCR still good."""
    rec = d.weekly("recontact_rate_contacts")
    fcr = d.weekly("fcr")
    weeks = int(cfg["trend_weeks"])
    rec = rec.tail(weeks).reset_index(drop=True)
    if len(rec) < cfg["min_weeks"]:
        raise Undecidable(
            f"{len(rec)} semaines complètes de recontact, il en faut {cfg['min_weeks']}",
            f"{len(rec)} complete weeks of recontact, {cfg['min_weeks']} needed",
        )
    x = np.arange(len(rec), dtype=float)
    s = wls_slope(x, rec["value"], rec["n"])
    rise = s["slope"] * (len(rec) - 1)
    fcr_w = fcr[fcr["period"].isin(rec["period"])]
    fk, fn = fcr_w["numerator"].sum(), fcr_w["denominator"].sum()
    require_n(fn, cfg, "FCR déclaré", "declared FCR")
    fval = 100 * fk / fn
    tg = target_info(settings, "fcr")
    tgt = float(tg.value) if tg.judged else math.nan  # a sourceless target judges nothing
    fs = (
        wls_slope(np.arange(len(fcr_w), dtype=float), fcr_w["value"], fcr_w["n"])
        if len(fcr_w) >= 3
        else {"ci_low": math.nan, "ci_high": math.nan, "slope": math.nan}
    )
    fcr_good = (tg.judged and fval >= tgt) or not (fs["ci_high"] < 0)
    fires = s["ci_low"] > 0 and rise >= cfg["min_rise_pts"] and fcr_good
    if not fires:
        return []
    table = pd.DataFrame(
        {
            "period": rec["period"],
            "recontact": rec["value"],
            "ci_low": rec["ci_low"],
            "ci_high": rec["ci_high"],
            "n": rec["n"],
            "fit": s["intercept"] + s["slope"] * x,
        }
    ).merge(fcr_w[["period", "value"]].rename(columns={"value": "fcr"}), on="period", how="left")
    f0, f1 = rec["period"].iloc[0], rec["period"].iloc[-1]
    on_target = tg.judged and fval >= tgt
    good_fr = "reste bon" if on_target else "ne baisse pas"
    good_en = "stays good" if on_target else "does not fall"
    obs_fr = (
        f"Sur les {len(rec)} dernières semaines ({label(f0, 'fr')} → {label(f1, 'fr')}), le taux "
        f"de recontact monte de {fmt.number(s['slope'], 'fr', 2)} pt par semaine "
        f"({fmt.ci_text(s['ci_low'], s['ci_high'], '', 'fr')}, {fmt.p_value(s['p'], 'fr')}), soit "
        f"{fmt.diff(rise, '%', 'fr')}, alors que le FCR déclaré {good_fr} : "
        f"{fmt.percent(fval, 'fr')} ({population_n('fcr', fn, 'fr')}, {_fcr_target(tg, 'fr')})."
    )
    obs_en = (
        f"Over the last {len(rec)} weeks ({label(f0, 'en')} → {label(f1, 'en')}), the recontact "
        f"rate rises by {fmt.number(s['slope'], 'en', 2)} pt per week "
        f"({fmt.ci_text(s['ci_low'], s['ci_high'], '', 'en')}, {fmt.p_value(s['p'], 'en')}), "
        f"{fmt.diff(rise, '%', 'en')} in all, while declared FCR {good_en}: "
        f"{fmt.percent(fval, 'en')} ({population_n('fcr', fn, 'en')}, {_fcr_target(tg, 'en')})."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "les conseillers ferment peut-être trop vite, sans s'assurer que la promesse est tenue "
            "(remboursement lancé, colis renvoyé)",
            "agents may close too fast without making sure the promise is kept (refund launched, "
            "parcel re-sent)",
            {
                "recontact_slope_pts_per_week": s,
                "recontact_rise_pts": rise,
                "fcr": fval,
                "fcr_n": fn,
                "fcr_target": tgt if tg.judged else None,
                "fcr_target_source": tg.source,
                "fcr_slope": fs,
                "weeks": len(rec),
            },
            table,
            {
                "x": "period",
                "y": "recontact",
                "lo": "ci_low",
                "hi": "ci_high",
                "fit": "fit",
                "unit": "%",
            },
        )
    ]


# ---------------------------------------------------------------- rule 2


def check_recontact_by_motif(rule, d: RuleData, cfg, settings):
    """Rule 2: chi-square gate across motifs, then each motif vs the rest (z-test, Holm) with rate ≥
    min_ratio × the rest."""
    d.need("contacts", "motif", "customer_id", "started_at")
    # recontact after an answered contact (100 − measured FCR): call-backs after abandons are
    # a queue matter, read by the wait rules, not a hole in a motif's procedure
    r = d.kpi("fcr_measured", by=["motif"])
    r = r[r["motif"].notna() & (r["denominator"] > 0)].reset_index(drop=True)
    r["numerator"] = r["denominator"] - r["numerator"]
    r["value"] = 100.0 - r["value"]
    r["ci_low"], r["ci_high"] = 100.0 - r["ci_high"], 100.0 - r["ci_low"]
    if len(r) < 2:
        raise Undecidable("il faut au moins deux motifs renseignés", "needs at least two motifs")
    require_n(r["denominator"].sum(), cfg, "contacts éligibles", "eligible contacts")
    het = chi2_heterogeneity(
        r["numerator"], r["denominator"], r["motif"].astype(str), cfg["min_expected"]
    )
    k_all, n_all = r["numerator"].sum(), r["denominator"].sum()
    rows = []
    for _, row in r.iterrows():
        k, n = row["numerator"], row["denominator"]
        if n < cfg["min_n"] or n_all - n <= 0:
            continue
        tp = two_proportions(k, n, k_all - k, n_all - n)
        rest = 100 * (k_all - k) / (n_all - n)
        rows.append(
            {
                "motif": str(row["motif"]),
                "value": row["value"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "n": n,
                "rest": rest,
                "ratio": row["value"] / rest if rest > 0 else math.inf,
                "p": tp["p_greater"],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        raise Undecidable(
            f"aucun motif n'atteint {cfg['min_n']} contacts éligibles",
            f"no motif reaches {cfg['min_n']} eligible contacts",
        )
    table["p_holm"] = holm(table["p"])
    table["flag"] = (table["p_holm"] < cfg["alpha"]) & (table["ratio"] >= cfg["min_ratio"])
    table = table.sort_values("value", ascending=False).reset_index(drop=True)
    if not (het["p"] < cfg["alpha"]) or not table["flag"].any():
        return []
    out = []
    overall = 100 * k_all / n_all
    for _, row in table[table["flag"]].iterrows():
        m = row["motif"]
        obs_fr = (
            "Le recontact après un contact décroché (100 − FCR mesuré, pas le taux de recontact "
            "par client du tableau des indicateurs) varie fortement selon le motif "
            f"(χ² = {fmt.number(het['chi2'], 'fr')}, "
            f"ddl = {het['df']}, {fmt.p_value(het['p'], 'fr')}) : « {m} » est à "
            f"{fmt.percent(row['value'], 'fr')} "
            f"({fmt.ci_text(row['ci_low'], row['ci_high'], '%', 'fr')}, "
            f"{fmt.n_text(row['n'], 'fr')}) contre {fmt.percent(row['rest'], 'fr')} pour les "
            f"autres motifs (×{fmt.number(row['ratio'], 'fr', 2)}, "
            f"{fmt.p_value(row['p_holm'], 'fr')} après Holm)."
        )
        obs_en = (
            "Recontact after an answered contact (100 − measured FCR, not the per-customer "
            "recontact rate of the KPI table) varies strongly by motif "
            f"(χ² = {fmt.number(het['chi2'], 'en')}, df = "
            f"{het['df']}, {fmt.p_value(het['p'], 'en')}): '{m}' is at "
            f"{fmt.percent(row['value'], 'en')} "
            f"({fmt.ci_text(row['ci_low'], row['ci_high'], '%', 'en')}, "
            f"{fmt.n_text(row['n'], 'en')}) vs {fmt.percent(row['rest'], 'en')} for the other "
            f"motifs (×{fmt.number(row['ratio'], 'en', 2)}, Holm-adjusted "
            f"{fmt.p_value(row['p_holm'], 'en')})."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {"motif": m},
                (obs_fr, obs_en),
                f"trou probable dans la procédure du motif « {m} » (ex. l'information donnée est "
                "juste mais le back-office n'exécute pas à temps)",
                f"probable gap in the procedure of motif '{m}' (e.g. the agent's information is "
                "right but the back office is late)",
                {
                    "heterogeneity": het,
                    "motif": row.to_dict(),
                    "overall": overall,
                    "definition": "100 − fcr_measured (recontact after an answered contact)",
                },
                table,
                {
                    "x": "motif",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": overall,
                    "highlight": m,
                    "unit": "%",
                },
            )
        )
    return out


# ---------------------------------------------------------------- rule 3


def check_recontact_follows_volume(rule, d: RuleData, cfg, settings):
    """Rule 3: detrended correlation of weekly recontact with volume at lags 0..max_lag_weeks (one-
    sided Fisher z, Holm over lags)."""
    # recontact after an *answered* contact (100 − measured FCR): call-backs after abandons
    # follow the queue, which the wait rules read; here we look for resolution failures
    rec = d.weekly("fcr_measured")
    rec = rec.assign(value=100.0 - rec["value"])
    vol = d.kpi("volume", period="week")
    vol = vol[vol["period"].isin(rec["period"])][["period", "value"]].rename(
        columns={"value": "volume"}
    )
    w = rec[["period", "value", "n"]].merge(vol, on="period").sort_values("period")
    w = w.reset_index(drop=True)
    max_lag = int(cfg["max_lag_weeks"])
    if len(w) < cfg["min_weeks"] + max_lag:
        raise Undecidable(
            f"{len(w)} semaines complètes, il en faut {cfg['min_weeks'] + max_lag}",
            f"{len(w)} complete weeks, {cfg['min_weeks'] + max_lag} needed",
        )
    lags = []
    for lag in range(max_lag + 1):
        x = w["volume"].to_numpy(float)[: len(w) - lag]
        y = w["value"].to_numpy(float)[lag:]
        c = partial_corr(x, y)
        c["p_one_sided"] = float(
            dist.norm_sf(math.atanh(max(min(c["r"], 0.999999), -0.999999)) * math.sqrt(c["m"] - 4))
        )
        lags.append({"lag": lag, **c})
    lt = pd.DataFrame(lags)
    lt["p_holm"] = holm(lt["p_one_sided"])
    best = lt.sort_values("p_holm").iloc[0]
    cv = w["volume"].std() / w["volume"].mean()
    if not (best["p_holm"] < cfg["alpha"] and best["r"] >= cfg["min_r"] and cv >= cfg["min_cv"]):
        return []
    lag = int(best["lag"])
    table = w.rename(columns={"value": "recontact"})
    obs_fr = (
        f"Semaine après semaine ({len(w)} semaines), le taux de recontact suit le volume "
        f"{'de la même semaine' if lag == 0 else f'avec {lag} semaine(s) de décalage'} : r = "
        f"{fmt.number(best['r'], 'fr', 2)} "
        f"({fmt.ci_text(best['ci_low'], best['ci_high'], '', 'fr')}, tendances retirées, "
        f"{fmt.p_value(best['p_holm'], 'fr')} après Holm sur {max_lag + 1} décalages). Volume "
        f"hebdomadaire de {fmt.integer(w['volume'].min(), 'fr')} à "
        f"{fmt.integer(w['volume'].max(), 'fr')} contacts, recontact de "
        f"{fmt.percent(w['value'].min(), 'fr')} à {fmt.percent(w['value'].max(), 'fr')}."
    )
    obs_en = (
        f"Week by week ({len(w)} weeks), the recontact rate follows volume "
        f"{'in the same week' if lag == 0 else f'with a {lag}-week lag'}: r = "
        f"{fmt.number(best['r'], 'en', 2)} "
        f"({fmt.ci_text(best['ci_low'], best['ci_high'], '', 'en')}, trends removed, Holm-adjusted "
        f"{fmt.p_value(best['p_holm'], 'en')} over {max_lag + 1} lags). Weekly volume "
        f"{fmt.integer(w['volume'].min(), 'en')}–{fmt.integer(w['volume'].max(), 'en')} contacts, "
        f"recontact {fmt.percent(w['value'].min(), 'en')}–{fmt.percent(w['value'].max(), 'en')}."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "surcharge ou fatigue des équipes lors des montées en charge",
            "overload or team fatigue when volume rises",
            {
                "lags": records(lt),
                "best_lag": lag,
                "r": best["r"],
                "ci_low": best["ci_low"],
                "ci_high": best["ci_high"],
                "p_holm": best["p_holm"],
                "weeks": len(w),
                "volume_cv": cv,
            },
            table,
            {"x": "period", "y": "recontact", "y2": "volume", "lag": lag, "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- rule 4


def check_fcr_declared_above_measured(rule, d: RuleData, cfg, settings):
    """Rule 4: declared FCR vs measured FCR on the same contacts (paired gap, McNemar), by
    provider/team/canal in the table."""
    c = d.need("contacts", "resolved_first_contact", "customer_id", "started_at")
    flags = d.recontact()
    decl = c["resolved_first_contact"].astype("boolean")
    base = flags["eligible"].to_numpy() & decl.notna().to_numpy()
    if "answered" in c.columns:
        base &= c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    require_n(
        base.sum(),
        cfg,
        "contacts avec FCR déclaré et fenêtre de recontact complète",
        "contacts with declared FCR and a complete recontact window",
    )
    a = decl.to_numpy(dtype=bool, na_value=False)[base]
    b = ~flags["followed"].to_numpy()[base]
    g = paired_gap(a, b)
    if not (g["ci_low"] > 0 and g["p"] < cfg["alpha"] and g["gap"] >= cfg["min_gap_pts"]):
        return []
    rows = []
    seg = next((f for f in ("provider", "team", "canal") if f in c.columns), None)
    if seg:
        keys = labels(c[seg])[base]
        for key in pd.unique(keys):
            m = keys == key
            if m.sum() >= cfg["min_n"]:
                gg = paired_gap(a[m], b[m])
                rows.append(
                    {
                        seg: key,
                        "declared": gg["a_pct"],
                        "measured": gg["b_pct"],
                        "gap": gg["gap"],
                        "ci_low": gg["ci_low"],
                        "ci_high": gg["ci_high"],
                        "n": gg["n"],
                    }
                )
    table = pd.DataFrame(
        [
            {
                (seg or "segment"): "Ensemble",
                "declared": g["a_pct"],
                "measured": g["b_pct"],
                "gap": g["gap"],
                "ci_low": g["ci_low"],
                "ci_high": g["ci_high"],
                "n": g["n"],
            },
            *rows,
        ]
    )
    wd = d.param("window_days", "fcr_measured")
    obs_fr = (
        f"Sur les mêmes {fmt.integer(g['n'], 'fr')} contacts, le FCR déclaré par les conseillers "
        f"est de {fmt.percent(g['a_pct'], 'fr')} mais le FCR mesuré (pas de recontact sur le même "
        f"motif sous {wd} jours) n'est que de {fmt.percent(g['b_pct'], 'fr')} : écart "
        f"{fmt.diff(g['gap'], '%', 'fr')} "
        f"({fmt.ci_text(g['ci_low'], g['ci_high'], 'points', 'fr')}, test de McNemar "
        f"{fmt.p_value(g['p'], 'fr')}) ; {fmt.integer(g['discordant_a_only'], 'fr')} contacts "
        "déclarés résolus sont revenus."
    )
    obs_en = (
        f"On the same {fmt.integer(g['n'], 'en')} contacts, agent-declared FCR is "
        f"{fmt.percent(g['a_pct'], 'en')} but measured FCR (no same-motif recontact within {wd} "
        f"days) is only {fmt.percent(g['b_pct'], 'en')}: gap {fmt.diff(g['gap'], '%', 'en')} "
        f"({fmt.ci_text(g['ci_low'], g['ci_high'], 'points', 'en')}, McNemar "
        f"{fmt.p_value(g['p'], 'en')}); {fmt.integer(g['discordant_a_only'], 'en')} contacts "
        "declared resolved came back."
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "des tickets clos comme résolus reviennent",
            "tickets closed as resolved come back",
            {"paired": g, "window_days": wd, "by": seg},
            table,
            {"x": seg or "segment", "y": "declared", "y2": "measured", "unit": "%"},
        )
    ]
