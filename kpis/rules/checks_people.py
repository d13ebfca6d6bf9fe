"""Seed readings on people and outcomes: weak quality-grid items → training (seeds 000, 003), a
short handling time together with more recontacts (003), churn in a month where satisfaction
fell (001), absences rising in overloaded months (001)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.lazy import scipy_stats as sps
from kpis.rules.checks_handling import _dmt_residuals
from kpis.rules.data import RuleData, labels, sentinel_agents
from kpis.rules.model import Undecidable, require_n
from kpis.rules.wording import make_finding, population_n
from kpis.stats import dist, holm, two_proportions

ITEM = "item:"

# ---------------------------------------------------------------- weak grid items


def check_quality_items_weak(rule, d: RuleData, cfg, settings):
    """Per grid item (``item:<label>`` columns): on each evaluation, the item's score minus the
    mean of the other items scored on it; one-sided t-test of the mean gap < 0, Holm over items;
    fires for an item with Holm p < alpha and mean gap ≤ −min_gap points."""
    ev = d.need("evaluations")
    cols = [c for c in ev.columns if str(c).startswith(ITEM)]
    if len(cols) < 3:
        raise Undecidable(
            "il faut au moins 3 items de grille (colonnes item:…)",
            "needs at least 3 grid items (item:… columns)",
            ["evaluations.item:<label>"],
        )
    x = ev[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    scored = ~np.isnan(x)
    total, count = np.nansum(x, axis=1), scored.sum(axis=1)
    rows = []
    for j, col in enumerate(cols):
        ok = scored[:, j] & (count >= 2)
        if ok.sum() < cfg["min_n"]:
            continue
        others = (total[ok] - x[ok, j]) / (count[ok] - 1)
        gap = x[ok, j] - others
        sd = gap.std(ddof=1)
        se = sd / np.sqrt(len(gap)) if len(gap) > 1 else np.nan
        t = gap.mean() / se if se > 0 else (-np.inf if gap.mean() < 0 else 0.0)
        q = dist.t_ppf(0.975, len(gap) - 1)
        rows.append(
            {
                "item": col[len(ITEM) :],
                "mean": float(np.nanmean(x[ok, j])),
                "gap": float(gap.mean()),
                "gap_low": float(gap.mean() - q * se),
                "gap_high": float(gap.mean() + q * se),
                "n": int(ok.sum()),
                "p": float(dist.t_cdf(t, len(gap) - 1)),
            }
        )
    if not rows:
        require_n(0, cfg, "évaluations par item", "evaluations per item")
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p"].to_numpy())
    table = table.sort_values("gap").reset_index(drop=True)
    hit = table[(table["p_holm"] < cfg["alpha"]) & (table["gap"] <= -float(cfg["min_gap"]))]
    if hit.empty:
        return []
    obs_fr = "Items de grille nettement sous les autres items des mêmes évaluations : " + "; ".join(
        f"« {r.item} » moyenne {fmt.number(r.mean, 'fr', 1)}, écart "
        f"{fmt.number(r.gap, 'fr', 1)} point ({fmt.ci_text(r.gap_low, r.gap_high, '', 'fr')}, "
        f"{population_n('quality_calls', r.n, 'fr')}, {fmt.p_value(r.p_holm, 'fr')} après Holm "
        f"sur {len(table)} items)"
        for r in hit.itertuples()
    )
    obs_en = "Grid items clearly below the other items of the same evaluations: " + "; ".join(
        f"'{r.item}' mean {fmt.number(r.mean, 'en', 1)}, gap {fmt.number(r.gap, 'en', 1)} "
        f"point ({fmt.ci_text(r.gap_low, r.gap_high, '', 'en')}, "
        f"{population_n('quality_calls', r.n, 'en')}, Holm-adjusted "
        f"{fmt.p_value(r.p_holm, 'en')} over {len(table)} items)"
        for r in hit.itertuples()
    )
    return [
        make_finding(
            rule,
            cfg,
            {"item": hit["item"].tolist()},
            (obs_fr + ".", obs_en + "."),
            None,
            None,
            {"items": hit["item"].tolist(), "gaps": hit["gap"].tolist(), "n": hit["n"].tolist()},
            table,
            {"x": "item", "y": "gap", "lo": "gap_low", "hi": "gap_high", "target": 0.0},
        )
    ]


# ---------------------------------------------------------------- short DMT + recontacts


def check_short_dmt_recontacts(rule, d: RuleData, cfg, settings):
    """Per agent: handling time vs peers at equal motif, canal, level, provider (log residual,
    one-sided t-test) and recontact rate of the agent's contacts vs the other agents' (one-sided
    two-proportion z-test); Holm over agents for each; fires when both Holm p < alpha, the DMT
    ratio ≤ 1 − min_gap and the recontact ratio ≥ min_ratio."""
    by = "agent_id"
    df = _dmt_residuals(d, by)
    require_n(len(df), cfg, "contacts traités avec durée et motif", "handled contacts")
    c = d.need("contacts", by)
    flags = d.recontact()
    rec = flags["recontact"].to_numpy(dtype=float, na_value=np.nan)
    agent = labels(c[by])
    ok = ~np.isnan(rec) & ~sentinel_agents(c[by])
    k_all, n_all = np.nansum(rec[ok]), ok.sum()
    g = df.groupby(by)["r"].agg(["mean", "std", "count"])
    g = g[g["count"] >= cfg["min_n"]]
    if len(g) < 3:
        raise Undecidable(
            f"moins de 3 conseillers avec {cfg['min_n']} contacts comparables",
            f"fewer than 3 agents with {cfg['min_n']} comparable contacts",
        )
    rows = []
    for a, row in g.iterrows():
        m = ok & (agent == str(a))
        k1, n1 = float(np.nansum(rec[m])), int(m.sum())
        k2, n2 = k_all - k1, n_all - n1
        if n1 < cfg["min_n"] or n2 < cfg["min_n"]:
            continue
        tp = two_proportions(k1, n1, k2, n2)
        t = row["mean"] / (row["std"] / np.sqrt(row["count"]))
        rows.append(
            {
                by: str(a),
                "dmt_ratio": float(np.exp(row["mean"])),
                "n_dmt": int(row["count"]),
                "p_dmt": float(dist.t_cdf(t, row["count"] - 1)),
                "recontact": 100 * k1 / n1,
                "recontact_others": 100 * k2 / n2 if n2 else np.nan,
                "diff_low": tp["ci_low"],
                "diff_high": tp["ci_high"],
                "n_recontact": n1,
                "p_recontact": tp["p_greater"],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return []
    table["p_dmt_holm"] = holm(table["p_dmt"].to_numpy())
    table["p_rec_holm"] = holm(table["p_recontact"].to_numpy())
    table["rec_ratio"] = table["recontact"] / table["recontact_others"]
    hit = table[
        (table["p_dmt_holm"] < cfg["alpha"])
        & (table["p_rec_holm"] < cfg["alpha"])
        & (table["dmt_ratio"] <= 1 - float(cfg["min_gap"]))
        & (table["rec_ratio"] >= float(cfg["min_ratio"]))
    ]
    out = []
    for r in hit.itertuples():
        obs_fr = (
            f"« {r.agent_id} » traite vite (DMT ×{fmt.number(r.dmt_ratio, 'fr', 2)} de ses pairs "
            f"à motif égal, {fmt.n_text(r.n_dmt, 'fr')}) et ses clients reviennent plus : "
            f"recontact {fmt.percent(r.recontact, 'fr')} contre "
            f"{fmt.percent(r.recontact_others, 'fr')} pour les autres conseillers (écart "
            f"{fmt.ci_text(r.diff_low, r.diff_high, 'points', 'fr')}, "
            f"{population_n('recontact_rate_contacts', r.n_recontact, 'fr')}, "
            f"{fmt.p_value(r.p_rec_holm, 'fr')} après Holm sur {len(table)} conseillers)."
        )
        obs_en = (
            f"'{r.agent_id}' works fast (handling time ×{fmt.number(r.dmt_ratio, 'en', 2)} of "
            f"peers for the same motif, {fmt.n_text(r.n_dmt, 'en')}) and their customers come "
            f"back more: recontact {fmt.percent(r.recontact, 'en')} vs "
            f"{fmt.percent(r.recontact_others, 'en')} for other agents (gap "
            f"{fmt.ci_text(r.diff_low, r.diff_high, 'points', 'en')}, "
            f"{population_n('recontact_rate_contacts', r.n_recontact, 'en')}, Holm-adjusted "
            f"{fmt.p_value(r.p_rec_holm, 'en')} over {len(table)} agents)."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {by: r.agent_id},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "dmt_ratio": r.dmt_ratio,
                    "recontact": r.recontact,
                    "recontact_others": r.recontact_others,
                    "diff_ci": [r.diff_low, r.diff_high],
                    "n": r.n_recontact,
                    "p_dmt_holm": r.p_dmt_holm,
                    "p_recontact_holm": r.p_rec_holm,
                },
                table.sort_values("dmt_ratio").reset_index(drop=True),
                {"x": by, "y": "recontact", "highlight": r.agent_id, "unit": "%"},
            )
        )
    return out


# ---------------------------------------------------------------- churn vs satisfaction


def _month(t: pd.Series) -> pd.Series:
    return pd.to_datetime(t, errors="coerce").dt.to_period("M").dt.to_timestamp()


def check_churn_after_satisfaction_drop(rule, d: RuleData, cfg, settings):
    """Per month of the customer base: churn (lost ÷ customers at start) vs the other months
    (two-proportion z-test, one-sided), and the month's NPS promoters-minus-detractors vs the
    other months (normal test, trinomial variance, one-sided); Holm over months for each; fires
    for a month with both Holm p < alpha and churn ≥ min_ratio × the other months."""
    cb = d.need("customer_base", "period_start", "start", "lost")
    s = d.need("surveys", "nps_score", "answered_at")
    cb = cb.assign(
        month=_month(cb["period_start"]),
        start=pd.to_numeric(cb["start"], errors="coerce"),
        lost=pd.to_numeric(cb["lost"], errors="coerce"),
    )
    cb = cb[(cb["start"] > 0) & cb["lost"].between(0, cb["start"]) & cb["month"].notna()]
    cb = cb.groupby("month")[["start", "lost"]].sum()
    if len(cb) < 3:
        raise Undecidable("il faut au moins 3 mois de portefeuille", "needs 3 months of base")
    nps = pd.to_numeric(s["nps_score"], errors="coerce")
    sm = _month(s["answered_at"])
    cls = pd.DataFrame({"month": sm, "p": nps >= 9, "d": nps <= 6, "ok": nps.notna()})
    cls = cls[cls["ok"]].groupby("month")[["p", "d", "ok"]].sum()
    rows = []
    for m, r in cb.iterrows():
        if m not in cls.index:
            continue
        k2, n2 = cb["lost"].sum() - r["lost"], cb["start"].sum() - r["start"]
        tp = two_proportions(r["lost"], r["start"], k2, n2)
        a, b = cls.loc[m], cls.drop(index=m).sum()
        if a["ok"] < cfg["min_n"] or b["ok"] < cfg["min_n"]:
            continue

        def nps_var(x):
            p, q = x["p"] / x["ok"], x["d"] / x["ok"]
            return 100 * (p - q), 1e4 * (p + q - (p - q) ** 2) / x["ok"]

        v1, var1 = nps_var(a)
        v2, var2 = nps_var(b)
        zn = (v1 - v2) / np.sqrt(var1 + var2) if var1 + var2 > 0 else 0.0
        rows.append(
            {
                "period": m,
                "churn": 100 * r["lost"] / r["start"],
                "churn_others": 100 * k2 / n2,
                "customers": int(r["start"]),
                "p_churn": tp["p_greater"],
                "nps": v1,
                "nps_others": v2,
                "nps_gap_low": v1 - v2 - 1.96 * np.sqrt(var1 + var2),
                "nps_gap_high": v1 - v2 + 1.96 * np.sqrt(var1 + var2),
                "n_nps": int(a["ok"]),
                "p_nps": float(dist.norm_cdf(zn)),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        raise Undecidable("pas de mois commun au portefeuille et aux enquêtes", "no common month")
    table["p_churn_holm"] = holm(table["p_churn"].to_numpy())
    table["p_nps_holm"] = holm(table["p_nps"].to_numpy())
    table["ratio"] = table["churn"] / table["churn_others"]
    hit = table[
        (table["p_churn_holm"] < cfg["alpha"])
        & (table["p_nps_holm"] < cfg["alpha"])
        & (table["ratio"] >= float(cfg["min_ratio"]))
    ]
    out = []
    for r in hit.itertuples():
        mo_fr, mo_en = fmt.date(r.period, "fr", "month"), fmt.date(r.period, "en", "month")
        obs_fr = (
            f"En {mo_fr}, l'attrition client monte à {fmt.percent(r.churn, 'fr', 2)} "
            f"({population_n('churn', r.customers, 'fr')}) contre "
            f"{fmt.percent(r.churn_others, 'fr', 2)} les autres mois "
            f"(×{fmt.number(r.ratio, 'fr', 2)}, {fmt.p_value(r.p_churn_holm, 'fr')} après Holm), "
            f"et le NPS du même mois baisse : {fmt.number(r.nps, 'fr', 0)} contre "
            f"{fmt.number(r.nps_others, 'fr', 0)} (écart "
            f"{fmt.ci_text(r.nps_gap_low, r.nps_gap_high, 'points', 'fr')}, "
            f"{population_n('nps', r.n_nps, 'fr')}, {fmt.p_value(r.p_nps_holm, 'fr')} après "
            "Holm)."
        )
        obs_en = (
            f"In {mo_en}, customer churn rises to {fmt.percent(r.churn, 'en', 2)} "
            f"({population_n('churn', r.customers, 'en')}) vs "
            f"{fmt.percent(r.churn_others, 'en', 2)} in the other months "
            f"(×{fmt.number(r.ratio, 'en', 2)}, Holm-adjusted {fmt.p_value(r.p_churn_holm, 'en')})"
            f", and that month's NPS falls: {fmt.number(r.nps, 'en', 0)} vs "
            f"{fmt.number(r.nps_others, 'en', 0)} (gap "
            f"{fmt.ci_text(r.nps_gap_low, r.nps_gap_high, 'points', 'en')}, "
            f"{population_n('nps', r.n_nps, 'en')}, Holm-adjusted "
            f"{fmt.p_value(r.p_nps_holm, 'en')})."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {"period": r.period.strftime("%Y-%m")},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "churn": r.churn,
                    "churn_others": r.churn_others,
                    "nps": r.nps,
                    "nps_others": r.nps_others,
                    "p_churn_holm": r.p_churn_holm,
                    "p_nps_holm": r.p_nps_holm,
                },
                table,
                {"x": "period", "y": "churn", "y2": "nps", "unit": "%"},
            )
        )
    return out


# ---------------------------------------------------------------- overload vs absences


def check_overload_absence(rule, d: RuleData, cfg, settings):
    """Overloaded months (contacts per planned hour ≥ (1 + min_load) × the median month): per
    agent, absence rate that month minus the agent's mean over the other months; one-sided
    paired t-test over agents, Holm over overloaded months; fires when Holm p < alpha and the
    mean rise ≥ min_rise_pts."""
    h = d.need("hours", "period_start", "agent_id", "planned_h", "absent_h")
    c = d.need("contacts", "started_at")
    h = h.assign(month=_month(h["period_start"]))
    h = h.assign(
        planned_h=pd.to_numeric(h["planned_h"], errors="coerce"),
        absent_h=pd.to_numeric(h["absent_h"], errors="coerce"),
    )
    h = h[(h["planned_h"] > 0) & h["absent_h"].notna() & h["month"].notna()]
    planned = h.groupby("month")["planned_h"].sum()
    vol = _month(c["started_at"]).value_counts()
    load = (vol.reindex(planned.index) / planned).dropna()
    if len(load) < 3:
        raise Undecidable("il faut au moins 3 mois d'heures et de contacts", "needs 3 months")
    h = h.assign(rate=100 * h["absent_h"] / h["planned_h"])
    wide = h.pivot_table(index="agent_id", columns="month", values="rate", aggfunc="mean")
    med = float(load.median())
    rows = []
    for m in load.index:
        if load[m] < (1 + float(cfg["min_load"])) * med or m not in wide.columns:
            continue
        others = wide.drop(columns=m).mean(axis=1)
        diff = (wide[m] - others).dropna().to_numpy(float)
        if len(diff) < cfg["min_agents"]:
            continue
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        p = (
            float(sps.ttest_1samp(diff, 0.0, alternative="greater").pvalue)
            if se > 0
            else float(diff.mean() <= 0)
        )
        q = dist.t_ppf(0.975, len(diff) - 1)
        rows.append(
            {
                "period": m,
                "load": float(load[m]),
                "load_median": med,
                "rise": float(diff.mean()),
                "rise_low": float(diff.mean() - q * se),
                "rise_high": float(diff.mean() + q * se),
                "absence": float(wide[m].mean()),
                "agents": len(diff),
                "p": p,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return []
    table["p_holm"] = holm(table["p"].to_numpy())
    hit = table[(table["p_holm"] < cfg["alpha"]) & (table["rise"] >= float(cfg["min_rise_pts"]))]
    out = []
    for r in hit.itertuples():
        mo_fr, mo_en = fmt.date(r.period, "fr", "month"), fmt.date(r.period, "en", "month")
        obs_fr = (
            f"En {mo_fr}, mois chargé ({fmt.number(r.load, 'fr', 1)} contacts par heure "
            f"planifiée contre {fmt.number(r.load_median, 'fr', 1)} en mois médian), l'absence "
            f"des conseillers monte de {fmt.number(r.rise, 'fr', 1)} points par rapport à leurs "
            f"autres mois ({fmt.ci_text(r.rise_low, r.rise_high, 'points', 'fr')}, "
            f"{fmt.integer(r.agents, 'fr')} conseillers, {fmt.p_value(r.p_holm, 'fr')} après "
            "Holm)."
        )
        obs_en = (
            f"In {mo_en}, a busy month ({fmt.number(r.load, 'en', 1)} contacts per planned hour "
            f"vs {fmt.number(r.load_median, 'en', 1)} in the median month), agents' absence rises "
            f"by {fmt.number(r.rise, 'en', 1)} points over their other months "
            f"({fmt.ci_text(r.rise_low, r.rise_high, 'points', 'en')}, "
            f"{fmt.integer(r.agents, 'en')} agents, Holm-adjusted {fmt.p_value(r.p_holm, 'en')})."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {"period": r.period.strftime("%Y-%m")},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "load": r.load,
                    "load_median": r.load_median,
                    "rise_pts": r.rise,
                    "rise_ci": [r.rise_low, r.rise_high],
                    "agents": r.agents,
                    "p_holm": r.p_holm,
                },
                table,
                {"x": "period", "y": "rise", "lo": "rise_low", "hi": "rise_high", "unit": "pts"},
            )
        )
    return out


# ---------------------------------------------------------------- what to automate


def _hourly_cost(d: RuleData) -> tuple[dict, float]:
    """Cost per worked hour (costs.cost ÷ (hours.planned_h − hours.absent_h)), per provider when
    both tables carry it, and overall."""
    costs = d.need("costs", "cost")
    hours = d.need("hours", "planned_h")
    worked = pd.to_numeric(hours["planned_h"], errors="coerce").fillna(0)
    if "absent_h" in hours.columns:
        worked = worked - pd.to_numeric(hours["absent_h"], errors="coerce").fillna(0)
    cost = pd.to_numeric(costs["cost"], errors="coerce").fillna(0)
    if worked.sum() <= 0 or cost.sum() <= 0:
        raise Undecidable("coûts ou heures travaillées nuls", "zero costs or worked hours")
    overall = float(cost.sum() / worked.sum())
    per = {}
    if "provider" in costs.columns and "provider" in hours.columns:
        w = worked.groupby(hours["provider"].astype(str)).sum()
        k = cost.groupby(costs["provider"].astype(str)).sum()
        per = {p: float(k[p] / w[p]) for p in k.index if p in w.index and w[p] > 0}
    return per, overall


def check_automation_candidates(rule, d: RuleData, cfg, settings):
    """Handling cost per motif = Σ handling time (h) × cost per worked hour (per provider when
    known). A motif is a candidate when its avoidable share's Wilson lower bound ≥
    min_avoidable and the lower bound of its cost share (mean handling time at its Student 95 %
    lower bound) ≥ min_cost_share."""
    from kpis.stats import wilson

    c = d.need("contacts", "motif", "talk_s")
    per, overall = _hourly_cost(d)
    dmt = d.handling_time()
    ok = np.isfinite(dmt) & c["motif"].notna().to_numpy()
    require_n(int(ok.sum()), cfg, "contacts traités avec durée et motif", "handled contacts")
    rate = np.full(len(c), overall)
    if per and "provider" in c.columns:
        rate = c["provider"].astype(str).map(per).fillna(overall).to_numpy(float)
    motifs = d.param("avoidable_motifs", "avoidable_rate") or []
    if motifs:
        from kpis.definitions._base import in_values

        av = in_values(c["motif"], motifs).astype(float)
    elif "avoidable" in c.columns:
        av = c["avoidable"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    else:
        raise Undecidable(
            "il faut le drapeau évitable ou la liste des motifs évitables",
            "needs the avoidable flag or the list of avoidable motifs",
            ["contacts.avoidable"],
        )
    euros = np.where(ok, dmt / 3600 * rate, 0.0)
    total = euros.sum()
    key = c["motif"].astype(str).to_numpy()
    rows = []
    for m in pd.unique(key[ok]):
        sel = ok & (key == m)
        x = euros[sel]
        n = len(x)
        lo_mean = x.mean() - dist.t_ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n) if n > 1 else 0
        known = sel & ~np.isnan(av)
        k = float(np.nansum(av[known]))
        a_lo, _ = wilson(k, int(known.sum())) if known.any() else (np.nan, np.nan)
        rows.append(
            {
                "motif": m,
                "contacts": n,
                "cost": x.sum(),
                "cost_share": 100 * x.sum() / total,
                "cost_share_low": 100 * max(lo_mean, 0) * n / total,
                "cost_per_contact": x.mean(),
                "avoidable": 100 * k / known.sum() if known.any() else np.nan,
                "avoidable_low": a_lo,
            }
        )
    table = pd.DataFrame(rows).sort_values("cost", ascending=False).reset_index(drop=True)
    hit = table[
        (table["avoidable_low"] >= 100 * float(cfg["min_avoidable"]))
        & (table["cost_share_low"] >= 100 * float(cfg["min_cost_share"]))
    ]
    if hit.empty:
        return []
    obs_fr = "Motifs évitables qui pèsent dans le coût de traitement : " + "; ".join(
        f"« {r.motif} » {fmt.currency(r.cost, 'fr')} ({fmt.percent(r.cost_share, 'fr')} du coût "
        f"de traitement, au moins {fmt.percent(r.cost_share_low, 'fr')}), "
        f"{fmt.integer(r.contacts, 'fr')} contacts à {fmt.currency(r.cost_per_contact, 'fr')}, "
        f"{fmt.percent(r.avoidable, 'fr', 0)} évitables"
        for r in hit.itertuples()
    )
    obs_en = "Avoidable motifs that weigh in the handling cost: " + "; ".join(
        f"'{r.motif}' {fmt.currency(r.cost, 'en')} ({fmt.percent(r.cost_share, 'en')} of "
        f"handling cost, at least {fmt.percent(r.cost_share_low, 'en')}), "
        f"{fmt.integer(r.contacts, 'en')} contacts at {fmt.currency(r.cost_per_contact, 'en')}, "
        f"{fmt.percent(r.avoidable, 'en', 0)} avoidable"
        for r in hit.itertuples()
    )
    hour_fr = f" Coût horaire retenu : {fmt.currency(overall, 'fr')} par heure travaillée."
    hour_en = f" Hourly cost used: {fmt.currency(overall, 'en')} per worked hour."
    return [
        make_finding(
            rule,
            cfg,
            {"motif": hit["motif"].tolist()},
            (obs_fr + "." + hour_fr, obs_en + "." + hour_en),
            None,
            None,
            {
                "motifs": hit["motif"].tolist(),
                "cost": hit["cost"].tolist(),
                "cost_share": hit["cost_share"].tolist(),
                "hourly_cost": overall,
                "hourly_cost_by_provider": per,
            },
            table,
            {"x": "motif", "y": "cost", "unit": "currency"},
        )
    ]
