"""A view: one declared analysis (inputs → result), the one source of what a page shows and what
a notebook cell, the Excel / HTML / PowerPoint deliverables and the CLI write.

``View`` declares its id, fr/en title, inputs (``Input``: KPIs, segments, choices, numbers, with
defaults and allowed options) and ``run(tables, params, settings) -> ViewResult``. ``settings``:
``{"params": engine params, "filters": the filters in force, "targets": {kpi: value}, "lang":
"fr"|"en", "rules": rule settings}``. ``tables`` are the **whole** tables: each view applies the
filters itself (recontact flags are found among every contact, as the engine does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpis import format as fmt
from kpis.errors import PiloteError
from kpis.labels import detail_text, needs_text

PERIOD_WORDS = {"day": ("jour", "day"), "week": ("semaine", "week"), "month": ("mois", "month")}


class NotAvailable(Exception):
    """The data cannot feed this view (a table or field is missing): said, not raised further."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en


@dataclass(frozen=True)
class Input:
    """One input of a view: ``kind`` in kpi, kpis, field, fields, period, choice, int, float,
    bool, mapping; ``options`` the allowed values (empty: any value of that kind)."""

    name: str
    kind: str
    default: Any = None
    options: tuple = ()
    label_fr: str = ""
    label_en: str = ""

    def label(self, lang: str = "fr") -> str:
        return (self.label_fr if lang == "fr" else self.label_en) or self.name


@dataclass
class ViewResult:
    """A view computed on the current data, ready for a page or a deliverable.

    The first attributes are those the deliverable writers read (``kpis.report``); ``values``
    gives the raw value and unit behind each key number, ``units`` the unit of table columns
    that have none in a ``unit`` column (``fraction``, ``diff``, ``p`` or a KPI unit),
    ``selection`` the chart's click selection (``{"param", "field", "segment"}``) when it has
    one, ``n`` the population behind the result, ``sentences`` what the screen says in words
    (``{"kind", "text"}``), ``labels`` headers of the result's own columns (in its language).
    """

    title: str
    table: pd.DataFrame
    chart: dict | None = None
    findings: list[dict] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)
    view: str = ""
    cell_id: str = ""
    comment: str = ""
    params: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    error: str | None = None
    # for the screen
    view_id: str = ""
    sentences: list[dict] = field(default_factory=list)
    values: dict[str, tuple[float, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    selection: dict | None = None
    n: int | None = None
    population: str = ""
    extra_charts: dict[str, dict] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add_number(self, label: str, value: Any, unit: str, lang: str) -> None:
        """A key number: its text through ``kpis.format`` and its raw value."""
        if fmt.is_missing(value):
            return
        self.numbers[label] = fmt.KeyNumber.of(value, unit, lang)  # a str that keeps its number
        self.values[label] = (float(value), unit)


@dataclass(frozen=True)
class View:
    """One analysis: ``compute(tables, params, settings) -> ViewResult`` with declared inputs."""

    id: str
    title_fr: str
    title_en: str
    cell: str  # the workspace cell's view name (kpis.workspace.VIEWS)
    inputs: tuple[Input, ...]
    compute: Callable[..., ViewResult] = field(repr=False, compare=False)
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    describe: Callable[[Mapping, str], str] | None = field(default=None, repr=False)
    cell_params: Mapping[str, Any] = field(default_factory=dict)  # fixed params of its cells
    check: Callable[[Mapping, Mapping], list[str]] | None = field(default=None, repr=False)

    def title(self, lang: str = "fr") -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def input(self, name: str) -> Input:
        return next(i for i in self.inputs if i.name == name)

    def defaults(self) -> dict:
        return {i.name: i.default for i in self.inputs}

    def resolve(self, params: Mapping | None) -> dict:
        """Defaults completed by ``params``; a value outside an input's options is refused."""
        out = self.defaults()
        for k, v in (params or {}).items():
            if k in out:
                out[k] = v
        for i in self.inputs:
            v = out[i.name]
            if i.options and v is not None and v not in i.options:
                raise ValueError(
                    f"{self.id}: {i.name} = {v!r} not in {', '.join(map(str, i.options))}"
                )
        return out

    def full_title(self, params: Mapping | None = None, lang: str = "fr") -> str:
        """The title with the inputs that shape the result (e.g. "FCR × recontact (par motif)")."""
        p = self.resolve_quiet(params)
        return self.describe(p, lang) if self.describe else self.title(lang)

    def resolve_quiet(self, params: Mapping | None) -> dict:
        try:
            return self.resolve(params)
        except ValueError:
            return {**self.defaults(), **dict(params or {})}

    def missing(
        self, tables: Mapping[str, pd.DataFrame], params: Mapping | None = None, check=True
    ) -> list[str]:
        """What this view needs and the tables lack (empty: it can run): ``table.field`` of its
        declared needs, the segment fields its inputs name that no table has, and (``check``)
        what its own check finds (``run`` leaves that to the view, whose message says more)."""
        out = []
        for name, fields in self.needs.items():
            t = tables.get(name)
            if t is None:
                out.append(name)
                continue
            out += [f"{name}.{f}" for f in fields if f not in t.columns]
        p = self.resolve_quiet(params)
        present = {c for t in tables.values() if t is not None for c in t.columns}
        for i in self.inputs:
            if i.kind not in ("field", "fields") or not p.get(i.name):
                continue
            values = [p[i.name]] if isinstance(p[i.name], str) else list(p[i.name])
            out += [v for v in values if v not in present and v not in PERIOD_WORDS]
        if check and self.check is not None:
            out += self.check(tables, p)
        return out

    def run(
        self,
        tables: Mapping[str, pd.DataFrame],
        params: Mapping | None = None,
        settings: Mapping | None = None,
    ) -> ViewResult:
        """The result on ``tables``; missing data or a bad input becomes ``ViewResult.error``."""
        s = dict(settings or {})
        s.setdefault("params", {})
        s.setdefault("filters", {})
        lang = s.get("lang", "fr")
        title = self.full_title(params, lang)
        try:
            p = self.resolve(params)
            lacking = self.missing(tables, p, check=False)
            if lacking:
                raise NotAvailable(
                    f"données absentes : {needs_text(lacking, 'fr')}",
                    f"missing data: {needs_text(lacking, 'en')}",
                )
            res = self.compute(tables, p, s)
        except NotAvailable as e:
            res = ViewResult(title, pd.DataFrame(), error=e.fr if lang == "fr" else e.en)
        except PiloteError as e:
            res = ViewResult(title, pd.DataFrame(), error=e.message(lang))
        except (ValueError, KeyError) as e:
            res = ViewResult(title, pd.DataFrame(), error=str(e).strip("'\""))
        res.title = res.title or title
        res.view, res.view_id = self.cell, self.id
        res.params, res.filters = dict(params or {}), dict(s["filters"])
        return res


# Helpers shared by the views -------------------------------------------------------------------


def kpi_name(kpi_id: str, lang: str = "fr") -> str:
    from kpis.definitions import REGISTRY

    return REGISTRY.get(kpi_id).name(lang) if kpi_id in REGISTRY else kpi_id


def kpi_unit(kpi_id: str) -> str:
    from kpis.definitions import REGISTRY

    return REGISTRY.get(kpi_id).unit if kpi_id in REGISTRY else ""


def field_name(name: str, lang: str = "fr") -> str:
    """A canonical field's label (first table declaring it), else the name itself."""
    from kpis.schema import TABLES

    if name == "period":
        return "période" if lang == "fr" else "period"
    for tdef in TABLES.values():
        if name in tdef.names:
            return tdef.get(name).label(lang)
    return name


def by_text(fields, period, lang: str = "fr") -> str:
    """ "par motif × canal par mois" / "by motif × canal by month" (field labels, lower case)."""
    word = "par " if lang == "fr" else "by "
    fields = [fields] if isinstance(fields, str) else list(fields or [])
    labels = []
    for f in fields:
        if f in PERIOD_WORDS:
            labels.append(PERIOD_WORDS[f][0 if lang == "fr" else 1])
        else:
            label = field_name(f, lang)
            labels.append(label[:1].lower() + label[1:] if label[1:2].islower() else label)
    parts = [word + " × ".join(labels)] if labels else []
    if period:
        parts.append(word + PERIOD_WORDS.get(period, (period, period))[0 if lang == "fr" else 1])
    return " ".join(parts)


def targets(settings: Mapping) -> dict:
    """Every KPI's target: the declared default, overridden by ``settings["targets"]``."""
    from kpis.definitions import REGISTRY

    out = {k.id: k.default_target for k in REGISTRY}
    out.update({k: float(v) for k, v in (settings.get("targets") or {}).items()})
    return out


def text(v) -> str:
    """A segment value as text (dates as ISO days, missing as "")."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    return str(v)


def kpi_rows(res: pd.DataFrame, keys=()) -> pd.DataFrame:
    """Drop breakdown rows (KPIs such as motifs that add their own key column)."""

    extra = breakdown_columns(res, keys)
    if not extra:
        return res
    return res[res[extra].isna().all(axis=1)]


def breakdown_columns(res: pd.DataFrame, keys=()) -> list[str]:
    """Key columns that breakdown KPIs add to an engine result."""
    from kpis.engine import RESULT_COLUMNS

    return [c for c in res.columns if c not in ("kpi", "period", *keys, *RESULT_COLUMNS)]


def compute(tables, kpis, settings: Mapping, by=None, period=None, filters=None) -> pd.DataFrame:
    """``kpis.engine.compute`` under the settings' filters (or ``filters``) and parameters."""
    from kpis.engine import compute as engine_compute

    f = settings.get("filters") if filters is None else filters
    res = engine_compute(
        tables,
        list(kpis) if kpis is not None else None,
        by=list(by) if by else None,
        period=period,
        filters=dict(f) or None if f else None,
        params=dict(settings.get("params") or {}) or None,
    )
    if "detail" in res.columns:  # the engine's notes in the page's language, no field ids
        lang = lang_of(settings)
        res["detail"] = [detail_text(d, lang) for d in res["detail"].tolist()]
    return res


def lang_of(settings: Mapping) -> str:
    return "en" if settings.get("lang") == "en" else "fr"


def t2(fr: str, en: str, lang: str) -> str:
    return fr if lang == "fr" else en
