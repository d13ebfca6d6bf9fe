"""Dashboard view: every computable KPI against its target, with its 95 % interval, n, monthly
trend, the breakdown KPIs' top rows and the KPIs that cannot be computed (with what they need);
each KPI's change vs the previous complete month or week with its interval, the alerts (off a
sourced target, or moved after Holm's correction) and the mix / performance decomposition of the
moves (``kpis.periods``)."""

from __future__ import annotations

import pandas as pd

from kpis import format as fmt
from kpis import periods
from kpis.labels import needs_text
from kpis.populations import population_text
from kpis.targets import target_info, verdict
from kpis.views import charts
from kpis.views.base import (
    Input,
    View,
    ViewResult,
    breakdown_columns,
    compute,
    kpi_name,
    lang_of,
    t2,
    text,
)

# at most 8: every deliverable shows every key number (a slide has room for 8)
KEY_NUMBERS = (
    "volume", "answer_rate", "dmt", "fcr", "fcr_measured", "recontact_rate", "csat", "nps",
)  # fmt: skip
BREAKDOWNS = ("Répartitions (5 premières valeurs)", "Breakdowns (top 5 values)")
TREND = ("Tendance mensuelle", "Monthly trend")
UNAVAILABLE = ("Indicateurs non calculables", "KPIs that cannot be computed")
CHANGES = ("Variation vs période précédente", "Change vs the previous period")
ALERTS = ("Alertes", "Alerts")
CELLS = ("Décomposition mix / performance", "Mix / performance decomposition")
TOP_CELLS = 5
LABELS = {
    "previous_period": ("Période précédente", "Previous period"),
    "current_period": ("Période en cours", "Current period"),
    "previous_value": ("Valeur précédente", "Previous value"),
    "current_value": ("Valeur en cours", "Current value"),
    "n_previous": ("n précédent", "previous n"),
    "n_current": ("n en cours", "current n"),
    "diff_low": ("Écart IC 95 % bas", "Change 95% CI low"),
    "diff_high": ("Écart IC 95 % haut", "Change 95% CI high"),
    "p_holm": ("p ajusté (Holm)", "adjusted p (Holm)"),
    "dispersion": ("Dispersion des volumes journaliers (φ)", "Dispersion of daily counts (φ)"),
    "tested": ("Testé", "Tested"),
    "moved": ("Variation significative", "Significant change"),
    "low_sample": ("Échantillon faible", "Low sample"),
    "mix": ("Effet mix", "Mix effect"),
    "performance": ("Effet performance", "Performance effect"),
    "change_text": ("Variation", "Change"),
    "change_pct": ("Variation (%)", "Change (%)"),
    "change_pct_low": ("Variation IC 95 % bas (%)", "Change 95% CI low (%)"),
    "change_pct_high": ("Variation IC 95 % haut (%)", "Change 95% CI high (%)"),
    "sentence": ("Décomposition", "Decomposition"),
    "reason": ("Alerte", "Alert"),
    "period": ("Période", "Period"),
    "level": ("Cellules", "Cells"),
    "cell": ("Cellule", "Cell"),
    "s0": ("Part précédente", "Previous share"),
    "s1": ("Part en cours", "Current share"),
    "r0": ("Valeur précédente", "Previous value"),
    "r1": ("Valeur en cours", "Current value"),
}
TOP = 5


def extra_name(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def run(tables, p: dict, settings: dict) -> ViewResult:
    from kpis.definitions import REGISTRY

    lang = lang_of(settings)
    ids = list(p.get("kpis") or REGISTRY.ids)
    overall = compute(tables, ids, settings)
    keys = breakdown_columns(overall)
    is_main = overall[keys].isna().all(axis=1) if keys else pd.Series(True, overall.index)
    main = overall[is_main & (overall["status"] != "not_computable")]
    # targets on the data's scale with their source; a sourceless default judges nothing
    tg = {k: target_info(settings, k, tables, settings.get("params")) for k in main["kpi"]}
    table = pd.DataFrame(
        {
            "kpi": main["kpi"].to_numpy(),
            "indicateur": [kpi_name(k, lang) for k in main["kpi"]],
            "value": main["value"].to_numpy(float),
            "ci_low": main["ci_low"].to_numpy(float),
            "ci_high": main["ci_high"].to_numpy(float),
            "n": main["n"].to_numpy(float),
            # what the KPI counts over: "18 662 appels entrants présentés"
            "population": [
                population_text(n, pid, lang)
                for n, pid in zip(main["n"], main["population_id"], strict=True)
            ],
            "unit": main["unit"].to_numpy(),
            "target": [tg[k].value if tg[k].judged else None for k in main["kpi"]],
            "target_source": [tg[k].source for k in main["kpi"]],
            "status": main["status"].to_numpy(),
            "detail": main["detail"].astype(object).map(text).to_numpy(),
        }
    )
    res = ViewResult(title="", table=table)
    for r in table.itertuples():
        if r.kpi in KEY_NUMBERS:
            res.add_number(r.indicateur, r.value, r.unit, lang)
    parts = []
    for key in keys:
        rows = overall[overall[key].notna() & (overall["status"] != "not_computable")]
        for kpi_id, part in rows.groupby("kpi", sort=False):
            top = part.sort_values("value", ascending=False).head(TOP)
            parts.append(
                pd.DataFrame(
                    {
                        "kpi": kpi_id,
                        "indicateur": kpi_name(kpi_id, lang),
                        "segment": top[key].astype(object).map(text).to_numpy(),
                        "value": top["value"].to_numpy(float),
                        "ci_low": top["ci_low"].to_numpy(float),
                        "ci_high": top["ci_high"].to_numpy(float),
                        "n": top["n"].to_numpy(float),
                        "unit": top["unit"].to_numpy(),
                    }
                )
            )
    if parts:
        res.extra_tables[extra_name(BREAKDOWNS, lang)] = pd.concat(parts, ignore_index=True)
    monthly = None
    if p.get("trend", True) and len(table):
        monthly = compute(tables, list(table["kpi"]), settings, period="month")
    if monthly is not None and "period" in monthly.columns:  # no period: aggregates only
        m_keys = breakdown_columns(monthly)
        monthly = monthly[monthly[m_keys].isna().all(axis=1)] if m_keys else monthly
        monthly = monthly[monthly["kpi"].isin(set(table["kpi"])) & monthly["period"].notna()]
        if len(monthly):
            wide = monthly.pivot_table(
                index="kpi", columns="period", values="value", aggfunc="first", dropna=False
            )
            wide = wide.reindex([k for k in table["kpi"] if k in wide.index])
            wide.columns = [pd.Timestamp(c).strftime("%Y-%m") for c in wide.columns]
            wide.insert(0, "indicateur", [kpi_name(k, lang) for k in wide.index])
            wide["unit"] = table.set_index("kpi").loc[wide.index, "unit"].to_numpy()
            res.extra_tables[extra_name(TREND, lang)] = wide.reset_index()
    missing = overall[overall["status"] == "not_computable"].drop_duplicates("kpi")
    if len(missing):
        res.extra_tables[extra_name(UNAVAILABLE, lang)] = pd.DataFrame(
            {
                "kpi": missing["kpi"].to_numpy(),
                "indicateur": [kpi_name(k, lang) for k in missing["kpi"]],
                "needs": [needs_text(REGISTRY.get(k).needs, lang) for k in missing["kpi"]],
                "detail": missing["detail"].astype(object).map(text).to_numpy(),
            }
        )
    pct = table[(table["unit"] == "%") & table["value"].notna()]
    if len(pct):
        title = t2(
            "Taux (%) — valeur, intervalle à 95 %, cible",
            "Rates (%) — value, 95% interval, target",
            lang,
        )
        res.chart = charts.rates_overview(pct, title=title, lang=lang)
    _periods(res, tables, table, tg, settings, p.get("compare") or "month", lang)
    vol = table[table["kpi"] == "volume"]
    if len(vol):
        res.n = int(vol["value"].iloc[0])
    res.units = {"target": "row", "previous_value": "row", "current_value": "row"}
    res.units |= {"mix": "diff", "performance": "diff", "r0": "row", "r1": "row"}
    res.units |= {"diff_low": "diff", "diff_high": "diff", "p_holm": "p"}
    res.units |= {"change_pct": "%", "change_pct_low": "%", "change_pct_high": "%"}
    res.units |= {"s0": "fraction", "s1": "fraction", "n_previous": "count", "n_current": "count"}
    res.labels = {k: v[0 if lang == "fr" else 1] for k, v in LABELS.items()}
    return res


def _periods(res: ViewResult, tables, table, tg, settings, grain: str, lang: str) -> None:
    """Change vs the previous period, alerts and decomposition cells as extra tables, and the
    sentences saying which periods and how many KPIs the Holm correction covers."""
    from kpis.definitions import REGISTRY

    cmp = periods.compare_periods(tables, list(table["kpi"]), settings, grain)
    if cmp["current"] is None:
        res.sentences.append(
            {
                "kind": "period",
                "text": t2(
                    "Pas de comparaison : les données filtrées ne couvrent pas deux "
                    f"{'mois' if grain == 'month' else 'semaines'} complets.",
                    f"No comparison: the filtered data do not cover two complete "
                    f"{'months' if grain == 'month' else 'weeks'}.",
                    lang,
                ),
            }
        )
    else:
        cur = periods.period_label(cmp["current"], grain, lang)
        prev = periods.period_label(cmp["previous"], grain, lang)
        last = t2("dernier mois complet", "last complete month", lang)
        if grain == "week":
            last = t2("dernière semaine complète", "last complete week", lang)
        said = t2(f"Comparaison : {cur} vs {prev}", f"Comparison: {cur} vs {prev}", lang)
        res.sentences.append({"kind": "period", "text": f"{said} ({last})"})
        res.sentences.append(
            {
                "kind": "holm",
                "text": t2(
                    f"Variations : correction de Holm sur {cmp['tested']} indicateurs testés "
                    "(seuil 5 % ; échantillons faibles non testés).",
                    f"Changes: Holm correction over {cmp['tested']} KPIs tested "
                    "(5% level; low samples not tested).",
                    lang,
                ),
            }
        )
    changes = cmp["table"]
    if len(changes):
        res.extra_tables[extra_name(CHANGES, lang)] = changes
    alerts = []
    filtered = any(v not in (None, "", [], ()) for v in (settings.get("filters") or {}).values())
    whole = (
        t2("données filtrées", "filtered data", lang)
        if filtered
        else t2("toute la période", "whole period", lang)
    )
    by_kpi = changes.set_index("kpi") if len(changes) else pd.DataFrame()
    for r in table.itertuples():
        reasons = []
        if verdict(r.value, tg[r.kpi], REGISTRY.get(r.kpi).direction) == "off_target":
            target = fmt.value(tg[r.kpi].value, r.unit, lang)
            reasons.append(t2(f"hors cible ({target})", f"off target ({target})", lang))
        ch = by_kpi.loc[r.kpi] if r.kpi in by_kpi.index else None
        if ch is not None and bool(ch["moved"]):
            reasons.append(t2("variation significative", "significant change", lang))
        if not reasons:
            continue
        moved = ch is not None and bool(ch["moved"])
        alerts.append(
            {
                "kpi": r.kpi,
                "indicateur": r.indicateur,
                "reason": " ; ".join(reasons) if lang == "fr" else "; ".join(reasons),
                # a move speaks of the current period; a gap to the target of the card's value
                "period": ch["current_period"] if moved else whole,
                "value": ch["current_value"] if moved else r.value,
                "unit": r.unit,
                "population": ch["population"] if moved else r.population,
                "change_text": "" if ch is None else ch["change_text"],
                "p_holm": float("nan") if ch is None else ch["p_holm"],
                "sentence": "" if ch is None else ch["sentence"],
            }
        )
    res.extra_tables[extra_name(ALERTS, lang)] = pd.DataFrame(
        alerts,
        columns=["kpi", "indicateur", "reason", "period", "value", "unit", "population"]
        + ["change_text", "p_holm", "sentence"],
    )
    cells = cmp["cells"]
    if len(cells):
        weight = cells["mix"].abs() + cells["performance"].abs()
        top = cells.assign(_w=weight).sort_values("_w", ascending=False)
        top = top.groupby("kpi", sort=False).head(TOP_CELLS).drop(columns="_w")
        order = {k: i for i, k in enumerate(table["kpi"])}
        top = top.sort_values("kpi", key=lambda s: s.map(order), kind="stable")
        top["unit"] = top["kpi"].map(table.set_index("kpi")["unit"])
        cols = ["kpi", "indicateur", "level", "cell", "s0", "s1", "r0", "r1", "mix", "performance"]
        res.extra_tables[extra_name(CELLS, lang)] = top[[*cols, "unit"]].reset_index(drop=True)


VIEW = View(
    id="dashboard",
    title_fr="Tableau de bord",
    title_en="Dashboard",
    cell="dashboard",
    inputs=(
        Input("kpis", "kpis", None, label_fr="Indicateurs (tous)", label_en="KPIs (all)"),
        Input("trend", "bool", True, (True, False), "Tendance mensuelle", "Monthly trend"),
        Input(
            "compare",
            "choice",
            "month",
            periods.GRAINS,
            "Comparer avec la période précédente",
            "Compare with the previous period",
        ),
    ),
    compute=run,
)
