"""The workspace file: mappings, settings, targets and notebook cells — never the data.

A workspace is a JSON document that lets a monthly export refresh a whole audit: it keeps *how*
to read the files (mapping YAML per file), the settings (engine parameters, global filters,
language), the targets, and the notebook cells (view, parameters, filters, comment) — **never the
data**: no row, no customer or contact identifier. ``Workspace.validate`` enforces it on save and
on load (filters on identifier fields, long value lists and unknown keys are refused with typed
errors). Cells are re-run by ``kpis.views.runner.run_cell`` through the declared views.
"""

from __future__ import annotations

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

from kpis.errors import PiloteError

WORKSPACE_VERSION = 1
FORMAT_NAME = "pilote-workspace"
VIEWS = (
    "dashboard",
    "explorer",
    "intraday",
    "crossview",
    "comparison",
    "quality",
    "verbatims",
    "findings",
)
VIEW_TITLES = {
    "dashboard": ("Tableau de bord", "Dashboard"),
    "explorer": ("Explorer", "Explorer"),
    "intraday": ("Heures et créneaux", "Hours and slots"),
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
# "pseudonym_key_id" is the key's fingerprint: the key itself travels in a separate key file
# (whoever holds the workspace alone cannot re-identify customers from candidate ids).
# "pseudonym_key" is read from workspaces saved before (they carried the key in clear).
SETTINGS_KEYS = (
    "params", "filters", "lang", "provider_field", "rules", "note", "pseudonym_key_id",
    "pseudonym_key",
    "source",  # where the data lives: spark, a .duckdb file or env:NAME, never a URL in clear
)  # fmt: skip


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


def _check_source(source: Any) -> None:
    """A data source setting: a name or an environment variable reference, never a connection
    string in clear (``kpis.relational.connect.storable``)."""
    from kpis.relational.connect import EngineError, storable

    try:
        if not isinstance(source, str):
            raise EngineError("", "")
        storable(source)
    except EngineError as e:
        raise WorkspaceDataError(
            "« settings.source » : " + (e.fr or "un texte attendu."),
            "'settings.source': " + (e.en or "text expected."),
        ) from None


# Cells and workspace ----------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def jsonable(value: Any, where: str) -> Any:
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
        return {str(k): jsonable(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v, where) for v in items]
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


def restore_filters(filters: Mapping) -> dict:
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
            "params": jsonable(self.params, f"cells[{self.id}].params"),
            "filters": jsonable(self.filters, f"cells[{self.id}].filters"),
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
        kw["filters"] = restore_filters(dict(kw.get("filters", {})))
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
        if self.settings.get("source") is not None:
            _check_source(self.settings["source"])
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
        _check_lists(jsonable(self.settings, "settings"), "settings")
        _check_lists(dict(self.mappings), "mappings")

    def to_dict(self) -> dict:
        self.validate()
        return {
            "format": FORMAT_NAME,
            "version": self.version,
            "saved_at": _now(),
            "mappings": dict(self.mappings),
            "settings": jsonable(self.settings, "settings"),
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
            settings = {**settings, "filters": restore_filters(settings["filters"])}
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


__all__ = [
    "Cell",
    "Workspace",
    "WorkspaceError",
    "WorkspaceFormatError",
    "WorkspaceVersionError",
    "WorkspaceDataError",
    "UnknownView",
    "VIEWS",
    "VIEW_TITLES",
]
