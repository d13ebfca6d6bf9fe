"""Hours and slots: a KPI by hour × weekday (heat map) or by intraday slot of 15, 30 or 60 min
(all filtered days together), over the filtered contacts.

Each cell is the engine's own KPI on the contacts whose ``started_at`` falls in it (``by`` a
weekday and a slot column derived from ``started_at``), so the numbers agree with the dashboard:
volume = contacts (rows); appels présentés = inbound calls presented; attente moyenne = mean
``wait_s`` over inbound calls presented (``avg_wait``), attente médiane its median; niveau de
service = answered with ``wait_s`` ≤ ``sl_seconds`` ÷ presented calls × 100. Values are totals
(or rates) over the whole period, not per-day averages. Date-only timestamps (every
``started_at`` at 00:00:00, or ``date_only`` in the import report): not computable, said.
"""

from __future__ import annotations

import pandas as pd
from babel.dates import get_day_names

from kpis import format as fmt
from kpis.views import charts
from kpis.views.base import (
    Input,
    NotAvailable,
    View,
    ViewResult,
    compute,
    kpi_name,
    lang_of,
    t2,
)

MEASURES = ("volume", "offered", "avg_wait", "median_wait", "service_level")
KPI_OF = {"median_wait": "avg_wait"}
LAYOUTS = ("week", "intraday")
SLOTS = (15, 30, 60)
WEEKDAY, SLOT = "weekday", "slot"


def weekday_names(lang: str = "fr") -> list[str]:
    """Monday … Sunday in the language (Babel)."""
    names = get_day_names("wide", locale=fmt.locale(lang))
    return [str(names[i]) for i in range(7)]


def has_time(settings, contacts: pd.DataFrame) -> bool:
    """False when ``started_at`` carries dates only: the import report said ``date_only``
    (``settings["date_only"]``: True or a list of fields) or every value sits at midnight."""
    from kpis.rules.data import has_time_of_day

    said = settings.get("date_only")
    if said is True or (isinstance(said, list | tuple | set) and "started_at" in said):
        return False
    return has_time_of_day(contacts["started_at"])


def slot_columns(started: pd.Series, layout: str, minutes: int, lang: str) -> pd.DataFrame:
    """Weekday name and slot label ("09 h" by hour; "09:30" by slot of ``minutes``)."""
    names = weekday_names(lang)
    out = pd.DataFrame(index=started.index)
    out[WEEKDAY] = started.dt.day_of_week.map(lambda d: names[int(d)] if d == d else None)
    if layout == "week":
        out[SLOT] = started.dt.hour.map(lambda h: f"{int(h):02d} h" if h == h else None)
    else:
        m = started.dt.hour * 60 + (started.dt.minute // minutes) * minutes
        out[SLOT] = m.map(lambda v: f"{int(v) // 60:02d}:{int(v) % 60:02d}" if v == v else None)
    return out.astype(object)


def check(tables, p) -> list[str]:
    """What the data lacks for this view beyond its declared needs: a time of day."""
    c = tables.get("contacts")
    if c is None or "started_at" not in c.columns or has_time({}, c):
        return []
    return ["contacts.started_at (with a time of day)"]


def describe(p, lang: str) -> str:
    m = p.get("measure") or "volume"
    name = measure_name(m, lang)
    if (p.get("layout") or "week") == "week":
        return name + t2(" par heure et jour de la semaine", " by hour and weekday", lang)
    return name + t2(
        f" par créneau de {p.get('slot') or 30} min", f" by {p.get('slot') or 30}-min slot", lang
    )


def measure_name(m: str, lang: str) -> str:
    if m == "median_wait":
        return t2("Attente médiane", "Median wait", lang)
    return kpi_name(m, lang)


def run(tables, p: dict, settings: dict) -> ViewResult:
    from kpis.definitions import REGISTRY

    lang = lang_of(settings)
    measure, layout, minutes = p["measure"], p["layout"], int(p["slot"])
    contacts = tables.get("contacts")
    if contacts is None or "started_at" not in contacts.columns:
        raise NotAvailable("il faut contacts.started_at", "needs contacts.started_at")
    if not has_time(settings, contacts):
        raise NotAvailable(
            "Les vues par heure et par créneau ne peuvent pas être calculées : les dates de "
            "début des contacts ne portent pas d'heure (date seule).",
            "Hour and slot views cannot be computed: the contacts' start dates carry no time of "
            "day (date only).",
        )
    kpi = KPI_OF.get(measure, measure)
    unit = REGISTRY.get(kpi).unit
    extra = slot_columns(contacts["started_at"], layout, minutes, lang)
    data = {**tables, "contacts": contacts.assign(**{c: extra[c] for c in extra})}
    by = [WEEKDAY, SLOT] if layout == "week" else [SLOT]
    out = compute(data, [kpi], settings, by=by)
    ok = out[(out["status"] != "not_computable") & out[SLOT].notna()]
    if ok.empty:
        detail = str(out["detail"].iloc[0]) if len(out) else ""
        name = measure_name(measure, lang)
        raise NotAvailable(f"{name} non calculable : {detail}", f"{name} not computable: {detail}")
    cols = ["value", "ci_low", "ci_high"]
    if measure == "median_wait":
        ok = ok.assign(value=ok["median"], ci_low=ok["median_ci_low"], ci_high=ok["median_ci_high"])
    names = weekday_names(lang)
    table = ok[[*by, *cols, "n"]].copy()
    table["unit"] = unit
    order = {n: i for i, n in enumerate(names)}
    sort_keys = [table[SLOT].astype(str)]
    if layout == "week":
        sort_keys.insert(0, table[WEEKDAY].map(order))
    table = table.iloc[pd.DataFrame(sort_keys).T.apply(tuple, axis=1).argsort(kind="stable")]
    table = table.reset_index(drop=True)
    title = measure_name(measure, lang)
    res = ViewResult(title="", table=table)
    res.labels = {
        WEEKDAY: t2("Jour", "Weekday", lang),
        SLOT: t2("Heure", "Hour", lang) if layout == "week" else t2("Créneau", "Slot", lang),
    }
    shown = table[table["value"].notna()]
    slots = sorted(shown[SLOT].astype(str).unique())
    if layout == "week":
        days = [d for d in names if d in set(shown[WEEKDAY])]
        res.chart = charts.heatmap(
            shown,
            SLOT,
            WEEKDAY,
            title=title,
            unit=unit,
            x_title=res.labels[SLOT],
            y_title=res.labels[WEEKDAY],
            x_sort=slots,
            y_sort=days,
            lang=lang,
        )
    else:
        res.chart = charts.columns(
            shown.sort_values(SLOT),
            SLOT,
            title=title,
            unit=unit,
            x_title=res.labels[SLOT],
            lang=lang,
        )
    overall = compute(tables, [kpi], settings)
    if len(overall):
        row = overall.iloc[0]
        v = row["median"] if measure == "median_wait" else row["value"]
        res.add_number(title, v, unit, lang)
        if row["n"] == row["n"]:
            res.n = int(row["n"])
            res.population = fmt.n_text(row["n"], lang)
    if len(shown):
        top = shown.sort_values("value", ascending=False, kind="stable").iloc[0]
        where = top[SLOT] if layout == "intraday" else f"{top[WEEKDAY]} {top[SLOT]}"
        sep = " : " if lang == "fr" else ": "
        res.numbers[t2("case la plus haute", "highest cell", lang)] = (
            f"{where}{sep}{fmt.value(top['value'], unit, lang)}"
        )
    res.sentences.append(
        {
            "kind": "note",
            "text": t2(
                "Chaque case porte sur toute la période filtrée (total ou taux, pas une moyenne "
                "par jour), selon l'heure de début du contact.",
                "Each cell covers the whole filtered period (a total or a rate, not a per-day "
                "average), by the contact's start time.",
                lang,
            ),
        }
    )
    return res


VIEW = View(
    id="intraday",
    title_fr="Heures et créneaux",
    title_en="Hours and slots",
    cell="intraday",
    inputs=(
        Input("measure", "choice", "volume", MEASURES, "Mesure", "Measure"),
        Input("layout", "choice", "week", LAYOUTS, "Vue", "View"),
        Input("slot", "choice", 30, SLOTS, "Créneau (min)", "Slot (min)"),
    ),
    compute=run,
    needs={"contacts": ("started_at",)},
    describe=describe,
    check=check,
)
