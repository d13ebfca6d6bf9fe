"""The audit notebook ("carnet d'audit") in session state: the one "Ajouter au carnet" widget
every view calls, the workspace file (save / load), cells re-run on the current data, and the
deliverables (Excel / HTML / PowerPoint) built from those re-runs by ``kpis.deliverables``.

The notebook is a ``kpis.workspace.Workspace`` under ``st.session_state["notebook"]`` holding the
cells only; mappings, settings and targets are read from the session when the file is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import streamlit as st

from kpis.errors import PiloteError
from kpis.io.pseudonym import key_id, read_key_file
from kpis.views import ViewResult
from kpis.views.runner import cell_from_view, default_title, run_cell
from kpis.workspace import Cell, Workspace
from ui.errors import show_error
from ui.state import (
    FILTER_FIELDS,
    Ctx,
    _engine_params,
    period_inputs_digest,
    session_key,
)

NB_KEY = "notebook"
MAPPINGS_KEY = "nb_mappings"  # mappings of a loaded workspace (the session's imports add theirs)
DELIVERABLES = {
    ".xlsx": ("nb_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".html": ("nb_html", "text/html"),
    ".pptx": (
        "nb_pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}


def notebook() -> Workspace:
    """The session's notebook (created empty by ``ui.state.setup``)."""
    return st.session_state.setdefault(NB_KEY, Workspace())


def view_filters(ctx: Ctx, extra: Mapping | None = None) -> dict:
    """The global filters as a cell keeps them: value lists per field and the period as
    ``"date": (start, end)`` (ISO days, end included); ``extra`` adds the view's own filters."""
    out = {k: list(v) for k, v in ctx.filters.items() if v}
    if ctx.date_range:
        out["date"] = (ctx.date_range[0].isoformat(), ctx.date_range[1].isoformat())
    out.update(extra or {})
    return out


def _add(view: str, params_list: list[dict], filters: dict, title: str, key: str, lang) -> None:
    """on_click of "Ajouter au carnet": one cell per parameter set, the comment box emptied."""
    ss = st.session_state
    comment = ss.get(key + "_comment", "") or ""
    try:
        cells = [
            cell_from_view(view, p, filters, title=title, comment=comment) for p in params_list
        ]
        for cell in cells:
            notebook().add(cell)
    except PiloteError as e:
        ss[key + "_msg"] = ("error", e.message(lang))
        return
    ss[key + "_comment"] = ""
    ss[key + "_msg"] = ("ok", len(notebook().cells))


def add_to_notebook(
    ctx: Ctx,
    view: str,
    params: Mapping | Sequence[Mapping] | None = None,
    *,
    extra_filters: Mapping | None = None,
    title: str = "",
    key: str | None = None,
) -> None:
    """The "Ajouter au carnet" widget: a comment box and a button that keep the view, its
    parameters (one cell per mapping when ``params`` is a list) and the current filters."""
    key = key or f"nb_add_{view}"
    params_list = [dict(p) for p in params] if isinstance(params, list | tuple) else [params or {}]
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input(ctx.t("nb_comment_new"), key=key + "_comment")
        right.button(
            ctx.t("nb_add"),
            key=key,
            icon=":material/note_add:",
            on_click=_add,
            args=(view, params_list, view_filters(ctx, extra_filters), title, key, ctx.lang),
        )
        msg = st.session_state.pop(key + "_msg", None)
        if msg and msg[0] == "ok":
            st.success(ctx.t("nb_added", n=msg[1]), icon=":material/book:")
        elif msg:
            st.error(msg[1])


# ---------------------------------------------------------------- re-running cells


def run_settings(ctx: Ctx) -> dict:
    """What ``run_cell`` reads: the session's engine parameters, targets and language. The cells
    carry their own filters; the sidebar's are not added."""
    return {
        "params": _engine_params(ctx.params, ctx.data),
        "targets": dict(ctx.targets),
        "target_sources": dict(ctx.target_sources),
        "rules": dict(ctx.rules),
        "lang": ctx.lang,
    }


def current_tables(ctx: Ctx) -> dict:
    return {**ctx.data.tables, **ctx.period_inputs}


@st.cache_data(show_spinner=False, max_entries=256)
def _run_cached(data_key: str, cell_json: str, settings_json: str, _tables: dict) -> ViewResult:
    cell = Cell.from_dict(json.loads(cell_json))
    return run_cell(cell, _tables, json.loads(settings_json))


def run_cells(ctx: Ctx, cells: Sequence[Cell]) -> list[ViewResult]:
    """Every cell recomputed on the current data (cached on data, cell and settings; the title
    and comment are not part of the key, so editing a comment recomputes nothing)."""
    data_key = f"{ctx.data.id}#{period_inputs_digest(ctx.period_inputs)}"
    settings = json.dumps(run_settings(ctx), sort_keys=True, default=str)
    tables = current_tables(ctx)
    out = []
    for cell in cells:
        key_doc = {**cell.to_dict(), "title": "", "comment": "", "created_at": ""}
        res = _run_cached(data_key, json.dumps(key_doc, sort_keys=True), settings, tables)
        res.title = cell.title or default_title(cell, ctx.lang)
        res.comment, res.cell_id = cell.comment, cell.id
        out.append(res)
    return out


# ---------------------------------------------------------------- workspace file


def current_workspace(ctx: Ctx) -> Workspace:
    """The session as a workspace: mappings of the imports (and of a loaded workspace), the
    settings (engine parameters, global filters, language), the user's targets, the cells."""
    ss = st.session_state
    mappings = dict(ss.get(MAPPINGS_KEY) or {})
    mappings.update({r.report["file"]: r.mapping.to_yaml() for r in ctx.data.results})
    settings = {"params": dict(ss.get("params") or {}), "lang": ctx.lang}
    # only the key's fingerprint: the key itself goes in a separate key file (key_file_text), so
    # a workspace shared alone does not let anyone recompute pseudonyms from candidate ids
    settings["pseudonym_key_id"] = key_id(session_key())
    filters = view_filters(ctx)
    if filters:
        settings["filters"] = filters
    source = ss.get("bb_source")  # the large-base page's source, only ever as storable(engine)
    if source:
        from kpis.relational.connect import EngineError, storable

        try:
            settings["source"] = storable(source)
        except EngineError:  # a connection string in clear is never saved
            pass
    return Workspace(
        mappings=mappings,
        settings=settings,
        targets={k: float(v) for k, v in (ss.get("targets") or {}).items()},
        cells=list(notebook().cells),
    )


def apply_workspace(ws: Workspace, key_bytes: bytes | None = None) -> None:
    """Replace the session's notebook, parameters, targets, filters and language by those of a
    loaded workspace (an on_click callback: the sidebar picks the filters up on this run)."""
    ss = st.session_state
    for k in [k for k in ss if str(k).startswith("nb_comment_")]:
        del ss[k]
    ss[NB_KEY] = Workspace(cells=list(ws.cells))
    ss["params"] = dict(ws.settings.get("params") or {})
    key = str(ws.settings.get("pseudonym_key") or "")  # an older workspace carried it in clear
    if len(key) == 64 and all(c in "0123456789abcdef" for c in key):
        ss["pseudo_key"] = bytes.fromhex(key)  # applies to the files imported from now on
    if key_bytes is not None:
        ss["pseudo_key"] = key_bytes  # from the key file, checked against the fingerprint
    ss["targets"] = {k: float(v) for k, v in ws.targets.items()}
    ss[MAPPINGS_KEY] = dict(ws.mappings)
    filters = dict(ws.settings.get("filters") or {})
    for fld in FILTER_FIELDS:
        values = filters.get(fld)
        ss["_keep_f_" + fld] = [str(v) for v in values] if isinstance(values, list) else []
    span = filters.get("date")
    if isinstance(span, tuple | list) and len(span) == 2 and all(span):
        ss["_keep_f_date"] = tuple(dt.date.fromisoformat(str(d)[:10]) for d in span)
    else:
        ss.pop("_keep_f_date", None)
    if ws.settings.get("lang") in ("fr", "en"):
        ss["_keep_lang"] = ws.settings["lang"]
    if ws.settings.get("source"):  # checked by Workspace: storable only
        ss["bb_source"] = str(ws.settings["source"])
        for k in ("bb_kind", "bb_path", "bb_env", "bb_refused", "bb_result"):
            ss.pop(k, None)
    ss["nb_load_msg"] = len(ws.cells)


def read_key(upload, ws: Workspace | None) -> tuple[bytes | None, str]:
    """The key of an uploaded key file and the message key to show ("" when fine): the file
    must be a Pilote key file and match the workspace's fingerprint."""
    if upload is None:
        return None, ""
    try:
        key = read_key_file(upload.getvalue())
    except ValueError:
        return None, "nb_key_bad"
    expected = (ws.settings.get("pseudonym_key_id") if ws is not None else None) or None
    if expected and key_id(key) != expected:
        return None, "nb_key_mismatch"
    return key, ""


def read_workspace(upload, lang: str) -> Workspace | None:
    """An uploaded workspace file, or None with its typed error shown readably."""
    try:
        return Workspace.from_json(upload.getvalue())
    except PiloteError as e:
        show_error(e, lang, file=upload.name)
        return None


# ---------------------------------------------------------------- deliverables


def deliverable(
    results: Sequence[ViewResult],
    suffix: str,
    *,
    tables: Mapping,
    settings: Mapping,
    import_reports=None,
    lang: str = "fr",
    pseudonymise_agents: bool = False,
) -> bytes:
    """The notebook's re-run cells as an Excel, HTML or PowerPoint file (``kpis.deliverables``);
    ``pseudonymise_agents``: agent names replaced by "Conseiller 01"…"""
    from kpis.deliverables.audit import main_findings, write_report
    from kpis.deliverables.labels import data_period
    from kpis.engine import registry_records

    findings = main_findings(tables, settings, results)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_report(
            list(results),
            Path(tmp) / f"carnet_audit{suffix}",
            import_reports,
            registry_records(lang),
            findings,
            lang=lang,
            period=data_period(tables, lang),
            pseudonymise_agents=pseudonymise_agents,
        )
        return path.read_bytes()


def deliverable_buttons(ctx: Ctx, results: Sequence[ViewResult]) -> None:
    """Three download buttons; each file is built only when its button is clicked."""
    tables, settings = current_tables(ctx), run_settings(ctx)
    reports = [r.report for r in ctx.data.results] or None
    pseudo = st.checkbox(ctx.t("nb_pseudo_agents"), key="nb_pseudo_agents")
    cols = st.columns(len(DELIVERABLES))
    for col, (suffix, (label, mime)) in zip(cols, DELIVERABLES.items(), strict=True):
        col.download_button(
            ctx.t(label),
            lambda s=suffix: deliverable(
                results,
                s,
                tables=tables,
                settings=settings,
                import_reports=reports,
                lang=ctx.lang,
                pseudonymise_agents=pseudo,
            ),
            file_name=f"carnet_audit{suffix}",
            mime=mime,
            key=f"nb_dl{suffix.replace('.', '_')}",
            icon=":material/download:",
        )
