"""Sentences of the provider comparison and the scorecard, in French and English.

Every number goes through ``kpis.format`` (values, differences, p-values, n, percentages).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from kpis import format as fmt
from kpis.labels import cell_label
from kpis.registry import Registry

if TYPE_CHECKING:
    from kpis.compare.comparison import Comparison
    from kpis.compare.scorecard import Scorecard

# Below this share of resamples won by the leader, the first place is called uncertain.
SURE_FIRST = 0.8


def _better(diff: float, direction: str, lang: str) -> str:
    if direction == "neutral":
        if lang == "fr":
            return "au-dessus de" if diff > 0 else "au-dessous de"
        return "above" if diff > 0 else "below"
    good = (diff > 0) == (direction == "higher")
    if lang == "fr":
        return "meilleur que" if good else "moins bon que"
    return "better than" if good else "worse than"


def _order(values: np.ndarray, providers: list[str], direction: str) -> list[str]:
    ok = [i for i in range(len(providers)) if not math.isnan(values[i])]
    rev = direction != "lower"
    return [providers[i] for i in sorted(ok, key=lambda i: values[i], reverse=rev)]


def comparison_sentences(comp: Comparison, registry: Registry) -> list[dict]:
    """Per KPI: the pooled value, each provider adjusted (and raw) with its test, significant
    pairs, a ranking the mix reverses, the common support and the shrunk cells."""
    out: list[dict] = []
    corr = comp.meta["correction"]
    corr_fr = "Holm" if corr == "holm" else "Benjamini-Hochberg"
    alpha = comp.meta["alpha"]
    a_fr, a_en = fmt.percent(100 * alpha, "fr", 0), fmt.percent(100 * alpha, "en", 0)

    def adjusted(d, p, unit, lang):
        """``(+3,2 pts, p = 0,012 après correction de Holm)``."""
        if lang == "fr":
            return (
                f"({fmt.diff(d, unit, lang)}, {fmt.p_value(p, lang)} après correction de {corr_fr})"
            )
        return f"({fmt.diff(d, unit, lang)}, {fmt.p_value(p, lang)} after {corr_fr} correction)"

    def say(kid, fr, en, kind="info"):
        out.append({"kpi": kid, "kind": kind, "fr": fr, "en": en})

    for kid in comp.kpis:
        kpi = registry.get(kid)
        t = comp.table[comp.table["kpi"] == kid].reset_index(drop=True)
        name_fr, name_en = kpi.name_fr, kpi.name_en
        unit = kpi.unit
        if (t["status"] == "not_computable").all():
            d = str(t["note"].iloc[0])
            say(kid, f"{name_fr} : non calculable ({d}).", f"{name_en}: not computable ({d}).")
            continue
        has_std = t["std_value"].notna().any()
        if not has_std:
            vals_fr = ", ".join(
                f"{r.provider} {fmt.value(r.value, unit, 'fr')} ({fmt.n_text(r.n, 'fr')})"
                for r in t.itertuples()
                if r.value == r.value
            )
            vals_en = ", ".join(
                f"{r.provider} {fmt.value(r.value, unit, 'en')} ({fmt.n_text(r.n, 'en')})"
                for r in t.itertuples()
                if r.value == r.value
            )
            say(
                kid,
                f"{name_fr} (brut, non standardisé) : {vals_fr}.",
                f"{name_en} (raw, not standardised): {vals_en}.",
            )
            continue
        pooled = t["pooled"].iloc[0]
        sp = t["std_pooled"].iloc[0]
        on_fr = on_en = ""
        if sp == sp and not math.isclose(sp, pooled, rel_tol=1e-9, abs_tol=1e-9):
            on_fr = f" ({fmt.value(sp, unit, 'fr')} sur le support commun)"
            on_en = f" ({fmt.value(sp, unit, 'en')} over the common support)"
        say(
            kid,
            f"{name_fr} : valeur commune {fmt.value(pooled, unit, 'fr')}{on_fr} ; chaque "
            f"prestataire est aussi donné standardisé sur le mix commun {_strata_text(comp, kid)}.",
            f"{name_en}: pooled value {fmt.value(pooled, unit, 'en')}{on_en}; each provider is "
            f"also shown standardised to the pooled {_strata_text(comp, kid)} mix.",
        )
        for r in t.itertuples():
            if r.std_value != r.std_value:
                if r.value == r.value:
                    say(
                        kid,
                        f"{r.provider} : {fmt.value(r.value, unit, 'fr')} brut, "
                        f"{fmt.n_text(r.n, 'fr')} — trop peu pour standardiser.",
                        f"{r.provider}: {fmt.value(r.value, unit, 'en')} raw, "
                        f"{fmt.n_text(r.n, 'en')} — too few to standardise.",
                        "warning",
                    )
                continue
            sig = bool(r.std_significant)
            base_fr = (
                f"{r.provider} : {fmt.value(r.std_value, unit, 'fr')} après ajustement du mix "
                f"(brut {fmt.value(r.value, unit, 'fr')}, {fmt.n_text(r.n, 'fr')})"
            )
            base_en = (
                f"{r.provider}: {fmt.value(r.std_value, unit, 'en')} mix-adjusted "
                f"(raw {fmt.value(r.value, unit, 'en')}, {fmt.n_text(r.n, 'en')})"
            )
            if sig:
                rel_fr = _better(r.std_diff, kpi.direction, "fr")
                rel_en = _better(r.std_diff, kpi.direction, "en")
                say(
                    kid,
                    f"{base_fr}, significativement {rel_fr} la valeur commune "
                    f"{adjusted(r.std_diff, r.std_p_adj, unit, 'fr')}.",
                    f"{base_en}, significantly {rel_en} the pooled value "
                    f"{adjusted(r.std_diff, r.std_p_adj, unit, 'en')}.",
                    "finding",
                )
            elif r.std_p == r.std_p:
                say(
                    kid,
                    f"{base_fr} : pas d'écart significatif avec la valeur commune.",
                    f"{base_en}: no significant difference from the pooled value.",
                )
            else:
                say(kid, f"{base_fr}.", f"{base_en}.")
        pw = comp.pairwise[(comp.pairwise["kpi"] == kid) & (comp.pairwise["basis"] == "std")]
        sig_pairs = pw[pw["significant"]]
        for r in sig_pairs.itertuples():
            say(
                kid,
                f"{r.provider_a} est significativement {_better(r.diff, kpi.direction, 'fr')} "
                f"{r.provider_b} après ajustement {adjusted(r.diff, r.p_adj, unit, 'fr')}.",
                f"{r.provider_a} is significantly {_better(r.diff, kpi.direction, 'en')} "
                f"{r.provider_b} after adjustment {adjusted(r.diff, r.p_adj, unit, 'en')}.",
                "finding",
            )
        if len(pw) and not len(sig_pairs):
            say(
                kid,
                f"Aucun écart significatif entre prestataires après ajustement "
                f"(correction de {corr_fr}, seuil {a_fr}).",
                f"No significant difference between providers after adjustment "
                f"({corr_fr} correction, {a_en} level).",
            )
        raw_order = _order(t["value"].to_numpy(float), comp.providers, kpi.direction)
        std_order = _order(t["std_value"].to_numpy(float), comp.providers, kpi.direction)
        common = [x for x in raw_order if x in std_order]
        std_common = [x for x in std_order if x in common]
        if len(common) >= 2 and common != std_common:
            say(
                kid,
                f"Le mix change la lecture : en brut l'ordre est {' > '.join(common)} ; après "
                f"ajustement du mix {_strata_text(comp, kid)} il devient {' > '.join(std_common)}. "
                "L'écart brut tient en partie au mix traité, pas seulement à la performance.",
                f"The mix changes the reading: raw order {' > '.join(common)}; after adjusting "
                f"the {_strata_text(comp, kid)} mix it becomes {' > '.join(std_common)}. "
                "Part of the raw gap comes from the mix handled, not only from performance.",
                "finding",
            )
            out[-1]["key"] = True
        adj = comp.adjustments.get(kid)
        if adj:
            say(kid, *_support_sentences(adj, comp.meta), "method")
            if adj["covered"] < 0.999:
                cov_fr = fmt.percent(100 * adj["covered"], "fr", 0)
                cov_en = fmt.percent(100 * adj["covered"], "en", 0)
                say(
                    kid,
                    f"Support commun : chaque valeur standardisée sur {cov_fr} du mix (cellules "
                    "où un prestataire n'a aucun contact écartées pour tous).",
                    f"Common support: every value standardised over {cov_en} of the mix (cells "
                    "where a provider has no unit left out for all).",
                    "warning",
                )
    return out


def _support_sentences(adj: dict, meta: dict) -> tuple[str, str]:
    """Cells left out of the common support (who lacks them) and cells shrunk (who, how much)."""
    parts_fr, parts_en = [], []
    if adj["excluded"]:
        txt = {}
        for lang in ("fr", "en"):  # channel codes in words
            cells = [cell_label(e["cell"], adj.get("strata") or (), lang) for e in adj["excluded"]]
            txt[lang] = ", ".join(cells[:6]) + (" …" if len(cells) > 6 else "")
        parts_fr.append(f"hors support commun : {txt['fr']}")
        parts_en.append(f"outside the common support: {txt['en']}")
    if adj["shrunk"]:
        who = sorted({s["provider"] for s in adj["shrunk"]})
        n = len(adj["shrunk"])
        mc = fmt.integer(meta["min_cell"], "fr"), fmt.integer(meta["min_cell"], "en")
        parts_fr.append(
            f"{fmt.integer(n, 'fr')} cellule(s) de moins de {mc[0]} unités rapprochées de la "
            f"valeur du motif du prestataire (poids n/(n + k), k = {fmt.number(adj['k'], 'fr', 0)}"
            f") chez {', '.join(who)}"
        )
        parts_en.append(
            f"{fmt.integer(n, 'en')} cell(s) under {mc[1]} units shrunk toward the provider's "
            f"motif value (weight n/(n + k), k = {fmt.number(adj['k'], 'en', 0)}) for "
            f"{', '.join(who)}"
        )
    strata = " × ".join(adj["strata"]) or "—"
    if not parts_fr:
        return (
            f"Cellules {strata} : toutes communes et assez fournies, aucun ajustement.",
            f"Cells {strata}: all shared and large enough, no adjustment.",
        )
    return (
        f"Cellules {strata} : " + " ; ".join(parts_fr) + ".",
        f"Cells {strata}: " + "; ".join(parts_en) + ".",
    )


def _strata_text(comp: Comparison, kid: str) -> str:
    adj = comp.adjustments.get(kid)
    fields = adj["strata"] if adj else comp.meta.get("strata", [])
    return " × ".join(fields) or "—"


def scorecard_sentences(sc: Scorecard, registry: Registry) -> list[dict]:
    """The weighted ranking with P(rank 1), an uncertain first place, dominated providers and each
    missed threshold."""
    out = []
    t = sc.table
    parts_fr = [
        f"{int(r.rank)}. {r.provider} (score {fmt.number(r.score, 'fr', 0)}, premier dans "
        f"{fmt.percent(100 * r.p_first, 'fr', 0)} des rééchantillonnages)"
        for r in t.itertuples()
        if r.score == r.score
    ]
    parts_en = [
        f"{int(r.rank)}. {r.provider} (score {fmt.number(r.score, 'en', 0)}, first in "
        f"{fmt.percent(100 * r.p_first, 'en', 0)} of resamples)"
        for r in t.itertuples()
        if r.score == r.score
    ]
    n_fr, n_en = fmt.integer(sc.meta["n_boot"], "fr"), fmt.integer(sc.meta["n_boot"], "en")
    out.append(
        {
            "kind": "finding",
            "fr": "Classement pondéré : " + " ; ".join(parts_fr) + f" ({n_fr} tirages).",
            "en": "Weighted ranking: " + "; ".join(parts_en) + f" ({n_en} resamples).",
            "key": True,
        }
    )
    if len(t) and t["p_first"].max() < SURE_FIRST:
        out.append(
            {
                "kind": "warning",
                "fr": "Le premier rang est incertain : aucun prestataire n'est premier dans au "
                f"moins {fmt.percent(100 * SURE_FIRST, 'fr', 0)} des rééchantillonnages.",
                "en": "The first place is uncertain: no provider ranks first in at least "
                f"{fmt.percent(100 * SURE_FIRST, 'en', 0)} of resamples.",
            }
        )
    for r in t.itertuples():
        if r.dominated_by:
            out.append(
                {
                    "kind": "finding",
                    "fr": f"{r.provider} fait moins bien que {r.dominated_by} sur chaque "
                    "indicateur pondéré : il ne peut pas être classé devant.",
                    "en": f"{r.provider} does worse than {r.dominated_by} on every weighted "
                    "KPI: it cannot rank above.",
                }
            )
    misses = sc.details[sc.details["meets"] == False]  # noqa: E712
    for r in misses.itertuples():
        kpi = registry.get(r.kpi)
        lab = f" ({r.threshold_label})" if r.threshold_label else ""
        op = "<" if kpi.direction != "lower" else ">"
        out.append(
            {
                "kind": "warning",
                "fr": f"{r.provider} : {kpi.name_fr} {fmt.value(r.value, r.unit, 'fr')} "
                f"{op} seuil {fmt.value(r.threshold, r.unit, 'fr')}{lab}.",
                "en": f"{r.provider}: {kpi.name_en} {fmt.value(r.value, r.unit, 'en')} "
                f"{op} threshold {fmt.value(r.threshold, r.unit, 'en')}{lab}.",
            }
        )
    return out


def comparison_findings(comp: Comparison, sc: Scorecard | None = None) -> list[dict]:
    """The sentences as plain findings (rule, severity, segment, text_fr, text_en, evidence)."""
    out = []
    sev = {"finding": "info", "warning": "warning", "method": "info", "info": "info"}
    for s in comp.sentences + (sc.sentences if sc else []):
        out.append(
            {
                "rule": "provider_comparison",
                "severity": sev.get(s["kind"], "info"),
                "kind": "finding" if s["kind"] in ("finding", "warning") else "note",
                "segment": {"kpi": s.get("kpi")} if s.get("kpi") else {},
                "text_fr": s["fr"],
                "text_en": s["en"],
                "evidence": {"key": bool(s.get("key"))},
            }
        )
    return out
