"""Handling rules: handling time (DMT) shorter or longer than peers at equal motif (rule 6 and
its twin), avoidable contacts (rule 7), transfers (rule 8), concentrated motifs (rule 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.definitions._base import in_values
from kpis.rules.data import RuleData, excluded_agents, sentinel_agents
from kpis.rules.model import Undecidable, records, require_n, target
from kpis.rules.wording import field_label, make_finding, population_n
from kpis.stats import dist, holm, score_test, wilson

# ---------------------------------------------------------------- rules 6 and own: DMT


def _dmt_residuals(d: RuleData, by: str) -> pd.DataFrame:
    """Per contact: log handling time minus the mean log time of *peers* (other values of
    ``by``) in the same stratum (motif × canal × niveau × provider, those present)."""
    c = d.need("contacts", "motif", by, "talk_s")
    dmt = d.handling_time()
    strata = [f for f in ("motif", "canal", "niveau", "provider") if f in c.columns and f != by]
    ok = np.isfinite(dmt) & (dmt > 0) & c[by].notna().to_numpy() & c["motif"].notna().to_numpy()
    if _is_agent(by):  # pseudo-agents (NO_SERVER, IVR, blank…) are neither ranked nor peers
        ok &= ~sentinel_agents(c[by])
    sub = c.loc[ok, strata + [by]]
    df = pd.DataFrame(
        {by: sub[by].astype("str").to_numpy(), "motif": sub["motif"].astype("str").to_numpy()}
    )
    df["y"] = np.log(dmt[ok])
    df["stratum"] = sub.groupby(strata, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    s = df.groupby("stratum")["y"].agg(["sum", "count"])
    cell = df.groupby(["stratum", by])["y"].agg(["sum", "count"])
    st_sum = df["stratum"].map(s["sum"]).to_numpy()
    st_n = df["stratum"].map(s["count"]).to_numpy()
    idx = pd.MultiIndex.from_arrays([df["stratum"], df[by]])
    c_sum = cell["sum"].reindex(idx).to_numpy()
    c_n = cell["count"].reindex(idx).to_numpy()
    peers_n = st_n - c_n
    df["peers_n"] = peers_n
    with np.errstate(invalid="ignore", divide="ignore"):
        df["peer_mean"] = (st_sum - c_sum) / peers_n
    df["r"] = df["y"] - df["peer_mean"]
    df["dmt"] = dmt[ok]
    return df[df["peers_n"] >= 5]


def _is_agent(field: str) -> bool:
    return "agent" in field.lower()


def _check_dmt(rule, d: RuleData, cfg, settings, direction: str):
    """Per value of ``cfg['segment']``: one-sided t-test of the mean log residual vs peers
    (direction "short" or "long"), Holm across values; fires when Holm p < alpha and the ratio
    exp(mean) is beyond 1 ∓ min_gap."""
    by = str(cfg["segment"])
    df = _dmt_residuals(d, by)
    excluded = excluded_agents(d.table("contacts"), by) if _is_agent(by) else []
    ex_fr = f" Pseudo-conseillers exclus : {', '.join(excluded)}." if excluded else ""
    ex_en = f" Pseudo-agents left out: {', '.join(excluded)}." if excluded else ""
    require_n(
        len(df), cfg, "contacts traités avec durée et motif", "handled contacts with duration"
    )
    g = df.groupby(by)["r"].agg(["mean", "std", "count"])
    g = g[g["count"] >= cfg["min_n"]]
    if len(g) < 3:
        raise Undecidable(
            f"moins de 3 valeurs de {by} avec {cfg['min_n']} contacts comparables",
            f"fewer than 3 values of {by} with {cfg['min_n']} comparable contacts",
        )
    t = g["mean"] / (g["std"] / np.sqrt(g["count"]))
    dfree = g["count"] - 1
    p = dist.t_cdf(t, dfree) if direction == "short" else dist.t_sf(t, dfree)
    g = g.assign(ratio=np.exp(g["mean"]), p=p)
    g["p_holm"] = holm(g["p"].to_numpy())
    q = dist.t_ppf(0.975, dfree)
    g["ratio_low"] = np.exp(g["mean"] - q * g["std"] / np.sqrt(g["count"]))
    g["ratio_high"] = np.exp(g["mean"] + q * g["std"] / np.sqrt(g["count"]))
    gap = float(cfg["min_gap"])
    material = g["ratio"] <= 1 - gap if direction == "short" else g["ratio"] >= 1 + gap
    flagged = g[(g["p_holm"] < cfg["alpha"]) & material]
    out = []
    table_all = g.reset_index().rename(columns={"count": "n"}).sort_values("ratio")
    for key, row in flagged.iterrows():
        sub = df[df[by] == key]
        per = sub.groupby("motif").agg(
            n=("dmt", "size"), agent=("dmt", "mean"), ratio=("r", lambda x: float(np.exp(x.mean())))
        )
        per = per.reset_index()
        per["peers"] = per["agent"] / per["ratio"]
        pct = 100 * (row["ratio"] - 1)
        word_fr = "plus courte" if direction == "short" else "plus longue"
        word_en = "shorter" if direction == "short" else "longer"
        obs_fr = (
            f"« {key} » ({field_label(by, 'fr')}) a une DMT {word_fr} que ses pairs à motif, "
            "canal, niveau et "
            f"prestataire égaux : ×{fmt.number(row['ratio'], 'fr', 2)} "
            f"({fmt.percent(pct, 'fr', 0)}, "
            f"{fmt.ci_text(row['ratio_low'], row['ratio_high'], '', 'fr')}, "
            f"{fmt.n_text(row['count'], 'fr')}, {fmt.p_value(row['p_holm'], 'fr')} après Holm sur "
            f"{len(g)})." + ex_fr
        )
        obs_en = (
            f"'{key}' ({field_label(by, 'en')}) has a handling time {word_en} than peers with "
            "the same motif, "
            f"channel, level and provider: ×{fmt.number(row['ratio'], 'en', 2)} "
            f"({fmt.percent(pct, 'en', 0)}, "
            f"{fmt.ci_text(row['ratio_low'], row['ratio_high'], '', 'en')}, "
            f"{fmt.n_text(row['count'], 'en')}, Holm-adjusted {fmt.p_value(row['p_holm'], 'en')} "
            f"over {len(g)})." + ex_en
        )
        out.append(
            make_finding(
                rule,
                cfg,
                {by: key},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "ratio": row["ratio"],
                    "ratio_ci": [row["ratio_low"], row["ratio_high"]],
                    "n": row["count"],
                    "p_holm": row["p_holm"],
                    "compared": len(g),
                    "strata": "motif × canal × niveau × provider",
                    "by_motif": records(per),
                    "excluded_agents": excluded,
                },
                table_all,
                {
                    "x": by,
                    "y": "ratio",
                    "lo": "ratio_low",
                    "hi": "ratio_high",
                    "target": 1.0,
                    "highlight": key,
                    "unit": "×",
                },
            )
        )
    return out


def check_dmt_short(rule, d, cfg, settings):
    """Rule 6: handling time shorter than peers at equal motif, channel, level, provider."""
    return _check_dmt(rule, d, cfg, settings, "short")


def check_dmt_long(rule, d, cfg, settings):
    """Handling time longer than peers at equal motif, channel, level, provider."""
    return _check_dmt(rule, d, cfg, settings, "long")


# ---------------------------------------------------------------- rules 7, 8: vs target


def check_avoidable_high(rule, d: RuleData, cfg, settings):
    """Rule 7: avoidable share above target (Wilson interval above it, score test)."""
    r = d.kpi("avoidable_rate").iloc[0]
    require_n(r["denominator"], cfg, "contacts", "contacts")
    tgt = target(settings, "avoidable_rate")
    p = score_test(r["numerator"], r["denominator"], tgt / 100)
    if not (r["ci_low"] > tgt and p < cfg["alpha"]):
        return []
    c = d.table("contacts")
    motifs = d.param("avoidable_motifs", "avoidable_rate") or []
    table = None
    if "motif" in c.columns:
        if motifs:
            av = in_values(c["motif"], motifs)
        else:
            av = c["avoidable"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        cnt = c.loc[av, "motif"].astype("str").value_counts()
        table = pd.DataFrame(
            {
                "motif": cnt.index,
                "n": cnt.to_numpy(),
                "share": 100 * cnt.to_numpy() / r["denominator"],
            }
        )
    obs_fr = (
        f"{fmt.percent(r['value'], 'fr')} des contacts sont évitables "
        f"({fmt.ci_text(r['ci_low'], r['ci_high'], '%', 'fr')}, "
        f"{population_n('avoidable_rate', r['denominator'], 'fr')}), au-dessus de l'objectif de "
        f"{fmt.percent(tgt, 'fr', 0)} ({fmt.p_value(p, 'fr')})."
        + (
            f" Principaux motifs : {', '.join(table['motif'].head(3))}."
            if table is not None and len(table)
            else ""
        )
    )
    obs_en = (
        f"{fmt.percent(r['value'], 'en')} of contacts are avoidable "
        f"({fmt.ci_text(r['ci_low'], r['ci_high'], '%', 'en')}, "
        f"{population_n('avoidable_rate', r['denominator'], 'en')}"
        f"), above the {fmt.percent(tgt, 'en', 0)} target "
        f"({fmt.p_value(p, 'en')})."
        + (
            f" Main motifs: {', '.join(table['motif'].head(3))}."
            if table is not None and len(table)
            else ""
        )
    )
    return [
        make_finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "l'organisation (produit, marketing, logistique) absorbe des frictions "
            "évitables en amont",
            "the organisation (product, marketing, logistics) absorbs friction that could be "
            "removed upstream",
            {
                "value": r["value"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["denominator"],
                "target": tgt,
                "p": p,
                "definition": str(r["detail"]),
            },
            table,
            {"x": "motif", "y": "share", "unit": "%"},
        )
    ]


def check_transfer_high(rule, d: RuleData, cfg, settings):
    """Rule 8: transfer rate above target, overall and by motif (score tests, Holm on motifs)."""
    tgt = target(settings, "transfer_rate")
    overall = d.kpi("transfer_rate").iloc[0]
    require_n(overall["denominator"], cfg, "contacts de niveau 1", "level-1 contacts")
    c = d.table("contacts")
    out = []
    if "motif" not in c.columns:
        raise Undecidable(
            "il faut contacts.motif pour cibler",
            "needs contacts.motif to target",
            ["contacts.motif"],
        )
    r = d.kpi("transfer_rate", by=["motif"])
    r = r[r["motif"].notna() & (r["denominator"] >= cfg["min_n"])].reset_index(drop=True)
    r["p"] = [
        score_test(k, n, tgt / 100) for k, n in zip(r["numerator"], r["denominator"], strict=True)
    ]
    r["p_holm"] = holm(r["p"].to_numpy())
    r["flag"] = (r["p_holm"] < cfg["alpha"]) & (r["value"] > tgt)
    table = r[["motif", "value", "ci_low", "ci_high", "denominator", "p_holm", "flag"]].rename(
        columns={"denominator": "n"}
    )
    table["motif"] = table["motif"].astype("str")
    types = None
    if "transfer_to" in c.columns:
        tr = c["transferred"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        types = (
            c.loc[tr]
            .groupby(["motif", "transfer_to"], observed=True)
            .size()
            .rename("n")
            .reset_index()
            .astype({"motif": "str", "transfer_to": "str"})
        )
    p_all = score_test(overall["numerator"], overall["denominator"], tgt / 100)
    segments = [({}, overall, p_all)] if overall["ci_low"] > tgt and p_all < cfg["alpha"] else []
    segments += [
        ({"motif": row["motif"]}, row, row["p_holm"]) for _, row in table[table["flag"]].iterrows()
    ]
    for seg, row, p in segments:
        m = seg.get("motif")
        val, lo, hi = row["value"], row["ci_low"], row["ci_high"]
        n = row.get("n", row.get("denominator"))
        mix = ""
        mix_en = ""
        if types is not None:
            sub = types if m is None else types[types["motif"] == m]
            tot = sub.groupby("transfer_to")["n"].sum().sort_values(ascending=False)
            if tot.sum():
                mix = ", ".join(
                    f"{k} {fmt.percent(100 * v / tot.sum(), 'fr', 0)}"
                    for k, v in tot.head(3).items()
                )
                mix_en = ", ".join(
                    f"{k} {fmt.percent(100 * v / tot.sum(), 'en', 0)}"
                    for k, v in tot.head(3).items()
                )
        where_fr = "Au niveau 1" if m is None else f"Sur le motif « {m} »"
        where_en = "At level 1" if m is None else f"On motif '{m}'"
        obs_fr = (
            f"{where_fr}, {fmt.percent(val, 'fr')} des contacts sont transférés "
            f"({fmt.ci_text(lo, hi, '%', 'fr')}, {fmt.n_text(n, 'fr')}), au-dessus de l'objectif "
            f"de {fmt.percent(tgt, 'fr', 0)} "
            f"({fmt.p_value(p, 'fr')})." + (f" Types : {mix}." if mix else "")
        )
        obs_en = (
            f"{where_en}, {fmt.percent(val, 'en')} of contacts are transferred "
            f"({fmt.ci_text(lo, hi, '%', 'en')}, {fmt.n_text(n, 'en')}), above the "
            f"{fmt.percent(tgt, 'en', 0)} target "
            f"({fmt.p_value(p, 'en')})." + (f" Types: {mix_en}." if mix_en else "")
        )
        out.append(
            make_finding(
                rule,
                cfg,
                seg,
                (obs_fr, obs_en),
                "regarder les types de transfert et les motifs pour cibler formation, "
                "documentation ou procédures",
                "look at transfer types and motifs to target training, documentation or procedures",
                {
                    "value": val,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "target": tgt,
                    "p": p,
                    "transfer_types": records(
                        types if m is None or types is None else types[types["motif"] == m]
                    )
                    if types is not None
                    else None,
                },
                table,
                {
                    "x": "motif",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": tgt,
                    "highlight": m,
                    "unit": "%",
                },
            )
        )
    return out


# ---------------------------------------------------------------- rule 12


def check_motifs_concentrated(rule, d: RuleData, cfg, settings):
    """Rule 12: the top share of motifs carries more than volume_share of contacts (Wilson lower
    bound)."""
    c = d.need("contacts", "motif")
    counts = c["motif"].astype("str")[c["motif"].notna()].value_counts()
    n = int(counts.sum())
    require_n(n, cfg, "contacts avec motif", "contacts with a motif")
    if len(counts) < 3:
        raise Undecidable("il faut au moins 3 motifs distincts", "needs at least 3 motifs")
    k = max(1, math.ceil(cfg["top_share_of_motifs"] * len(counts)))
    top = counts.head(k)
    lo, hi = wilson(top.sum(), n)
    share = 100 * top.sum() / n
    thr = 100 * float(cfg["volume_share"])
    if not lo >= thr:
        return []
    table = pd.DataFrame({"motif": counts.index, "n": counts.to_numpy()})
    table["share"] = 100 * table["n"] / n
    table["cum_share"] = table["share"].cumsum()
    if "avoidable" in c.columns:
        av = c.groupby(c["motif"].astype("str"))["avoidable"].apply(
            lambda s: float(s.astype("boolean").mean()) if s.notna().any() else math.nan
        )
        table["avoidable"] = table["motif"].map(av)
    if "selfcare_redirected" in c.columns:
        sc = c.groupby(c["motif"].astype("str"))["selfcare_redirected"].apply(
            lambda s: 100 * float(s.astype("boolean").mean()) if s.notna().any() else math.nan
        )
        table["selfcare_pct"] = table["motif"].map(sc)
    names = list(top.index)
    obs_fr = (
        f"{k} motif(s) sur {len(counts)} ({', '.join(names)}) portent {fmt.percent(share, 'fr')} "
        f"des contacts ({fmt.ci_text(lo, hi, '%', 'fr')}, {population_n('motifs', n, 'fr')}"
        f"), au-delà de "
        f"{fmt.percent(thr, 'fr', 0)}."
    )
    obs_en = (
        f"{k} of {len(counts)} motifs ({', '.join(names)}) carry {fmt.percent(share, 'en')} of "
        f"contacts ({fmt.ci_text(lo, hi, '%', 'en')}, {population_n('motifs', n, 'en')}), above "
        f"{fmt.percent(thr, 'en', 0)}."
    )
    return [
        make_finding(
            rule,
            cfg,
            {"motif": names},
            (obs_fr, obs_en),
            "priorités FAQ / selfcare pour réduire les contacts de niveau 1",
            "FAQ / self-care priorities to cut level-1 contacts",
            {
                "top_motifs": names,
                "share": share,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "threshold": thr,
            },
            table,
            {"x": "motif", "y": "share", "cum": "cum_share", "unit": "%"},
        )
    ]
