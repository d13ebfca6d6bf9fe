"""Notebook cells through the views: ``run_cell`` re-runs a saved cell on the current data with
the view the page used, so a cell, the page it came from and every deliverable show the same
result. ``standard_audit`` lists the cells of the default audit (``pilote report`` without a
workspace); ``cell_from_view`` is what a page's "Ajouter au carnet" builds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from kpis.views import REGISTRY, View, ViewResult
from kpis.workspace import Cell, Workspace, jsonable, restore_filters


def view_for(view: str, params: Mapping | None) -> tuple[View, dict]:
    """The declared view of a cell (``view`` as in ``kpis.workspace.VIEWS``) and its inputs;
    cells saved before the declared views keep working (``kpis`` of a cross-analysis → the free
    pairing, ``kpis`` of a quality cell → its KPI, ``lang`` of a verbatims cell → ``text_lang``)."""
    p = dict(params or {})
    if view == "crossview":
        analysis = p.pop("analysis", None)
        if not analysis:
            kpis = list(p.pop("kpis", None) or [])
            if len(kpis) >= 2:
                by = p.get("by", "motif")
                by = by if isinstance(by, str) else (list(by)[0] if by else None)
                analysis, p = "free", {"x": kpis[0], "y": kpis[1], "by": by, **_period(p)}
            else:
                analysis, p = "declared_measured", {"by": p.get("by") or "provider"}
        key = f"cross.{analysis}"
        if key not in REGISTRY:
            names = [k.split(".", 1)[1] for k in REGISTRY if k.startswith("cross.")]
            raise ValueError(f"unknown cross-analysis '{analysis}': {', '.join(names)}")
        return REGISTRY[key], p
    if view == "quality" and "kpis" in p:
        kpis = list(p.pop("kpis") or [])
        p.setdefault("kpi", kpis[0] if kpis else "quality_calls")
        p.pop("by", None)
    if view == "verbatims" and "lang" in p:
        p.setdefault("text_lang", p.pop("lang"))
    if view not in REGISTRY:
        raise ValueError(f"unknown view '{view}'")
    return REGISTRY[view], p


def _period(p: Mapping) -> dict:
    return {"period": p["period"]} if p.get("period") else {}


def default_title(cell: Cell, lang: str = "fr") -> str:
    try:
        view, params = view_for(cell.view, cell.params)
    except ValueError:
        return cell.view
    return view.full_title(params, lang)


def run_cell(
    cell: Cell, tables: Mapping[str, pd.DataFrame], settings: Mapping | None = None
) -> ViewResult:
    """Recompute one cell on the current data; an error becomes ``ViewResult.error``.

    ``settings``: {"params": engine params, "filters": global filters, "targets": {kpi: value},
    "lang": "fr"|"en", "rules": rule settings}; the cell's own filters override the global ones
    field by field.
    """
    settings = dict(settings or {})
    settings.setdefault("params", {})
    lang = settings.get("lang", "fr")
    cell.validate(f"cell {cell.id}")
    filters = restore_filters({**(settings.get("filters") or {}), **cell.filters})
    title = cell.title or default_title(cell, lang)
    try:
        view, params = view_for(cell.view, cell.params)
    except ValueError as e:
        res = ViewResult(title=title, table=pd.DataFrame(), error=str(e), view=cell.view)
    else:
        res = view.run(tables, params, {**settings, "filters": filters})
    res.title = title
    res.cell_id, res.comment = cell.id, cell.comment
    res.params, res.filters = dict(cell.params), dict(filters)
    return res


def run_view(
    view_id: str,
    tables: Mapping[str, pd.DataFrame],
    params: Mapping | None = None,
    settings: Mapping | None = None,
) -> ViewResult:
    """One declared view by id (``cross.<analysis>`` for cross-analyses)."""
    return REGISTRY[view_id].run(tables, params, settings)


def cell_params(view_id: str, params: Mapping | None = None) -> tuple[str, dict]:
    """The cell (view name, params) that re-runs view ``view_id`` with ``params``."""
    view = REGISTRY[view_id]
    return view.cell, {**dict(view.cell_params), **dict(params or {})}


def run_workspace(ws: Workspace, tables: Mapping[str, pd.DataFrame]) -> list[ViewResult]:
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


def has_time(settings, contacts) -> bool:
    """Whether the contacts' start times carry a time of day (``kpis.views.intraday``)."""
    from kpis.views.intraday import has_time as _has_time

    return _has_time(settings, contacts)


def standard_audit(
    tables: Mapping[str, pd.DataFrame], settings: Mapping | None = None
) -> list[Cell]:
    """The default audit: dashboard, main cross-analyses, hours × weekdays when start times have
    a time of day, all findings, and the provider comparison when the data has at least two
    providers. Only cells the data can feed."""
    cells = [Cell("dashboard")]  # titled in the deliverable's language (default_title)
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
        if has_time(settings or {}, tables["contacts"]):  # hour × weekday: times of day needed
            cells.append(Cell("intraday", {}))
    if _has(tables, "contacts", "canal", "answered"):
        cells.append(Cell("explorer", {"kpi": "answer_rate", "by": ["canal"]}))
    if _has(tables, "surveys", "csat_score") and _has(tables, "surveys", "motif"):
        cells.append(Cell("explorer", {"kpi": "csat", "by": ["motif"]}))
    if _has(tables, "evaluations", "score", "agent_id"):
        cells.append(Cell("quality", {"kpi": "quality_calls"}))
    if _has(tables, "surveys", "comment"):
        cells.append(Cell("verbatims", {"top": 15}))
    cells.append(Cell("findings"))
    if _providers(tables) >= 2:
        cells.append(Cell("comparison", {}))  # the one default KPI set (kpis.compare)
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
        params=json.loads(json.dumps(jsonable(dict(params or {}), "params"))),
        filters=restore_filters(jsonable(dict(filters or {}), "filters")),
        title=title,
        comment=comment,
    )
    cell.validate()
    return cell


__all__ = [
    "run_cell",
    "run_view",
    "run_workspace",
    "standard_audit",
    "cell_from_view",
    "cell_params",
    "default_title",
    "view_for",
]
