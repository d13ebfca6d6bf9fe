"""Provider comparison view: raw and mix-standardised KPIs per provider with intervals and n,
tests against the pooled value and pairwise (corrected), merges of sparse cells, the sentences
that say what the tests found, and the weighted scorecard with P(rank 1) (``kpis.compare``)."""

from __future__ import annotations

import pandas as pd

from kpis import format as fmt
from kpis.labels import cell_label
from kpis.views import charts
from kpis.views.base import Input, View, ViewResult, kpi_name, kpi_unit, lang_of, t2, targets

PAIRWISE = ("Comparaisons deux à deux", "Pairwise comparisons")
SCORECARD = ("Tableau de score pondéré", "Weighted scorecard")
DETAILS = ("Détail du score", "Score details")
MERGES = ("Cellules ajustées", "Adjusted cells")
TABLE_COLUMNS = [
    "kpi", "provider", "value", "ci_low", "ci_high", "n", "std_value", "std_ci_low",
    "std_ci_high", "coverage", "pooled", "std_diff", "std_p_adj", "std_significant", "unit",
    "status",
]  # fmt: skip


def name(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _chart(comp, lang: str) -> dict | None:
    """One panel per KPI: raw and adjusted value per provider with whiskers, pooled value."""
    import altair as alt

    plot = comp.table[comp.table["value"].notna() & (comp.table["kind"] != "")]
    if plot.empty:
        return None
    raw, adj = t2("brut", "raw", lang), t2("ajusté mix", "mix-adjusted", lang)
    rows = []
    for r in plot.itertuples():
        label = f"{kpi_name(r.kpi, lang)} ({r.unit})"
        for series, v, lo, hi in (
            (raw, r.value, r.ci_low, r.ci_high),
            (adj, r.std_value, r.std_ci_low, r.std_ci_high),
        ):
            if v == v:
                rows.append(
                    {
                        "indicateur": label,
                        "provider": str(r.provider),
                        "series": series,
                        "value": v,
                        "ci_low": lo,
                        "ci_high": hi,
                        "n": r.n,
                        "pooled": r.pooled,
                    }
                )
    data = charts.frame(pd.DataFrame(rows))
    color = alt.Color(
        "series:N", title=None, scale=alt.Scale(domain=[raw, adj], range=[charts.GREY, charts.BLUE])
    )
    base = alt.Chart().encode(
        y=alt.Y("provider:N", title=None), yOffset=alt.YOffset("series:N", sort=[raw, adj])
    )
    tip = [alt.Tooltip("provider:N"), alt.Tooltip("series:N", title=" ")]
    tip += [alt.Tooltip(f"{c}:Q", format=",.1f") for c in ("value", "ci_low", "ci_high")]
    tip.append(alt.Tooltip("n:Q", format=",.0f"))
    layer = alt.layer(
        base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", title=None, scale=alt.Scale(zero=False)), x2="ci_high:Q",
            color=color,
        ),
        base.mark_point(filled=True, size=70).encode(x="value:Q", color=color, tooltip=tip),
        alt.Chart().mark_rule(color=charts.RED, strokeDash=[4, 4]).encode(x="mean(pooled):Q"),
        data=data,
    )  # fmt: skip
    title = t2(
        "Prestataires : brut et ajusté au mix (IC 95 %)",
        "Providers: raw and mix-adjusted (95% CI)",
        lang,
    )
    chart = (
        layer.properties(width=420, height=30 * data["provider"].nunique() + 30)
        .facet(
            row=alt.Row(
                "indicateur:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
            )
        )
        .resolve_scale(x="independent")
        .properties(title=title)
    )
    return charts.spec(chart, lang)


def run(tables, p: dict, settings: dict) -> ViewResult:
    from kpis.compare import compare_providers, comparison_findings, default_kpis, scorecard

    lang = lang_of(settings)
    # the one default KPI set (page, CLI, standard audit): measured FCR preferred over declared
    kpis = list(p.get("kpis") or default_kpis(tables, settings["params"] or None))
    comp = compare_providers(
        tables,
        kpis,
        params=settings["params"] or None,
        min_cell=int(p.get("min_cell") or 30),
        strata=p.get("strata") or None,
        providers=p.get("providers") or None,
        provider_field=p.get("provider_field") or settings.get("provider_field", "provider"),
        filters=settings["filters"] or None,
        correction=p.get("correction") or "holm",
    )
    table = comp.table[TABLE_COLUMNS].copy()
    table.insert(1, "indicateur", table["kpi"].map(lambda k: kpi_name(k, lang)))
    res = ViewResult(title="", table=table.reset_index(drop=True))
    res.units = {"coverage": "fraction", "std_diff": "diff", "std_p_adj": "p"}
    pw = comp.pairwise.copy()
    pw.insert(1, "indicateur", pw["kpi"].map(lambda k: kpi_name(k, lang)))
    pw["unit"] = pw["kpi"].map(kpi_unit)
    res.extra_tables[name(PAIRWISE, lang)] = pw
    merges = []  # cells left out of the common support, and sparse cells shrunk
    for k, adj in comp.adjustments.items():
        for e in adj.get("excluded", []):
            merges.append(
                {
                    "kpi": k,
                    "indicateur": kpi_name(k, lang),
                    "into": t2("hors support commun", "outside the common support", lang),
                    "cells": cell_label(e["cell"], adj.get("strata") or (), lang),
                    "short_providers": ", ".join(e["missing"]),
                }
            )
        for s in adj.get("shrunk", []):
            merges.append(
                {
                    "kpi": k,
                    "indicateur": kpi_name(k, lang),
                    "into": t2("rapprochée du motif", "shrunk toward the motif", lang),
                    "cells": cell_label(s["cell"], adj.get("strata") or (), lang),
                    "short_providers": str(s["provider"]),
                }
            )
    if merges:
        res.extra_tables[name(MERGES, lang)] = pd.DataFrame(merges)
    for s in comp.sentences:
        res.sentences.append({"kind": s["kind"], "kpi": s.get("kpi"), "text": s[lang]})
    weights = p.get("weights")
    if weights is None:  # not given: every comparable KPI weighs 1 (an empty mapping: no score)
        weights = {k: 1.0 for k in kpis if k in comp.stats}
    weights = {k: float(v) for k, v in weights.items() if k in comp.kpis and v and float(v) > 0}
    sc = None
    if weights:
        tg = targets(settings)
        thresholds = {k: tg.get(k) for k in weights}
        thresholds.update(p.get("thresholds") or {})
        sc = scorecard(
            comp,
            weights,
            thresholds,
            n_boot=int(p.get("n_boot") or 1000),
            seed=int(p.get("seed") or 0),
            basis=p.get("basis") or "std",
        )
        res.extra_tables[name(SCORECARD, lang)] = sc.table.copy()
        details = sc.details.copy()
        details.insert(1, "indicateur", details["kpi"].map(lambda k: kpi_name(k, lang)))
        res.extra_tables[name(DETAILS, lang)] = details
        for s in sc.sentences:
            res.sentences.append({"kind": "score", "kpi": s.get("kpi"), "text": s[lang]})
        top = sc.table.iloc[0]
        lab = t2("premier (pondéré)", "first (weighted)", lang)
        share = fmt.percent(100 * top["p_first"], lang, 0)
        res.numbers[lab] = t2(
            f"{top['provider']} ({share} des tirages)",
            f"{top['provider']} ({share} of draws)",
            lang,
        )
    res.chart = _chart(comp, lang)
    res.findings = comparison_findings(comp, sc)
    first = next((k for k in kpis if k in comp.kpis), None)
    for r in comp.table[comp.table["std_value"].notna()].itertuples():
        if r.kpi == first:
            res.numbers[f"{kpi_name(r.kpi, lang)} — {r.provider}"] = t2(
                f"{fmt.value(r.std_value, r.unit, lang)} ajusté "
                f"({fmt.value(r.value, r.unit, lang)} brut)",
                f"{fmt.value(r.std_value, r.unit, lang)} adjusted "
                f"({fmt.value(r.value, r.unit, lang)} raw)",
                lang,
            )
    res.n = len(comp.providers)
    return res


def _has_provider(tables, p) -> list[str]:
    fld = p.get("provider_field") or "provider"
    found = any(t is not None and fld in t.columns for t in tables.values())
    return [] if found else [fld]


VIEW = View(
    id="comparison",
    title_fr="Comparaison prestataires",
    title_en="Provider comparison",
    cell="comparison",
    inputs=(
        Input("kpis", "kpis", None, label_fr="Indicateurs", label_en="KPIs"),
        Input("min_cell", "int", 30, label_fr="Effectif minimal par cellule", label_en="Min cell"),
        Input("strata", "values", None, label_fr="Strates du mix", label_en="Mix strata"),
        Input("correction", "choice", "holm", ("holm", "bh"), "Correction", "Correction"),
        Input("providers", "values", None, label_fr="Prestataires", label_en="Providers"),
        Input("provider_field", "field", None, label_fr="Champ prestataire", label_en="Field"),
        Input("weights", "mapping", None, label_fr="Poids", label_en="Weights"),
        Input("thresholds", "mapping", None, label_fr="Seuils", label_en="Thresholds"),
        Input("n_boot", "int", 1000, label_fr="Tirages", label_en="Bootstrap draws"),
        Input("seed", "int", 0, label_fr="Graine", label_en="Seed"),
        Input("basis", "choice", "std", ("std", "raw"), "Base du score", "Score basis"),
    ),
    compute=run,
    check=_has_provider,
)
