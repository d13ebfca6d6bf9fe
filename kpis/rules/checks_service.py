"""Seed readings on service delivery: service level / SLA compliance far below target (seeds
001, 002), resolution time (MTTR) above target by team (001), customer effort above target and
where it comes from (002, 003)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.rules.data import RuleData, labels
from kpis.rules.model import Undecidable, require_n, target, welch_p
from kpis.rules.wording import field_label, make_finding, population_n
from kpis.stats import Z95, dist, holm, mean_ci, score_test

# ---------------------------------------------------------------- service level, SLA

OVERALL = "Ensemble"  # the overall row, as the other rules label it


def _rows(d: RuleData, kpi_id: str, by: str | None) -> pd.DataFrame:
    """Rows of ``kpi_id`` (overall, or by ``by``) with a denominator."""
    try:
        r = d.kpi(kpi_id, by=[by] if by else None)
    except Undecidable:
        return pd.DataFrame()
    r = r[r["denominator"].fillna(0) > 0].copy()
    r["segment"] = labels(r[by]) if by else OVERALL
    return r


def check_service_level_far_below(rule, d: RuleData, cfg, settings):
    """Service level (overall and per queue) and SLA compliance (overall): one-sided score test
    of the rate against target − min_gap_pts, Holm over every rate tested; a KPI fires when a
    row has Holm p < alpha and its Wilson upper bound under target − min_gap_pts."""
    rows, undecided = [], []
    for kpi_id in ("service_level", "sla_compliance"):
        try:
            tgt = target(settings, kpi_id)
        except Undecidable as err:
            undecided.append(err)
            continue
        # SLA items differ by level (N2/N3 tickets take longer by design): per queue, only the
        # service level (one threshold in seconds for every phone queue) is compared
        for by in (None, "queue") if kpi_id == "service_level" else (None,):
            r = _rows(d, kpi_id, by)
            for rec in r.itertuples():
                if rec.denominator < cfg["min_n"]:
                    continue
                thr = tgt - float(cfg["min_gap_pts"])
                p = score_test(rec.numerator, rec.denominator, thr / 100, alternative="less")
                rows.append(
                    {
                        "kpi": kpi_id,
                        "queue": rec.segment,
                        "value": float(rec.value),
                        "ci_low": float(rec.ci_low),
                        "ci_high": float(rec.ci_high),
                        "n": int(rec.denominator),
                        "target": tgt,
                        "threshold": thr,
                        "p": p,
                    }
                )
    if not rows:
        if undecided:
            raise undecided[0]
        raise Undecidable(
            "ni niveau de service ni respect des SLA calculables sur assez de contacts",
            "neither service level nor SLA compliance computable on enough contacts",
            list(rule.needs),
        )
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p"].to_numpy())
    table["fires"] = (table["p_holm"] < cfg["alpha"]) & (table["ci_high"] < table["threshold"])
    out = []
    for kpi_id, g in table.groupby("kpi", sort=False):
        hit = g[g["fires"]]
        if hit.empty:
            continue
        overall = hit[hit["queue"] == OVERALL]
        head = overall.iloc[0] if len(overall) else hit.sort_values("value").iloc[0]
        queues = hit[hit["queue"] != OVERALL].sort_values("value")
        where_fr = "sur l'ensemble" if len(overall) else f"sur la file « {head['queue']} »"
        where_en = "overall" if len(overall) else f"on queue '{head['queue']}'"
        from kpis.definitions import REGISTRY

        k = REGISTRY.get(kpi_id)
        gap = head["target"] - head["value"]
        q_fr = "; ".join(
            f"{q.queue} {fmt.percent(q.value, 'fr')} ({fmt.n_text(q.n, 'fr')})"
            for q in queues.head(4).itertuples()
        )
        q_en = "; ".join(
            f"{q.queue} {fmt.percent(q.value, 'en')} ({fmt.n_text(q.n, 'en')})"
            for q in queues.head(4).itertuples()
        )
        obs_fr = (
            f"{k.name('fr')} {where_fr} : {fmt.percent(head['value'], 'fr')} "
            f"({fmt.ci_text(head['ci_low'], head['ci_high'], '%', 'fr')}, "
            f"{population_n(kpi_id, head['n'], 'fr')}), {fmt.number(gap, 'fr', 1)} points sous "
            f"l'objectif de {fmt.percent(head['target'], 'fr', 0)} "
            f"({fmt.p_value(head['p_holm'], 'fr')} après Holm sur {len(table)} taux)."
            + (f" Files les plus basses : {q_fr}." if q_fr else "")
        )
        obs_en = (
            f"{k.name('en')} {where_en}: {fmt.percent(head['value'], 'en')} "
            f"({fmt.ci_text(head['ci_low'], head['ci_high'], '%', 'en')}, "
            f"{population_n(kpi_id, head['n'], 'en')}), {fmt.number(gap, 'en', 1)} points below "
            f"the {fmt.percent(head['target'], 'en', 0)} target "
            f"(Holm-adjusted {fmt.p_value(head['p_holm'], 'en')} over {len(table)} rates)."
            + (f" Lowest queues: {q_en}." if q_en else "")
        )
        seg = {} if len(overall) else {"queue": head["queue"]}
        out.append(
            make_finding(
                rule,
                cfg,
                seg,
                (obs_fr, obs_en),
                None,
                None,
                {
                    "kpi": kpi_id,
                    "value": head["value"],
                    "ci_low": head["ci_low"],
                    "ci_high": head["ci_high"],
                    "n": head["n"],
                    "target": head["target"],
                    "p_holm": head["p_holm"],
                    "queues": queues["queue"].tolist(),
                },
                g.drop(columns=["kpi"]).reset_index(drop=True),
                {
                    "x": "queue",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": head["target"],
                    "unit": "%",
                },
            )
        )
    return out


# ---------------------------------------------------------------- MTTR by team


def check_mttr_by_segment(rule, d: RuleData, cfg, settings):
    """Mean resolution time (MTTR) per value of ``segment`` (team by default): one-sided normal
    test of the mean against the mttr target, standard error from the engine's 95 % interval
    ((high − low) ÷ 3.92), Holm over the values; fires when Holm p < alpha and the interval's
    lower bound is above the target."""
    by = str(cfg["segment"])
    tgt = target(settings, "mttr")
    r = d.kpi("mttr", by=[by])
    r = r[(r["n"].fillna(0) >= cfg["min_n"]) & r["value"].notna()].copy()
    if len(r) < 1:
        raise Undecidable(
            f"aucune valeur de {by} avec {cfg['min_n']} éléments résolus",
            f"no value of {by} with {cfg['min_n']} resolved items",
        )
    r["segment"] = labels(r[by])
    se = (r["ci_high"] - r["ci_low"]) / (2 * Z95)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (r["value"] - tgt) / se
    r["p"] = dist.norm_sf(z.fillna(0).to_numpy())
    r["p_holm"] = holm(r["p"].to_numpy())
    r["ratio"] = r["value"] / tgt
    hit = r[(r["p_holm"] < cfg["alpha"]) & (r["ci_low"] > tgt)]
    table = pd.DataFrame(
        {
            by: r["segment"].to_numpy(),
            "value": r["value"].to_numpy(float),
            "ci_low": r["ci_low"].to_numpy(float),
            "ci_high": r["ci_high"].to_numpy(float),
            "n": r["n"].to_numpy(float),
            "p_holm": r["p_holm"].to_numpy(float),
        }
    ).sort_values("value", ascending=False)
    out = []
    for rec in hit.itertuples():
        obs_fr = (
            f"« {rec.segment} » ({field_label(by, 'fr')}) : délai moyen de résolution "
            f"{fmt.duration(rec.value, 'fr')} ({fmt.ci_text(rec.ci_low, rec.ci_high, 's', 'fr')}, "
            f"{population_n('mttr', rec.n, 'fr')}), {fmt.number(rec.ratio, 'fr', 1)} fois "
            f"l'objectif de {fmt.duration(tgt, 'fr')} ({fmt.p_value(rec.p_holm, 'fr')} après "
            f"Holm sur {len(r)})."
        )
        obs_en = (
            f"'{rec.segment}' ({field_label(by, 'en')}): mean time to resolve "
            f"{fmt.duration(rec.value, 'en')} "
            f"({fmt.ci_text(rec.ci_low, rec.ci_high, 's', 'en')}, "
            f"{population_n('mttr', rec.n, 'en')}), {fmt.number(rec.ratio, 'en', 1)} times the "
            f"{fmt.duration(tgt, 'en')} target (Holm-adjusted {fmt.p_value(rec.p_holm, 'en')} "
            f"over {len(r)})."
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {by: rec.segment},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "value_s": rec.value,
                    "ci_low": rec.ci_low,
                    "ci_high": rec.ci_high,
                    "n": rec.n,
                    "target_s": tgt,
                    "p_holm": rec.p_holm,
                    "compared": len(r),
                },
                table,
                {
                    "x": by,
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": tgt,
                    "highlight": rec.segment,
                    "unit": "s",
                },
            )
        )
    return out


# ---------------------------------------------------------------- customer effort (CES)

_DRIVERS = {
    "transferred": ("contact transféré", "contact transferred"),
    "repeat": ("demande répétée", "repeated demand"),
    "long_wait": ("attente longue", "long wait"),
}


def _repeat_flags(c: pd.DataFrame, window_days: float) -> np.ndarray:
    """True where the same customer had an earlier contact less than ``window_days`` before."""
    cust = c["customer_id"].astype("string")
    known = cust.notna().to_numpy()
    t = c["started_at"]
    order = np.lexsort((t.to_numpy(), cust.fillna("").to_numpy()))
    cs = cust.fillna("").to_numpy(dtype=object)[order]
    ts = t.to_numpy()[order]
    prev_same = np.zeros(len(c), dtype=bool)
    prev_same[1:] = cs[1:] == cs[:-1]
    gap = np.full(len(c), np.inf)
    gap[1:] = (ts[1:] - ts[:-1]) / np.timedelta64(1, "D")
    flag = prev_same & (gap <= window_days) & known[order]
    out = np.zeros(len(c), dtype=bool)
    out[order] = flag
    return out


def check_effort_drivers(rule, d: RuleData, cfg, settings):
    """Customer effort (CES, high = more effort) above its target (Student 95 % interval above
    it), then where it comes from: per driver (transferred, repeated demand, long wait), Welch
    one-sided test of CES with vs without the driver, Holm over drivers; a driver is named when
    Holm p < alpha and the gap ≥ min_gap."""
    s = d.need("surveys", "ces_score", "contact_id")
    c = d.need("contacts", "contact_id")
    ces = pd.to_numeric(s["ces_score"], errors="coerce")
    mean, lo, hi, n = mean_ci(ces.dropna().to_numpy(float))
    require_n(n, cfg, "réponses d'effort (CES)", "effort (CES) answers")
    tgt = target(settings, "ces", d.tables)
    if not lo > tgt:
        return []
    drivers = {}
    if "transferred" in c.columns:
        drivers["transferred"] = c["transferred"].astype("boolean").fillna(False).to_numpy(bool)
    if {"customer_id", "started_at"} <= set(c.columns):
        drivers["repeat"] = _repeat_flags(c, float(cfg["window_days"]))
    if "wait_s" in c.columns:
        w = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
        drivers["long_wait"] = np.nan_to_num(w, nan=0.0) > float(cfg["long_wait_s"])
    ids = c["contact_id"].astype("string").to_numpy()
    sid = s["contact_id"].astype("string")
    rows = []
    for key, flag in drivers.items():
        m = pd.Series(flag, index=ids)
        m = m[~m.index.duplicated()]
        f = sid.map(m)
        ok = f.notna().to_numpy() & ces.notna().to_numpy()
        f = f.to_numpy()[ok].astype(bool)
        x = ces.to_numpy(float)[ok]
        a, b = x[f], x[~f]
        if len(a) < cfg["min_n"] or len(b) < cfg["min_n"]:
            continue
        p = welch_p(a, b, "greater")
        se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        gap = a.mean() - b.mean()
        rows.append(
            {
                "driver": key,
                "label_fr": _DRIVERS[key][0],
                "label_en": _DRIVERS[key][1],
                "with": a.mean(),
                "without": b.mean(),
                "gap": gap,
                "gap_low": gap - 1.96 * se,
                "gap_high": gap + 1.96 * se,
                "n_with": len(a),
                "n_without": len(b),
                "p": p,
            }
        )
    table = pd.DataFrame(rows)
    named = table.iloc[0:0]
    if len(table):
        table["p_holm"] = holm(table["p"].to_numpy())
        named = table[(table["p_holm"] < cfg["alpha"]) & (table["gap"] >= cfg["min_gap"])]
        named = named.sort_values("gap", ascending=False)
    head_fr = (
        f"Effort client (CES) moyen {fmt.number(mean, 'fr', 2)} "
        f"({fmt.ci_text(lo, hi, '', 'fr')}, {population_n('ces', n, 'fr')}), au-dessus de "
        f"l'objectif de {fmt.number(tgt, 'fr', 2)}."
    )
    head_en = (
        f"Mean customer effort (CES) {fmt.number(mean, 'en', 2)} "
        f"({fmt.ci_text(lo, hi, '', 'en')}, {population_n('ces', n, 'en')}), above the "
        f"{fmt.number(tgt, 'en', 2)} target."
    )
    if len(named):
        obs_fr = (
            head_fr
            + " L'effort est plus élevé quand : "
            + "; ".join(
                f"{r.label_fr} ({fmt.number(r.with_, 'fr', 2)} contre "
                f"{fmt.number(r.without, 'fr', 2)}, écart {fmt.number(r.gap, 'fr', 2)}, "
                f"{fmt.ci_text(r.gap_low, r.gap_high, '', 'fr')}, {fmt.n_text(r.n_with, 'fr')}, "
                f"{fmt.p_value(r.p_holm, 'fr')} après Holm)"
                for r in named.rename(columns={"with": "with_"}).itertuples()
            )
        )
        obs_en = (
            head_en
            + " Effort is higher when: "
            + "; ".join(
                f"{r.label_en} ({fmt.number(r.with_, 'en', 2)} vs "
                f"{fmt.number(r.without, 'en', 2)}, gap {fmt.number(r.gap, 'en', 2)}, "
                f"{fmt.ci_text(r.gap_low, r.gap_high, '', 'en')}, {fmt.n_text(r.n_with, 'en')}, "
                f"Holm-adjusted {fmt.p_value(r.p_holm, 'en')})"
                for r in named.rename(columns={"with": "with_"}).itertuples()
            )
        )
        obs_fr, obs_en = obs_fr + ".", obs_en + "."
    else:
        obs_fr = head_fr + " Aucun des facteurs mesurés ne l'explique nettement."
        obs_en = head_en + " None of the measured drivers clearly explains it."
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            None,
            None,
            {
                "ces": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "target": tgt,
                "drivers": named["driver"].tolist(),
            },
            table,
            {"x": "driver", "y": "gap", "lo": "gap_low", "hi": "gap_high", "unit": ""},
        )
    ]
