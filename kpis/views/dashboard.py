"""Dashboard view: every computable KPI against its target, with its 95 % interval, n, monthly
trend, the breakdown KPIs' top rows and the KPIs that cannot be computed (with what they need)."""

from __future__ import annotations

import pandas as pd

from kpis.labels import needs_text
from kpis.populations import population_text
from kpis.targets import target_info
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
    vol = table[table["kpi"] == "volume"]
    if len(vol):
        res.n = int(vol["value"].iloc[0])
    res.units = {"target": "row"}
    return res


VIEW = View(
    id="dashboard",
    title_fr="Tableau de bord",
    title_en="Dashboard",
    cell="dashboard",
    inputs=(
        Input("kpis", "kpis", None, label_fr="Indicateurs (tous)", label_en="KPIs (all)"),
        Input("trend", "bool", True, (True, False), "Tendance mensuelle", "Monthly trend"),
    ),
    compute=run,
)
