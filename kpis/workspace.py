"""The workspace file (mappings, settings, targets, notebook cells) and re-running its cells.

A workspace is a JSON document that lets a monthly export refresh a whole audit: it keeps *how*
to read the files (mapping YAML per file), the settings (engine parameters, global filters,
language), the targets, and the notebook cells (view, parameters, filters, comment) — **never the
data**: no row, no customer or contact identifier. ``Workspace.validate`` enforces it on save and
on load (filters on identifier fields, long value lists and unknown keys are refused with typed
errors).

``run_cell(cell, tables, settings)`` recomputes a cell on the current data and returns a
``CellResult`` (title, table, Vega-Lite chart spec, findings, key numbers) for the views that need
no Streamlit: dashboard, explorer (KPI × segments × period), cross-analysis (the ready-made
analyses of ``kpis.crossviews``), provider comparison,
quality, verbatims and findings (``kpis.rules``). ``standard_audit(tables)``
lists the cells of the default audit written by ``pilote report`` without a workspace.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.errors import PiloteError

WORKSPACE_VERSION = 1
FORMAT_NAME = "pilote-workspace"
VIEWS = ("dashboard", "explorer", "crossview", "comparison", "quality", "verbatims", "findings")
VIEW_TITLES = {
    "dashboard": ("Tableau de bord", "Dashboard"),
    "explorer": ("Explorer", "Explorer"),
    "crossview": ("Analyse croisée", "Cross-analysis"),
    "comparison": ("Comparaison prestataires", "Provider comparison"),
    "quality": ("Qualité", "Quality"),
    "verbatims": ("Verbatims", "Verbatims"),
    "findings": ("Constats", "Findings"),
}
# Identifier fields: a filter on them would store customer data in the workspace.
IDENTIFIER_FIELDS = frozenset({"customer_id", "contact_id", "ticket_id", "comment", "_row"})
MAX_LIST = 200  # values in one filter or parameter list: more looks like data, not a setting
MAX_TEXT = 10_000  # characters in one comment or mapping
TOP_KEYS = ("format", "version", "saved_at", "mappings", "settings", "targets", "cells")
CELL_KEYS = ("id", "view", "title", "params", "filters", "comment", "created_at")
SETTINGS_KEYS = ("params", "filters", "lang", "provider_field", "rules", "note", "pseudonym_key")
DASHBOARD_KPIS = (
    "volume",
    "answer_rate",
    "abandon_rate",
    "service_level",
    "qos_rate",
    "asa",
    "dmt",
    "fcr",
    "fcr_measured",
    "recontact_rate",
    "transfer_rate",
    "avoidable_rate",
    "csat",
    "nps",
    "ces",
    "quality_calls",
    "mttr",
    "sla_compliance",
)
PERIOD_FR = {"day": "jour", "week": "semaine", "month": "mois"}
KEY_NUMBERS = ("volume", "fcr", "fcr_measured", "recontact_rate", "dmt", "service_level", "csat")


# Errors -----------------------------------------------------------------------------------------


class WorkspaceError(PiloteError):
    """A workspace file cannot be used."""

    code = "workspace_error"


class WorkspaceFormatError(WorkspaceError):
    """Not JSON, not a Pilote workspace, or a field of the wrong type."""

    code = "workspace_format"


class WorkspaceVersionError(WorkspaceError):
    """Written by a newer Pilote (or without a version)."""

    code = "workspace_version"


class WorkspaceDataError(WorkspaceError):
    """The document would carry data rows or identifiers, which a workspace never holds."""

    code = "workspace_data"


class UnknownView(WorkspaceError):
    code = "unknown_view"


def _fmt_err(fr: str, en: str, where: str = "") -> WorkspaceFormatError:
    return WorkspaceFormatError(
        f"espace de travail invalide{' (' + where + ')' if where else ''} : {fr}",
        f"invalid workspace{' (' + where + ')' if where else ''}: {en}",
    )


# Cells and workspace ----------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def _jsonable(value: Any, where: str) -> Any:
    """A deep copy of ``value`` made of JSON types only (tuples → lists, dates → ISO text)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v, where) for v in items]
    raise WorkspaceDataError(
        f"« {where} » contient un objet {type(value).__name__} : un espace de travail ne garde "
        "que des réglages, jamais de données.",
        f"'{where}' holds a {type(value).__name__}: a workspace keeps settings, never data.",
    )


def _check_lists(value: Any, where: str) -> None:
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise WorkspaceDataError(
                f"« {where} » contient {len(value)} valeurs (maximum {MAX_LIST}) : cela "
                "ressemble à des données, pas à un réglage.",
                f"'{where}' holds {len(value)} values (at most {MAX_LIST}): that looks like "
                "data, not a setting.",
            )
        for v in value:
            _check_lists(v, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_lists(v, f"{where}.{k}")
    elif isinstance(value, str) and len(value) > MAX_TEXT:
        raise WorkspaceDataError(
            f"« {where} » dépasse {MAX_TEXT} caractères.",
            f"'{where}' is longer than {MAX_TEXT} characters.",
        )


def _check_filters(filters: Mapping, where: str) -> None:
    for k in filters:
        if k in IDENTIFIER_FIELDS:
            raise WorkspaceDataError(
                f"{where} : un filtre sur « {k} » garderait des identifiants dans l'espace de "
                "travail ; il est refusé.",
                f"{where}: a filter on '{k}' would keep identifiers in the workspace; refused.",
                column=k,
            )


def _restore_filters(filters: Mapping) -> dict:
    """JSON lists of two dates on time fields back to the engine's (start, end) tuples."""
    from kpis.filters import DATE_FILTER_KEYS

    out = {}
    for k, v in filters.items():
        if k in DATE_FILTER_KEYS and isinstance(v, list) and len(v) == 2:
            out[k] = (v[0], v[1])
        else:
            out[k] = v
    return out


@dataclass
class Cell:
    """One notebook cell: a view with its parameters and filters, a title and a free comment."""

    view: str
    params: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    comment: str = ""
    title: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created_at: str = field(default_factory=_now)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "view": self.view,
            "title": self.title,
            "params": _jsonable(self.params, f"cells[{self.id}].params"),
            "filters": _jsonable(self.filters, f"cells[{self.id}].filters"),
            "comment": self.comment,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, d: Mapping, where: str = "cell") -> Cell:
        if not isinstance(d, Mapping):
            raise _fmt_err("une cellule doit être un objet.", "a cell must be an object.", where)
        unknown = sorted(set(d) - set(CELL_KEYS))
        if unknown:
            raise _fmt_err(
                f"clés inconnues {', '.join(unknown)}.",
                f"unknown keys {', '.join(unknown)}.",
                where,
            )
        for key, typ in (("params", dict), ("filters", dict)):
            if not isinstance(d.get(key, {}), typ):
                raise _fmt_err(
                    f"« {key} » doit être un objet.", f"'{key}' must be an object.", where
                )
        for key in ("comment", "title", "id", "created_at", "view"):
            if key in d and not isinstance(d[key], str):
                raise _fmt_err(f"« {key} » doit être un texte.", f"'{key}' must be text.", where)
        if "view" not in d:
            raise _fmt_err("« view » manque.", "'view' is missing.", where)
        kw = {k: d[k] for k in CELL_KEYS if k in d}
        kw["params"] = dict(kw.get("params", {}))
        kw["filters"] = _restore_filters(dict(kw.get("filters", {})))
        return cls(**kw)

    def validate(self, where: str = "cell") -> None:
        if self.view not in VIEWS:
            raise UnknownView(
                f"{where} : vue « {self.view} » inconnue ; vues possibles : {', '.join(VIEWS)}.",
                f"{where}: unknown view '{self.view}'; valid views: {', '.join(VIEWS)}.",
            )
        _check_filters(self.filters, where)
        _check_lists(self.to_dict(), where)


@dataclass
class Workspace:
    """Mappings (YAML text per file), settings, targets and notebook cells — never data."""

    mappings: dict[str, str] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    version: int = WORKSPACE_VERSION

    # notebook editing
    def add(self, cell: Cell) -> Cell:
        cell.validate(f"cell {cell.id}")
        self.cells.append(cell)
        return cell

    def _index(self, cell_id: str) -> int:
        for i, c in enumerate(self.cells):
            if c.id == cell_id:
                return i
        raise KeyError(cell_id)

    def move(self, cell_id: str, new_index: int) -> None:
        cell = self.cells.pop(self._index(cell_id))
        self.cells.insert(max(0, min(new_index, len(self.cells))), cell)

    def remove(self, cell_id: str) -> None:
        del self.cells[self._index(cell_id)]

    def set_comment(self, cell_id: str, comment: str) -> None:
        self.cells[self._index(cell_id)].comment = str(comment)

    # validation and (de)serialisation
    def validate(self) -> None:
        if not isinstance(self.mappings, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.mappings.items()
        ):
            raise _fmt_err(
                "« mappings » : un texte YAML par fichier.", "'mappings': one YAML text per file."
            )
        import yaml

        for name, text in self.mappings.items():
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as e:
                raise _fmt_err(
                    f"le mapping « {name} » n'est pas du YAML valide ({e}).",
                    f"mapping '{name}' is not valid YAML ({e}).",
                ) from None
            if not isinstance(doc, dict):
                raise _fmt_err(
                    f"le mapping « {name} » doit être un objet YAML.",
                    f"mapping '{name}' must be a YAML mapping.",
                )
        if not isinstance(self.settings, dict):
            raise _fmt_err("« settings » doit être un objet.", "'settings' must be an object.")
        unknown = sorted(set(self.settings) - set(SETTINGS_KEYS))
        if unknown:
            raise _fmt_err(
                f"réglages inconnus : {', '.join(unknown)}.",
                f"unknown settings: {', '.join(unknown)}.",
            )
        if not isinstance(self.settings.get("params", {}), dict):
            raise _fmt_err("« settings.params » doit être un objet.", "'settings.params'.")
        _check_filters(self.settings.get("filters", {}) or {}, "settings.filters")
        if not isinstance(self.targets, dict):
            raise _fmt_err("« targets » doit être un objet.", "'targets' must be an object.")
        from kpis.definitions import REGISTRY

        for k, v in self.targets.items():
            if k not in REGISTRY:
                raise _fmt_err(
                    f"cible pour un indicateur inconnu « {k} ».", f"target for unknown KPI '{k}'."
                )
            if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(float(v)):
                raise _fmt_err(
                    f"la cible de « {k} » doit être un nombre.",
                    f"target of '{k}' must be a number.",
                )
        ids = [c.id for c in self.cells]
        if len(set(ids)) != len(ids):
            raise _fmt_err("deux cellules ont le même id.", "two cells share one id.")
        for i, c in enumerate(self.cells):
            c.validate(f"cells[{i}]")
        _check_lists(_jsonable(self.settings, "settings"), "settings")
        _check_lists(dict(self.mappings), "mappings")

    def to_dict(self) -> dict:
        self.validate()
        return {
            "format": FORMAT_NAME,
            "version": self.version,
            "saved_at": _now(),
            "mappings": dict(self.mappings),
            "settings": _jsonable(self.settings, "settings"),
            "targets": {k: float(v) for k, v in self.targets.items()},
            "cells": [c.to_dict() for c in self.cells],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, doc: Any) -> Workspace:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise _fmt_err(
                "ce fichier n'est pas un espace de travail Pilote.",
                "this file is not a Pilote workspace.",
            )
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise WorkspaceVersionError(
                "espace de travail sans numéro de version.", "workspace without a version number."
            )
        if version > WORKSPACE_VERSION or version < 1:
            raise WorkspaceVersionError(
                f"espace de travail en version {version} ; cette version de Pilote lit la "
                f"version {WORKSPACE_VERSION}.",
                f"workspace version {version}; this Pilote reads version {WORKSPACE_VERSION}.",
                hint_fr="Mettez Pilote à jour.",
                hint_en="Update Pilote.",
            )
        unknown = sorted(set(doc) - set(TOP_KEYS))
        if unknown:
            raise WorkspaceDataError(
                f"clés inconnues {', '.join(unknown)} : un espace de travail ne garde que "
                "mappings, réglages, cibles et cellules.",
                f"unknown keys {', '.join(unknown)}: a workspace keeps only mappings, settings, "
                "targets and cells.",
            )
        cells = doc.get("cells", [])
        if not isinstance(cells, list):
            raise _fmt_err("« cells » doit être une liste.", "'cells' must be a list.")
        settings = doc.get("settings", {})
        if isinstance(settings, dict) and isinstance(settings.get("filters"), dict):
            settings = {**settings, "filters": _restore_filters(settings["filters"])}
        ws = cls(
            mappings=doc.get("mappings", {}),
            settings=settings,
            targets=doc.get("targets", {}),
            cells=[Cell.from_dict(c, f"cells[{i}]") for i, c in enumerate(cells)],
            version=version,
        )
        ws.validate()
        return ws

    @classmethod
    def from_json(cls, text: str | bytes) -> Workspace:
        try:
            doc = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise _fmt_err(f"JSON illisible ({e}).", f"unreadable JSON ({e}).") from None
        return cls.from_dict(doc)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Workspace:
        p = Path(path)
        try:
            text = p.read_bytes()
        except OSError as e:
            raise WorkspaceError(
                f"impossible de lire le fichier ({e.strerror}).",
                f"cannot read the file ({e.strerror}).",
                file=str(p),
            ) from None
        try:
            return cls.from_json(text)
        except WorkspaceError as e:
            e.file = str(p)
            raise

    def run_settings(self) -> dict:
        """The settings ``run_cell`` reads, with the targets."""
        return {**self.settings, "targets": dict(self.targets)}


# Running cells ----------------------------------------------------------------------------------


@dataclass
class CellResult:
    """A cell recomputed on the current data, ready for a page or a deliverable."""

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


def _kpi_name(kpi_id: str, lang: str) -> str:
    from kpis.definitions import REGISTRY

    return REGISTRY.get(kpi_id).name(lang) if kpi_id in REGISTRY else kpi_id


def _targets(settings: Mapping) -> dict:
    from kpis.definitions import REGISTRY

    out = {k.id: k.default_target for k in REGISTRY}
    out.update({k: float(v) for k, v in (settings.get("targets") or {}).items()})
    return out


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    return str(v)


def _chart_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Plain columns for a Vega-Lite spec: text keys, floats, ISO dates."""
    out = pd.DataFrame(index=range(len(df)))
    for c in df.columns:
        s = df[c].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.astype(object).map(_text)
        elif pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(
            s.dtype, pd.CategoricalDtype
        ):
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype(object).map(_text)
    return out


def _spec(chart) -> dict:
    return chart.to_dict()


def _bar_with_ci(df: pd.DataFrame, x: str, title: str, color: str | None = None, unit: str = ""):
    import altair as alt

    data = _chart_frame(df)
    base = alt.Chart(data)
    y_title = f"valeur ({unit})" if unit else "valeur"
    enc = {
        "x": alt.X(f"{x}:N", sort=None, title=x),
        "y": alt.Y("value:Q", title=y_title),
    }
    bars = base.mark_bar().encode(**enc)
    if color:
        bars = bars.encode(color=alt.Color(f"{color}:N"), xOffset=alt.XOffset(f"{color}:N"))
    layers = [bars]
    if "ci_low" in data and data["ci_low"].notna().any():
        err = base.mark_errorbar().encode(
            x=alt.X(f"{x}:N", sort=None), y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q"
        )
        if color:
            err = err.encode(xOffset=alt.XOffset(f"{color}:N"))
        layers.append(err)
    return alt.layer(*layers).properties(title=title, width=520, height=260)


def _line(df: pd.DataFrame, title: str, color: str | None, unit: str = ""):
    import altair as alt

    data = _chart_frame(df)
    enc = {
        "x": alt.X("period:T", title="période"),
        "y": alt.Y("value:Q", title=f"valeur ({unit})" if unit else "valeur"),
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N")
    line = alt.Chart(data).mark_line(point=True).encode(**enc)
    layers = [line]
    if "ci_low" in data and data["ci_low"].notna().any():
        band = (
            alt.Chart(data)
            .mark_area(opacity=0.2)
            .encode(
                x="period:T",
                y="ci_low:Q",
                y2="ci_high:Q",
                **({"color": enc["color"]} if color else {}),
            )
        )
        layers.insert(0, band)
    return alt.layer(*layers).properties(title=title, width=520, height=260)


def _faceted(df: pd.DataFrame, x: str | None, period: str | None, title: str):
    """One row per KPI with its own y scale (KPIs in different units)."""
    import altair as alt

    data = _chart_frame(df)
    xenc = alt.X("period:T", title="période") if period else alt.X(f"{x}:N", sort=None)
    mark = alt.Chart().mark_line(point=True) if period else alt.Chart().mark_bar()
    layer = alt.layer(mark.encode(x=xenc, y=alt.Y("value:Q", title=None)), data=data)
    return (
        layer.properties(width=480, height=140)
        .facet(row=alt.Row("indicateur:N", title=None))
        .resolve_scale(y="independent")
        .properties(title=title)
    )


def _fmt(value, unit, lang="fr") -> str:
    """A key figure's text (``kpis.format``) that keeps its number for spreadsheets."""
    from kpis.deliverables.text import KeyNumber

    return KeyNumber.of(value, unit, lang)


def _kpi_rows(res: pd.DataFrame, keys=()) -> pd.DataFrame:
    """Drop breakdown rows (KPIs such as motifs that add their own key column)."""
    from kpis.engine import RESULT_COLUMNS

    extra = [c for c in res.columns if c not in ("kpi", "period", *keys, *RESULT_COLUMNS)]
    if not extra:
        return res
    return res[res[extra].isna().all(axis=1)]


def _view_dashboard(cell: Cell, tables, settings, lang) -> CellResult:
    from kpis.definitions import REGISTRY
    from kpis.engine import compute

    kpis = cell.params.get("kpis") or [k for k in DASHBOARD_KPIS if k in REGISTRY]
    res = compute(tables, kpis, filters=cell.filters, params=settings["params"])
    res = _kpi_rows(res)
    targets = _targets(settings)
    table = pd.DataFrame(
        {
            "kpi": res["kpi"].to_numpy(),
            "indicateur": [_kpi_name(k, lang) for k in res["kpi"]],
            "value": res["value"].to_numpy(),
            "ci_low": res["ci_low"].to_numpy(),
            "ci_high": res["ci_high"].to_numpy(),
            "n": res["n"].to_numpy(),
            "unit": res["unit"].to_numpy(),
            "target": [targets.get(k) for k in res["kpi"]],
            "status": res["status"].to_numpy(),
            "detail": res["detail"].astype(object).map(_text).to_numpy(),
        }
    )
    numbers = {
        _kpi_name(r.kpi, lang): _fmt(r.value, r.unit, lang)
        for r in table.itertuples()
        if r.kpi in KEY_NUMBERS and r.value == r.value
    }
    pct = table[(table["unit"] == "%") & table["value"].notna()]
    chart = None
    if len(pct):
        import altair as alt

        data = _chart_frame(pct[["indicateur", "value", "ci_low", "ci_high", "target"]])
        base = alt.Chart(data)
        y = alt.Y("indicateur:N", sort=None, title=None)
        chart = alt.layer(
            base.mark_bar().encode(
                y=y, x=alt.X("value:Q", title="%", scale=alt.Scale(domain=[0, 100]))
            ),
            base.mark_errorbar().encode(y=y, x=alt.X("ci_low:Q", title="%"), x2="ci_high:Q"),
            base.mark_tick(color="black", thickness=2).encode(y=y, x="target:Q"),
        ).properties(title="Taux (%) — valeur, intervalle à 95 %, cible", width=480)
        chart = _spec(chart)
    return CellResult(title="", table=table, chart=chart, numbers=numbers)


def _view_explorer(cell: Cell, tables, settings, lang) -> CellResult:
    from kpis.definitions import REGISTRY
    from kpis.engine import compute

    kpi = cell.params.get("kpi") or "fcr"
    by = cell.params.get("by") or []
    by = [by] if isinstance(by, str) else list(by)
    period = cell.params.get("period")
    res = compute(
        tables, [kpi], by=by, period=period, filters=cell.filters, params=settings["params"]
    )
    res = (
        res[res["status"] != "not_computable"] if (res["status"] != "not_computable").any() else res
    )
    unit = REGISTRY.get(kpi).unit
    cols = [
        *by,
        *(["period"] if period else []),
        "value",
        "ci_low",
        "ci_high",
        "n",
        "unit",
        "status",
        "detail",
    ]
    table = res[[c for c in cols if c in res.columns]].reset_index(drop=True)
    name = _kpi_name(kpi, lang)
    chart = None
    ok = table[table["value"].notna()] if "value" in table else table
    if len(ok) and (by or period):
        if period:
            chart = _line(ok, name, by[0] if by else None, unit)
        else:
            chart = _bar_with_ci(ok, by[0], name, by[1] if len(by) > 1 else None, unit)
        chart = _spec(chart)
    overall = compute(tables, [kpi], filters=cell.filters, params=settings["params"])
    numbers = {}
    if len(overall) and overall["value"].notna().any():
        numbers[name] = _fmt(float(overall["value"].iloc[0]), unit, lang)
    if by and len(ok) > 1 and not period:
        best = ok.sort_values("value", ascending=REGISTRY.get(kpi).direction == "lower").iloc[0]
        worst = ok.sort_values("value", ascending=REGISTRY.get(kpi).direction != "lower").iloc[0]
        lab = "meilleur segment" if lang == "fr" else "best segment"
        lab2 = "segment le plus faible" if lang == "fr" else "weakest segment"
        numbers[lab] = (
            f"{' · '.join(_text(best[b]) for b in by)} : {_fmt(best['value'], unit, lang)}"
        )
        numbers[lab2] = (
            f"{' · '.join(_text(worst[b]) for b in by)} : {_fmt(worst['value'], unit, lang)}"
        )
    return CellResult(title=name, table=table, chart=chart, numbers=numbers)


def _scatter(df: pd.DataFrame, label: str, x_title: str, y_title: str, title: str):
    import altair as alt

    data = _chart_frame(df.assign(_label=df[label].map(_text)))
    return (
        alt.Chart(data)
        .mark_circle(opacity=0.75)
        .encode(
            x=alt.X("x_value:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y("y_value:Q", title=y_title, scale=alt.Scale(zero=False)),
            size=alt.Size("n:Q", title="n"),
            tooltip=["_label:N", "x_value:Q", "y_value:Q", "n:Q"],
        )
        .properties(title=title, width=480, height=320)
    )


def _heat(df: pd.DataFrame, x: str, y: str, value: str, title: str):
    import altair as alt

    data = _chart_frame(df)
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O"),
            y=alt.Y(f"{y}:O"),
            color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues")),
            tooltip=[f"{x}:O", f"{y}:O", f"{value}:Q", "n:Q"],
        )
        .properties(title=title, width=480)
    )


def _cross_params(p: Mapping) -> tuple[str, dict]:
    """The analysis id and its options; cells written before the ready-made analyses (``kpis``:
    two KPIs, ``by``, ``period``) become the free pairing of those two KPIs."""
    if p.get("analysis"):
        return str(p["analysis"]), dict(p)
    kpis = list(p.get("kpis") or [])
    if len(kpis) >= 2:
        by = p.get("by", "motif")
        by = by if isinstance(by, str) else (list(by)[0] if by else None)
        return "free", {"x": kpis[0], "y": kpis[1], "by": by, "period": p.get("period")}
    return "declared_measured", {"by": p.get("by", "motif")}


# analyses whose segment field the user picks; the free pairing's KPIs and their defaults
CROSS_BY = {
    "fcr_recontact": "motif",
    "declared_measured": "provider",
    "dmt_motif": "motif",
    "csat_fcr": "motif",
}
CROSS_FREE = (("x", "fcr"), ("y", "recontact_rate_contacts"))


def _view_crossview(cell: Cell, tables, settings, lang) -> CellResult:
    """A ready-made cross-analysis of ``kpis.crossviews`` (params: ``analysis``, and ``by``, or
    ``x``, ``y``, ``by``, ``period`` for the free pairing), with the findings of its rules."""
    from kpis import crossviews as cv

    analysis, p = _cross_params(cell.params)
    if analysis != "free" and analysis not in cv.ANALYSES:
        raise ValueError(
            f"unknown cross-analysis '{analysis}': {', '.join([*cv.ANALYSES, 'free'])}"
        )
    t, f = tables, cell.filters  # whole tables + filters: recontact flags need every contact
    params = settings["params"]
    if "contacts" not in t:
        raise _NotAvailable("pas de table de contacts", "no contacts table")
    title = default_title(cell, lang)
    fr = lang == "fr"
    extra: dict[str, pd.DataFrame] = {}
    if analysis in ("fcr_recontact", "csat_fcr", "free"):
        if analysis == "fcr_recontact":
            by = p.get("by") or CROSS_BY[analysis]
            kx, ky = "fcr", "recontact_rate_contacts"
            df = cv.fcr_recontact(t, by, params, filters=f)
            label = "period" if by == "week" else by
        elif analysis == "csat_fcr":
            label = p.get("by") or CROSS_BY[analysis]
            kx, ky = "fcr_survey", "csat"
            df = cv.csat_fcr(t, label, params, filters=f)
        else:
            kx, ky = (p.get(k) or d for k, d in CROSS_FREE)
            label = p.get("by")
            df = cv.pairing(t, kx, ky, label, params, p.get("period"), filters=f)
            label = label or "period"
        chart = (
            _scatter(df, label, _kpi_name(kx, lang), _kpi_name(ky, lang), title)
            if len(df) and label in df.columns
            else None
        )
    elif analysis == "declared_measured":
        by = p.get("by") or CROSS_BY[analysis]
        df = cv.declared_measured(t, by, params, filters=f)
        df.insert(1, "indicateur", df["kpi"].map(lambda k: _kpi_name(k, lang)))
        chart = _bar_with_ci(df, by, title, "indicateur", "%") if len(df) else None
    elif analysis == "wait_abandon":
        df = cv.wait_abandon(t, filters=f)
        chart = _heat(df, "hour", "weekday", "abandon_rate", title) if len(df) else None
    elif analysis == "volume_recontact":
        df, lags = cv.volume_recontact(t, params, filters=f)
        extra["Corrélation par décalage" if fr else "Correlation by lag"] = lags
        long = df.rename(columns={"recontact": "value"}).assign(
            indicateur=_kpi_name("recontact_rate_contacts", lang)
        )
        chart = _line(long, title, None, "%") if len(long) else None
    elif analysis == "dmt_motif":
        by = p.get("by") or CROSS_BY[analysis]
        df = cv.dmt_by(t, by, filters=f)
        chart = _bar_with_ci(df, by, title, unit="s") if len(df) else None
    elif analysis == "transfer_motif":
        df = cv.transfer_motif(t, params, filters=f)
        plot = df.drop_duplicates("motif")
        chart = _bar_with_ci(plot, "motif", title, unit="%") if len(plot) else None
    elif analysis == "avoidable_pareto":
        df = cv.avoidable_pareto(t, params, filters=f)
        chart = _bar_with_ci(df.assign(value=df["share"]), "motif", title, unit="%")
    else:  # ho_hno
        df = cv.ho_hno(t, params, filters=f)
        chart = _bar_with_ci(df, "canal", title, unit="%") if len(df) else None
    rules = set(cv.ANALYSES[analysis][2]) if analysis in cv.ANALYSES else set()
    findings = []
    if rules:
        # whole tables + filters, as the analysis: recontacts are found among every contact
        found = run_findings(tables, params, settings, filters=cell.filters)
        findings = [x for x in found if x["rule"] in rules]
    unit = ("semaines" if fr else "weeks") if analysis == "volume_recontact" else "segments"
    numbers = {unit: str(len(df))}
    return CellResult(
        title=title,
        table=df.reset_index(drop=True),
        chart=_spec(chart) if chart is not None else None,
        findings=findings,
        numbers=numbers,
        extra_tables=extra,
    )


def _view_comparison(cell: Cell, tables, settings, lang) -> CellResult:
    import altair as alt

    from kpis.compare import DEFAULT_KPIS, compare_providers, comparison_findings, scorecard

    p = cell.params
    kpis = list(p.get("kpis") or DEFAULT_KPIS)
    comp = compare_providers(
        tables,
        kpis,
        params=settings["params"],
        min_cell=int(p.get("min_cell", 30)),
        providers=p.get("providers"),
        provider_field=p.get("provider_field", settings.get("provider_field", "provider")),
        filters=cell.filters,
        correction=p.get("correction", "holm"),
    )
    cols = [
        "kpi",
        "provider",
        "value",
        "ci_low",
        "ci_high",
        "n",
        "std_value",
        "std_ci_low",
        "std_ci_high",
        "coverage",
        "pooled",
        "std_diff",
        "std_p_adj",
        "std_significant",
        "unit",
        "status",
    ]
    table = comp.table[cols].copy()
    table.insert(1, "indicateur", table["kpi"].map(lambda k: _kpi_name(k, lang)))
    pw = comp.pairwise.copy()
    pw.insert(1, "indicateur", pw["kpi"].map(lambda k: _kpi_name(k, lang)))
    pw_name = "Comparaisons deux à deux" if lang == "fr" else "Pairwise comparisons"
    extra = {pw_name: pw}
    sc = None
    weights = p.get("weights") or {k: 1.0 for k in kpis if k in comp.stats}
    weights = {k: v for k, v in weights.items() if k in comp.kpis}
    if weights:
        targets = _targets(settings)
        thresholds = {k: targets.get(k) for k in weights}
        thresholds.update(p.get("thresholds") or {})
        sc = scorecard(
            comp,
            weights,
            thresholds,
            n_boot=int(p.get("n_boot", 1000)),
            seed=int(p.get("seed", 0)),
            basis=p.get("basis", "std"),
        )
        extra["Tableau de score pondéré" if lang == "fr" else "Weighted scorecard"] = (
            sc.table.copy()
        )
        details = sc.details.copy()
        details.insert(1, "indicateur", details["kpi"].map(lambda k: _kpi_name(k, lang)))
        extra["Détail du score" if lang == "fr" else "Score details"] = details
    plot = comp.table[comp.table["value"].notna() & (comp.table["kind"] != "")]
    chart = None
    if len(plot):
        rows = []
        for r in plot.itertuples():
            name = _kpi_name(r.kpi, lang)
            rows.append(
                {
                    "indicateur": name,
                    "provider": r.provider,
                    "série": "brut",
                    "value": r.value,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                }
            )
            if r.std_value == r.std_value:
                rows.append(
                    {
                        "indicateur": name,
                        "provider": r.provider,
                        "série": "ajusté mix",
                        "value": r.std_value,
                        "ci_low": r.std_ci_low,
                        "ci_high": r.std_ci_high,
                    }
                )
        data = _chart_frame(pd.DataFrame(rows))
        base = alt.Chart().encode(
            y=alt.Y("provider:N", title=None),
            yOffset=alt.YOffset("série:N"),
            color=alt.Color("série:N", title=None),
        )
        layer = alt.layer(
            base.mark_errorbar().encode(
                x=alt.X("ci_low:Q", title=None, scale=alt.Scale(zero=False)), x2="ci_high:Q"
            ),
            base.mark_point(filled=True, size=60).encode(x="value:Q"),
            data=data,
        )
        chart = _spec(
            layer.properties(width=420, height=90)
            .facet(
                row=alt.Row(
                    "indicateur:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
                )
            )
            .resolve_scale(x="independent")
            .properties(title="Prestataires : brut et ajusté au mix (IC 95 %)")
        )
    findings = comparison_findings(comp, sc)
    numbers = {}
    if sc is not None and len(sc.table):
        top = sc.table.iloc[0]
        lab = "premier (pondéré)" if lang == "fr" else "first (weighted)"
        share = fmt.percent(100 * top["p_first"], lang, 0)
        numbers[lab] = (
            f"{top['provider']} ({share} {'des tirages' if lang == 'fr' else 'of draws'})"
        )
    for r in comp.table[comp.table["std_value"].notna()].itertuples():
        if r.kpi == kpis[0]:
            numbers[f"{_kpi_name(r.kpi, lang)} — {r.provider}"] = (
                f"{_fmt(r.std_value, r.unit, lang)} ajusté ({_fmt(r.value, r.unit, lang)} brut)"
            )
    return CellResult(
        title="", table=table, chart=chart, findings=findings, numbers=numbers, extra_tables=extra
    )


def _view_quality(cell: Cell, tables, settings, lang) -> CellResult:
    from kpis.engine import compute

    by = cell.params.get("by") or "agent_id"
    kpis = list(cell.params.get("kpis") or ["quality_calls", "quality_written", "eval_coverage"])
    res = compute(tables, kpis, by=[by], filters=cell.filters, params=settings["params"])
    res = _kpi_rows(res, [by])
    res = res[res["status"] != "not_computable"]
    table = res[["kpi", by, "value", "ci_low", "ci_high", "n", "unit", "status"]].copy()
    table.insert(1, "indicateur", table["kpi"].map(lambda k: _kpi_name(k, lang)))
    table = table.reset_index(drop=True)
    main = table[(table["kpi"] == kpis[0]) & table["value"].notna()]
    chart = _spec(_bar_with_ci(main, by, _kpi_name(kpis[0], lang))) if len(main) else None
    overall = compute(tables, kpis, filters=cell.filters, params=settings["params"])
    numbers = {
        _kpi_name(r.kpi, lang): _fmt(r.value, r.unit, lang)
        for r in _kpi_rows(overall).itertuples()
        if r.value == r.value
    }
    return CellResult(title="", table=table, chart=chart, numbers=numbers)


def _view_verbatims(cell: Cell, tables, settings, lang) -> CellResult:
    import altair as alt

    from kpis.filters import filter_rows
    from kpis.verbatims import nps_group, over_represented, term_table

    surveys = tables.get("surveys")
    if surveys is None or "comment" not in surveys.columns:
        raise _NotAvailable(
            "pas de commentaires (surveys.comment)", "no comments (surveys.comment)"
        )
    picked = filter_rows(surveys, cell.filters, table="surveys", contacts=tables.get("contacts"))
    if picked.missing:  # as the engine: a filter that cannot apply is not ignored
        raise _NotAvailable(
            f"les réponses n'ont pas {', '.join(picked.missing)} (filtre)",
            f"surveys lack {', '.join(picked.missing)} (filter field)",
        )
    df = picked.rows
    groups = nps_group(df["nps_score"]) if "nps_score" in df.columns else None
    terms = term_table(
        df["comment"],
        groups,
        lang=cell.params.get("lang", "fr"),
        min_docs=int(cell.params.get("min_docs", 3)),
    )
    k = int(cell.params.get("top", 20))
    over = over_represented(terms, k) if groups is not None else terms.head(0)
    table = (over if len(over) else terms.head(k)).reset_index(drop=True)
    chart = None
    if len(table):
        data = _chart_frame(table.head(k))
        x = "z" if len(over) else "docs"
        chart = _spec(
            alt.Chart(data)
            .mark_bar()
            .encode(y=alt.Y("term:N", sort="-x", title=None), x=alt.X(f"{x}:Q"))
            .properties(
                title="Termes sur-représentés chez les détracteurs"
                if len(over)
                else "Termes les plus fréquents",
                width=420,
            )
        )
    n_comments = int(df["comment"].notna().sum())
    numbers = {"commentaires" if lang == "fr" else "comments": str(n_comments)}
    return CellResult(title="", table=table, chart=chart, numbers=numbers)


def _finding_dict(f: Any) -> dict:
    if isinstance(f, Mapping):
        d = dict(f)
    elif hasattr(f, "to_dict"):
        d = f.to_dict()
    elif dataclasses.is_dataclass(f):
        d = dataclasses.asdict(f)
    else:
        d = {"text_fr": str(f), "text_en": str(f)}
    return {
        "rule": d.get("rule", d.get("id", "")),
        "severity": d.get("severity", "info"),
        "kind": d.get("kind", "finding"),
        "title_fr": d.get("title_fr", ""),
        "title_en": d.get("title_en", ""),
        "segment": d.get("segment", {}) or {},
        "text_fr": d.get("text_fr", d.get("text", "")),
        "text_en": d.get("text_en", d.get("text", "")),
        "evidence": d.get("evidence", {}) or {},
    }


class _NotAvailable(Exception):
    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en


def run_findings(
    tables,
    params: Mapping | None = None,
    settings: Mapping | None = None,
    *,
    filters: Mapping | None = None,
) -> list[dict]:
    """Findings of ``kpis.rules`` as plain dicts (rule, severity, kind, segment, text_fr,
    text_en, evidence); ``settings``: the workspace settings (targets, rule settings).
    ``tables``: the whole tables; ``filters``: the filters the rules apply themselves (recontact
    flags on every contact, then filtered), e.g. a cell's — ``settings["filters"]`` is not read
    here: ``run_cell`` merges it into the cell's filters."""
    from kpis import rules

    settings = dict(settings or {})
    rule_settings = dict(settings.get("rules") or {})
    if settings.get("targets"):
        rule_settings["targets"] = dict(settings["targets"])
    found = rules.run_rules(tables, dict(params or {}), rule_settings, filters=filters)
    return [_finding_dict(f) for f in rules.findings_json(found)]


def _view_findings(cell: Cell, tables, settings, lang) -> CellResult:
    """Every rule's findings under the cell's filters (the workspace's, overridden field by
    field by the cell's own: ``run_cell`` merged them)."""
    params = {**(settings.get("params") or {}), **(cell.params.get("params") or {})}
    found = run_findings(tables, params, settings, filters=cell.filters)
    if not cell.params.get("include_undecided", True):
        found = [f for f in found if f.get("kind", "finding") == "finding"]
    table = pd.DataFrame(
        {
            "rule": [f["rule"] for f in found],
            "severity": [f["severity"] for f in found],
            "kind": [f.get("kind", "finding") for f in found],
            "segment": [
                ", ".join(f"{k} = {_text(v)}" for k, v in f["segment"].items()) for f in found
            ],
            "constat" if lang == "fr" else "finding": [
                f["text_fr"] if lang == "fr" else f["text_en"] for f in found
            ],
        }
    )
    n_found = sum(1 for f in found if f.get("kind", "finding") == "finding")
    numbers = {"constats" if lang == "fr" else "findings": str(n_found)}
    return CellResult(title="", table=table, findings=found, numbers=numbers)


RUNNERS = {
    "dashboard": _view_dashboard,
    "explorer": _view_explorer,
    "crossview": _view_crossview,
    "comparison": _view_comparison,
    "quality": _view_quality,
    "verbatims": _view_verbatims,
    "findings": _view_findings,
}


def default_title(cell: Cell, lang: str = "fr") -> str:
    base = VIEW_TITLES.get(cell.view, (cell.view, cell.view))[0 if lang == "fr" else 1]
    p = cell.params
    word = "par " if lang == "fr" else "by "

    def split(by, period) -> str:
        by = [by] if isinstance(by, str) else list(by or [])
        parts = [word + " × ".join(by)] if by else []
        if period:
            parts.append(word + (PERIOD_FR.get(period, period) if lang == "fr" else period))
        return " ".join(parts)

    if cell.view == "explorer":
        name = _kpi_name(p.get("kpi") or "fcr", lang)
        return f"{name} {split(p.get('by'), p.get('period'))}".strip()
    if cell.view == "crossview":
        from kpis.crossviews import ANALYSES

        analysis, q = _cross_params(p)
        if analysis in ANALYSES:
            name = ANALYSES[analysis][0 if lang == "fr" else 1]
            by = (q.get("by") or CROSS_BY[analysis]) if analysis in CROSS_BY else None
            by = PERIOD_FR.get(by, by) if lang == "fr" else by
        else:
            name = " / ".join(_kpi_name(q.get(k) or d, lang) for k, d in CROSS_FREE)
            by = q.get("by")
        how = split(by, q.get("period"))
        return f"{base} : {name}" + (f" ({how})" if how else "")
    return base


def run_cell(
    cell: Cell, tables: Mapping[str, pd.DataFrame], settings: Mapping | None = None
) -> CellResult:
    """Recompute one cell on the current data; an error becomes ``CellResult.error``.

    ``settings``: {"params": engine params, "filters": global filters, "targets": {kpi: value},
    "lang": "fr"|"en"}; the cell's own filters override the global ones field by field.
    """
    settings = dict(settings or {})
    settings.setdefault("params", {})
    lang = settings.get("lang", "fr")
    cell.validate(f"cell {cell.id}")
    filters = {**(settings.get("filters") or {}), **cell.filters}
    run = dataclasses.replace(cell, filters=_restore_filters(filters))
    title = cell.title or default_title(cell, lang)
    try:
        res = RUNNERS[cell.view](run, tables, settings, lang)
    except _NotAvailable as e:
        res = CellResult(title=title, table=pd.DataFrame(), error=e.fr if lang == "fr" else e.en)
    except PiloteError as e:
        res = CellResult(title=title, table=pd.DataFrame(), error=e.message(lang))
    except (ValueError, KeyError) as e:
        res = CellResult(title=title, table=pd.DataFrame(), error=str(e))
    res.title = title
    res.view, res.cell_id, res.comment = cell.view, cell.id, cell.comment
    res.params, res.filters = dict(cell.params), dict(filters)
    return res


def run_workspace(ws: Workspace, tables: Mapping[str, pd.DataFrame]) -> list[CellResult]:
    settings = ws.run_settings()
    return [run_cell(c, tables, settings) for c in ws.cells]


def _has(tables, table: str, *fields: str) -> bool:
    t = tables.get(table)
    return t is not None and all(f in t.columns for f in fields)


def _providers(tables) -> int:
    for name in ("contacts", "surveys"):
        t = tables.get(name)
        if t is not None and "provider" in t.columns:
            return int(t["provider"].dropna().nunique())
    return 0


def standard_audit(
    tables: Mapping[str, pd.DataFrame], settings: Mapping | None = None
) -> list[Cell]:
    """The default audit: dashboard, main cross-analyses, all findings, and the provider
    comparison when the data has at least two providers. Only cells the data can feed."""
    cells = [Cell("dashboard", title="Tableau de bord")]
    if _has(tables, "contacts", "motif"):
        cells.append(Cell("explorer", {"kpi": "volume", "by": ["motif"]}))
        if _has(tables, "contacts", "resolved_first_contact", "customer_id"):
            cells.append(Cell("crossview", {"analysis": "declared_measured", "by": "motif"}))
            cells.append(Cell("crossview", {"analysis": "fcr_recontact", "by": "motif"}))
        if _has(tables, "contacts", "customer_id"):
            cells.append(Cell("explorer", {"kpi": "recontact_rate", "by": ["motif"]}))
        if _has(tables, "contacts", "talk_s"):
            cells.append(Cell("explorer", {"kpi": "dmt", "by": ["motif"]}))
    if _has(tables, "contacts", "started_at"):
        cells.append(Cell("explorer", {"kpi": "volume", "by": [], "period": "month"}))
        if _has(tables, "contacts", "customer_id", "motif"):
            cells.append(Cell("crossview", {"analysis": "volume_recontact"}))
    if _has(tables, "contacts", "canal", "answered"):
        cells.append(Cell("explorer", {"kpi": "answer_rate", "by": ["canal"]}))
    if _has(tables, "surveys", "csat_score") and _has(tables, "surveys", "motif"):
        cells.append(Cell("explorer", {"kpi": "csat", "by": ["motif"]}))
    if _has(tables, "evaluations", "score", "agent_id"):
        cells.append(Cell("quality", {"by": "agent_id"}))
    if _has(tables, "surveys", "comment"):
        cells.append(Cell("verbatims", {"top": 15}))
    cells.append(Cell("findings", title="Constats"))
    if _providers(tables) >= 2:
        cells.append(Cell("comparison", {"kpis": ["fcr", "dmt", "csat", "service_level"]}))
    return cells


def cell_from_view(
    view: str,
    params: Mapping | None = None,
    filters: Mapping | None = None,
    *,
    title: str = "",
    comment: str = "",
) -> Cell:
    """What a page's "Ajouter au carnet" button builds (validated, JSON-safe copies)."""
    cell = Cell(
        view,
        params=json.loads(json.dumps(_jsonable(dict(params or {}), "params"))),
        filters=_restore_filters(_jsonable(dict(filters or {}), "filters")),
        title=title,
        comment=comment,
    )
    cell.validate()
    return cell


__all__ = [
    "Cell",
    "CellResult",
    "Workspace",
    "WorkspaceError",
    "WorkspaceFormatError",
    "WorkspaceVersionError",
    "WorkspaceDataError",
    "UnknownView",
    "VIEWS",
    "run_cell",
    "run_workspace",
    "run_findings",
    "standard_audit",
    "cell_from_view",
    "default_title",
]
