"""Cross-analysis views: the nine ready-made analyses of ``kpis.crossviews`` (``ANALYSES``) and
the free pairing of any KPI with any KPI. Each declares its inputs and returns the table its chart
draws (with n and intervals), one chart spec, its key numbers and the findings of its rules.

A chart that can be clicked (scatters, bars) declares a selection; ``ViewResult.selection``
names the segment field a click picks, for the page's drill-down to contacts. The heat map and
the weekly lines declare none.
"""

from __future__ import annotations

import pandas as pd

from kpis import crossviews as cv
from kpis import format as fmt
from kpis.labels import category_label
from kpis.views import charts, topn
from kpis.views.base import (
    Input,
    NotAvailable,
    View,
    ViewResult,
    by_text,
    compute,
    field_name,
    kpi_name,
    kpi_unit,
    lang_of,
    t2,
    targets,
)
from kpis.views.findings import run_findings
from kpis.views.intraday import weekday_names

SEGMENTS = ("motif", "canal", "agent_id", "team", "provider", "niveau", "sous_motif", "site")
PERIODS = (None, "week", "month")
FREE = ("free", "Libre : indicateur × indicateur", "Free pairing: KPI × KPI")
# analysis -> (input "by": default, options); the others take no segment
BY = {
    "fcr_recontact": ("motif", (*SEGMENTS, "week")),
    "declared_measured": ("provider", SEGMENTS),
    "dmt_motif": ("motif", SEGMENTS),
    "csat_fcr": ("motif", SEGMENTS),
}
NEEDS = {
    "fcr_recontact": {"contacts": ("resolved_first_contact", "customer_id", "started_at")},
    "declared_measured": {"contacts": ("resolved_first_contact",)},
    "wait_abandon": {"contacts": ("started_at", "answered", "wait_s")},
    "volume_recontact": {"contacts": ("customer_id", "started_at", "motif")},
    "dmt_motif": {"contacts": ("talk_s",)},
    "transfer_motif": {"contacts": ("transferred", "motif")},
    "csat_fcr": {"surveys": ("resolved_declared", "csat_score")},
    "avoidable_pareto": {"contacts": ("motif",)},
    "ho_hno": {"contacts": ("started_at", "canal")},
}


def _segments(df: pd.DataFrame, lang: str) -> tuple[str, str]:
    return t2("segments", "segments", lang), fmt.integer(len(df), lang)


def _pair_units(res: ViewResult, kx: str, ky: str, lang: str) -> None:
    for side, k in (("x", kx), ("y", ky)):
        u, name = kpi_unit(k), kpi_name(k, lang)
        res.units.update({f"{side}_value": u, f"{side}_ci_low": u, f"{side}_ci_high": u})
        res.units[f"{side}_n"] = "count"
        res.labels.update(
            {
                f"{side}_value": name,
                f"{side}_ci_low": f"{name} : {t2('IC bas', 'CI low', lang)}",
                f"{side}_ci_high": f"{name} : {t2('IC haut', 'CI high', lang)}",
                f"{side}_n": f"n ({name})",
            }
        )
    res.units["n"] = "count"


def _overall(res: ViewResult, tables, kpis, settings, lang) -> None:
    """The analysis' KPIs over the whole selection as key numbers."""
    r = compute(tables, kpis, settings)
    r = r[r["status"] != "not_computable"]
    for row in r.drop_duplicates("kpi").itertuples():
        res.add_number(kpi_name(row.kpi, lang), row.value, row.unit, lang)


def _pairing(tables, p, settings, kind: str) -> ViewResult:
    lang = lang_of(settings)
    params, f = settings["params"], settings["filters"]
    tg = targets(settings)
    if kind == "fcr_recontact":
        by = p["by"]
        kx, ky = "fcr", "recontact_rate_contacts"
        df = cv.fcr_recontact(tables, by, params, filters=f)
        label = "period" if by == "week" else by
    elif kind == "csat_fcr":
        label = p["by"]
        kx, ky = "fcr_survey", "csat"
        df = cv.csat_fcr(tables, label, params, filters=f)
    else:
        kx, ky, by = p["x"], p["y"], p.get("by")
        df = cv.pairing(tables, kx, ky, by, params, p.get("period"), filters=f)
        label = by or "period"
    if df.empty or label not in df.columns:
        raise NotAvailable(
            "aucun segment où les deux indicateurs sont calculables",
            "no segment where both KPIs can be computed",
        )
    res = ViewResult(title="", table=df.reset_index(drop=True))
    res.chart = charts.scatter(
        df,
        label,
        x_title=kpi_name(kx, lang),
        y_title=kpi_name(ky, lang),
        x_target=tg.get(kx),
        y_target=tg.get(ky),
        lang=lang,
    )
    res.selection = {"param": charts.POINT, "field": "_label", "segment": label}
    _pair_units(res, kx, ky, lang)
    _overall(res, tables, [kx, ky], settings, lang)
    k, v = _segments(df, lang)
    res.numbers[k] = v
    return res


def _bars(
    df, by, lang, *, value="value", unit="%", title="", target=None, color=None, pool="", total=None
):
    """Bars with whiskers; ``pool`` (rate, mean, share): at most ``topn.TOP_N`` segments, the
    rest pooled into "autres" from their counts (``topn.pool_frame``), said in the subtitle."""
    note = ""
    if pool:
        df, note = topn.pool_frame(
            df, by, topn.TOP_N, lang, kind=pool, value=value, total=total, group=color
        )
        if "_hl" in df.columns:
            df = df.assign(_hl=df["_hl"].astype("boolean").fillna(False).astype(bool))
    return charts.bars_ci(
        df,
        by,
        value=value,
        title=title,
        unit=unit,
        seg_title=field_name(by, lang),
        target=target,
        color=color,
        selectable=True,
        note=note,
        lang=lang,
    )


def _declared_measured(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    by = p["by"]
    df = cv.declared_measured(tables, by, settings["params"], filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucun FCR calculable", "no FCR can be computed")
    df.insert(1, "indicateur", df["kpi"].map(lambda k: kpi_name(k, lang)))
    df["unit"] = "%"
    res = ViewResult(title="", table=df)
    res.chart = _bars(df, by, lang, title="FCR", color="indicateur", pool="rate")
    res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": by}
    _overall(res, tables, ["fcr", "fcr_measured", "fcr_survey"], settings, lang)
    return res


def _wait_abandon(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    df = cv.wait_abandon(tables, filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucun appel entrant présenté", "no inbound call offered")
    res = ViewResult(title="", table=df)
    title = t2("Taux d'abandon (%)", "Abandon rate (%)", lang)
    days = weekday_names(lang)  # the chart names the days (the table keeps 0 = Monday)
    plot = df.assign(weekday=df["weekday"].map(lambda d: days[int(d)]))
    res.chart = charts.heatmap(
        plot,
        "hour",
        "weekday",
        value="abandon_rate",
        title=title,
        unit="%",
        x_title=t2("heure", "hour", lang),
        y_title=t2("jour", "day", lang),
        x_sort=sorted(df["hour"].unique()),
        y_sort=[d for d in days if d in set(plot["weekday"])],
        lang=lang,
    )
    res.units = {"abandon_rate": "%", "ci_low": "%", "ci_high": "%", "wait_s": "s"}
    res.units.update({"n": "count", "abandoned": "count"})
    n, ab = float(df["n"].sum()), float(df["abandoned"].sum())
    res.add_number(t2("taux d'abandon", "abandon rate", lang), 100 * ab / n, "%", lang)
    res.add_number(t2("appels entrants présentés", "inbound calls offered", lang), n, "count", lang)
    res.n = int(n)
    return res


def _volume_recontact(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    df, lags = cv.volume_recontact(tables, settings["params"], filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucune semaine complète", "no complete week")
    res = ViewResult(title="", table=df)
    res.extra_tables[t2("Corrélation par décalage", "Correlation by lag", lang)] = lags
    rec = kpi_name("recontact_rate_contacts", lang)
    res.chart = charts.two_series(
        df,
        "period",
        [("volume", t2("volume", "volume", lang)), ("recontact", f"{rec} (%)")],
        title=t2("Volume et recontact par semaine", "Volume and recontact by week", lang),
        lang=lang,
    )
    res.units = {"recontact": "%", "ci_low": "%", "ci_high": "%", "volume": "count", "n": "count"}
    res.add_number(t2("semaines", "weeks", lang), len(df), "count", lang)
    if len(lags):
        r0 = lags.iloc[0]
        res.numbers[t2("corrélation (décalage 0)", "correlation (lag 0)", lang)] = (
            f"r = {fmt.number(r0['r'], lang, 2)} ({fmt.p_value(r0['p'], lang)})"
        )
    return res


def _dmt(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    by = p["by"]
    df = cv.dmt_by(tables, by, filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucune durée de traitement", "no handling time")
    df["unit"] = "s"
    res = ViewResult(title="", table=df)
    res.chart = _bars(df, by, lang, unit="s", title=kpi_name("dmt", lang), pool="mean")
    res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": by}
    res.units = {c: "s" for c in ("q1", "median", "q3")}
    mean = float((df["value"] * df["n"]).sum() / df["n"].sum())
    res.add_number(t2("durée moyenne de traitement", "mean handling time", lang), mean, "s", lang)
    top = df.sort_values("value", ascending=False).iloc[0]
    res.numbers[t2("segment le plus long", "longest segment", lang)] = (
        f"{category_label(by, top[by], lang)}{' : ' if lang == 'fr' else ': '}"
        f"{fmt.duration(top['value'], lang)}"
    )
    return res


def _transfer(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    df = cv.transfer_motif(tables, settings["params"], filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucun transfert calculable", "no transfer rate can be computed")
    df["unit"] = "%"
    res = ViewResult(title="", table=df)
    plot = df.drop_duplicates("motif")
    res.chart = _bars(
        plot, "motif", lang, title=kpi_name("transfer_rate", lang),
        target=targets(settings).get("transfer_rate"), pool="rate",
    )  # fmt: skip
    res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": "motif"}
    res.units = {"transfers": "count"}
    _overall(res, tables, ["transfer_rate"], settings, lang)
    return res


def _avoidable(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    df = cv.avoidable_pareto(tables, settings["params"], filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucun motif", "no motif")
    from kpis.stats import wilson_interval

    lo, hi = wilson_interval(df["n"], float(df["n"].sum()))  # each motif's share of contacts
    df.insert(3, "ci_low", 100 * lo)
    df.insert(4, "ci_high", 100 * hi)
    res = ViewResult(title="", table=df)
    res.chart = _bars(
        df.assign(_hl=df["avoidable"]), "motif", lang, value="share",
        title=t2("Part des contacts (%)", "Share of contacts (%)", lang),
        pool="share", total=float(df["n"].sum()),
    )  # fmt: skip
    res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": "motif"}
    res.units = {"share": "%", "cum_share": "%", "n": "count", "ci_low": "%", "ci_high": "%"}
    share = float(df.loc[df["avoidable"], "share"].sum())
    res.add_number(t2("part des motifs évitables", "avoidable share", lang), share, "%", lang)
    res.add_number(t2("motifs", "motifs", lang), len(df), "count", lang)
    return res


def _ho_hno(tables, p, settings) -> ViewResult:
    lang = lang_of(settings)
    df = cv.ho_hno(tables, settings["params"], filters=settings["filters"])
    if df.empty:
        raise NotAvailable("aucun contact daté par canal", "no dated contact by channel")
    df["unit"] = "%"
    res = ViewResult(title="", table=df)
    res.chart = _bars(
        df, "canal", lang, title=kpi_name("ho_hno", lang), target=targets(settings).get("ho_hno")
    )
    res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": "canal"}
    res.units = {"ho": "count", "hno": "count"}
    _overall(res, tables, ["ho_hno"], settings, lang)
    return res


RUNNERS = {
    "fcr_recontact": lambda t, p, s: _pairing(t, p, s, "fcr_recontact"),
    "declared_measured": _declared_measured,
    "wait_abandon": _wait_abandon,
    "volume_recontact": _volume_recontact,
    "dmt_motif": _dmt,
    "transfer_motif": _transfer,
    "csat_fcr": lambda t, p, s: _pairing(t, p, s, "csat_fcr"),
    "avoidable_pareto": _avoidable,
    "ho_hno": _ho_hno,
    "free": lambda t, p, s: _pairing(t, p, s, "free"),
}


def _make(analysis: str) -> View:
    if analysis == "free":
        _, fr, en = FREE
        rules: tuple[str, ...] = ()
        inputs = (
            Input("x", "kpi", "fcr", label_fr="Indicateur X", label_en="KPI X"),
            Input("y", "kpi", "recontact_rate_contacts", label_fr="Indicateur Y", label_en="KPI Y"),
            Input("by", "field", "motif", SEGMENTS, "Segment", "Segment"),
            Input("period", "period", None, PERIODS, "Période", "Period"),
        )
    else:
        fr, en, rules = cv.ANALYSES[analysis]
        inputs = ()
        if analysis in BY:
            default, options = BY[analysis]
            inputs = (Input("by", "field", default, options, "Par", "By"),)
    base_fr, base_en = "Analyse croisée", "Cross-analysis"

    def describe(p, lang: str) -> str:
        if analysis == "free":
            name = f"{kpi_name(p['x'], lang)} / {kpi_name(p['y'], lang)}"
        else:
            name = fr if lang == "fr" else en
        how = by_text(p.get("by"), p.get("period"), lang)
        head = f"{base_fr} : {name}" if lang == "fr" else f"{base_en}: {name}"
        return head + (f" ({how})" if how else "")

    def run(tables, p: dict, settings: dict) -> ViewResult:
        if "contacts" not in tables:
            raise NotAvailable("pas de table de contacts", "no contacts table")
        res = RUNNERS[analysis](tables, p, settings)
        if rules:
            # whole tables + filters, as the analysis: recontacts are found among every contact
            res.findings = run_findings(
                tables,
                settings["params"],
                settings,
                filters=settings["filters"] or None,
                rules=rules,
                with_charts=True,
            )
        res.table = res.table.reset_index(drop=True)
        return res

    return View(
        id=f"cross.{analysis}",
        title_fr=fr,
        title_en=en,
        cell="crossview",
        inputs=inputs,
        compute=run,
        needs=NEEDS.get(analysis, {"contacts": ()}),
        rules=tuple(rules),
        describe=describe,
        cell_params={"analysis": analysis},
    )


VIEWS = {a: _make(a) for a in (*cv.ANALYSES, "free")}
