"""Explorer view: one KPI by up to two segment fields and/or a period — table with intervals and
n, one chart (bars with whiskers, heat map or lines), the overall value and the best and weakest
segment. Bars by one field can be clicked (selection ``segment`` → the page's drill-down)."""

from __future__ import annotations

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
    lang_of,
    t2,
    text,
)

PERIODS = (None, "day", "week", "month")
SORTS = ("segment", "value_desc", "value_asc")


def _by(p) -> list[str]:
    by = p.get("by") or []
    return [by] if isinstance(by, str) else list(by)


def describe(p, lang: str) -> str:
    return (
        f"{kpi_name(p.get('kpi') or 'fcr', lang)} {by_text(_by(p), p.get('period'), lang)}".strip()
    )


def run(tables, p: dict, settings: dict) -> ViewResult:
    from kpis.definitions import REGISTRY

    lang = lang_of(settings)
    kpi, by, period = p["kpi"], _by(p), p.get("period")
    if kpi not in REGISTRY:
        raise ValueError(f"unknown KPI '{kpi}'")
    if len(by) > 2:
        raise ValueError("at most two segment fields")
    res_all = compute(tables, [kpi], settings, by=by, period=period)
    ok = res_all[res_all["status"] != "not_computable"]
    if ok.empty or ok["value"].isna().all():  # nothing to show: say why
        detail = text(res_all["detail"].iloc[0]) if len(res_all) else ""
        raise _why_not(tables, kpi, settings, detail)
    if p.get("sort") in ("value_desc", "value_asc"):
        ok = ok.sort_values("value", ascending=p["sort"] == "value_asc", kind="stable")
    unit = REGISTRY.get(kpi).unit
    cols = [*by, *(["period"] if period else []), "value", "ci_low", "ci_high", "n", "unit"]
    table = ok[[*cols, "status", "detail"]].reset_index(drop=True)
    for b in by:
        table[b] = table[b].astype(object).map(text)
    table["detail"] = table["detail"].astype(object).map(text)
    name = kpi_name(kpi, lang)
    res = ViewResult(title="", table=table, units={"period": period} if period else {})
    shown = table[table["value"].notna()]
    plot, note = _pooled(tables, p, settings, shown, by, period, lang)
    if note:
        res.sentences.append({"kind": "note", "text": note})
    if len(plot) and (by or period):
        if period:
            data, color = plot, None
            if len(by) == 2:  # one line per pair of segment values
                color = " · ".join(by)
                data = plot.assign(**{color: plot[by[0]] + " · " + plot[by[1]]})
            elif by:
                color = by[0]
            res.chart = charts.lines(data, color=color, title=name, unit=unit, note=note, lang=lang)
        elif len(by) == 2:
            res.chart = charts.heatmap(
                plot,
                by[0],
                by[1],
                title=name,
                unit=unit,
                x_title=field_name(by[0], lang),
                y_title=field_name(by[1], lang),
                x_sort=list(dict.fromkeys(plot[by[0]])),
                y_sort=list(dict.fromkeys(plot[by[1]])),
                note=note,
                lang=lang,
            )
        else:
            res.chart = charts.bars_ci(
                plot,
                by[0],
                title=name,
                unit=unit,
                seg_title=field_name(by[0], lang),
                selectable=True,
                note=note,
                lang=lang,
            )
            res.selection = {"param": charts.SEGMENT, "field": "_seg", "segment": by[0]}
    elif len(shown):
        res.chart = charts.bars_ci(shown.assign(kpi=name), "kpi", title=name, unit=unit, lang=lang)
    overall = compute(tables, [kpi], settings) if (by or period) else ok
    if len(overall) and overall["value"].notna().any():
        row = overall.iloc[0]
        res.add_number(name, row["value"], unit, lang)
        res.n = int(row["n"]) if row["n"] == row["n"] else None
        res.population = fmt.n_text(row["n"], lang)
    # best and weakest among the segments with enough data (a low sample is no "best"); a KPI
    # with no good direction (a volume) has a highest and a lowest value, not a best
    solid = shown[shown["status"] == "ok"] if "status" in shown.columns else shown
    solid = solid[solid["value"].notna()]
    if by and not period and len(solid) > 1:
        direction = REGISTRY.get(kpi).direction
        ranked = solid.sort_values("value", ascending=direction == "lower", kind="stable")
        words = (
            (("meilleur segment", "best segment"), ("segment le plus faible", "weakest segment"))
            if direction in ("higher", "lower")
            else (
                ("valeur la plus haute", "highest value"),
                ("valeur la plus basse", "lowest value"),
            )
        )
        for label, row in (
            (t2(*words[0], lang), ranked.iloc[0]),
            (t2(*words[1], lang), ranked.iloc[-1]),
        ):
            seg = " · ".join(str(category_label(b, text(row[b]), lang)) for b in by)
            sep = " : " if lang == "fr" else ": "
            res.numbers[label] = f"{seg}{sep}{fmt.value(row['value'], unit, lang)}"
    return res


def lacking(tables, kpi: str) -> dict[str, list[str]]:
    """The tables and fields the KPI declares (``KPI.needs``) that the data lacks:
    {table: [missing fields]} (an absent table lists every field)."""
    from kpis.definitions import REGISTRY

    out = {}
    for name, fields in REGISTRY.get(kpi).needs.items():
        t = tables.get(name)
        missing = list(fields) if t is None else [f for f in fields if f not in t.columns]
        if missing or t is None:
            out[name] = missing
    return out


def needs_text(missing: dict[str, list[str]], lang: str) -> str:
    """ "la table « Contacts » (Identifiant client, Motif)" — labels, never field ids in French."""
    from kpis.schema import TABLES

    parts = []
    for name, fields in missing.items():
        tdef = TABLES.get(name)
        label = (tdef.label_fr if lang == "fr" else tdef.label_en) if tdef else name
        names = ", ".join(field_name(f, lang) for f in fields)
        parts.append(
            t2(f"la table « {label} »", f"the '{label}' table", lang)
            + (f" ({names})" if names else "")
        )
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def _why_not(tables, kpi: str, settings, detail: str) -> NotAvailable:
    """Why the KPI has no value: what it needs and the data lacks; else, when a filter is set,
    that no row passes the filters; else the engine's word."""
    name = kpi_name(kpi, "fr"), kpi_name(kpi, "en")
    missing = lacking(tables, kpi)
    if missing:
        return NotAvailable(
            f"{name[0]} non calculable : il faut {needs_text(missing, 'fr')}.",
            f"{name[1]} not computable: needs {needs_text(missing, 'en')}.",
        )
    if settings.get("filters"):
        return NotAvailable(
            "Aucune ligne ne correspond aux filtres.", "No row matches the filters."
        )
    return NotAvailable(
        f"{name[0]} non calculable sur ces données (aucune ligne exploitable).",
        f"{name[1]} not computable on this data: {detail or 'no usable row'}.",
    )


def _pooled(tables, p, settings, shown, by, period, lang):
    """The rows the chart draws: at most ``top`` values of each segment field (by n), the rest
    pooled into "autres" and the KPI recomputed on the pooled rows (``kpis.views.topn``)."""
    top = int(p.get("top") or topn.TOP_N)
    if period and len(by) == 2:  # one panel per pair over time: at most 5 × 5 of them
        top = min(top, 5)
    keep, notes = {}, []
    for b in by:
        total = shown[b].nunique()
        if total > top:
            keep[b] = topn.top_values(shown, b, top)
            notes.append(topn.note(b, top, total, lang))
    if not keep:
        return shown, ""
    other = topn.other_label(lang)
    pooled, filters = topn.pool_tables(tables, keep, other, settings.get("filters"))
    res = compute(pooled, [p["kpi"]], settings, by=by, period=period, filters=filters)
    res = res[(res["status"] != "not_computable") & res["value"].notna()].copy()
    rank = {}
    for b in by:
        res[b] = res[b].astype(object).map(text)
        if b in keep:  # the table's order (its sort), "autres" last
            order = list(dict.fromkeys(v for v in shown[b] if v in set(keep[b])))
            rank[b] = {v: i for i, v in enumerate([*order, other])}
    key = [f"_r{i}" for i in range(len(rank))]
    for k, (b, r) in zip(key, rank.items(), strict=True):
        res[k] = res[b].map(r).fillna(len(r))
    res = res.sort_values([*key, *(["period"] if period else [])], kind="stable")
    return res.drop(columns=key).reset_index(drop=True), " ; ".join(notes) if lang == "fr" else (
        "; ".join(notes)
    )


VIEW = View(
    id="explorer",
    title_fr="Explorer",
    title_en="Explorer",
    cell="explorer",
    inputs=(
        Input("kpi", "kpi", "fcr", label_fr="Indicateur", label_en="KPI"),
        Input("by", "fields", [], label_fr="Segments (2 au plus)", label_en="Segments (up to 2)"),
        Input("period", "period", None, PERIODS, "Période", "Period"),
        Input("sort", "choice", "segment", SORTS, "Tri", "Sort"),
        Input(
            "top",
            "int",
            topn.TOP_N,
            label_fr="Catégories affichées (les autres regroupées)",
            label_en="Categories shown (the rest pooled)",
        ),
    ),
    compute=run,
    describe=describe,
)
