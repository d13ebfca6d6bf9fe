"""Import page pieces: one panel per uploaded file (format, mapping screen, validation report).
The mapping screen itself is ``ui.mapping_editor``; the page only loops over the files and
confirms the dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.deliverables.export import csv_bytes
from kpis.errors import PiloteError
from kpis.io.mapping import Mapping, load_mapping
from kpis.io.pipeline import ImportResult, reason_label, resolve_mapping
from kpis.io.readers import RawTable
from ui.errors import md_escape, show_error
from ui.mapping_editor import (
    _distinct,  # noqa: F401 - kept importable here (tests and callers use ui.importer._distinct)
    mapping_editor,
    missing_required,
    sync_file,
    sync_source,
    unmapped_fields,
)
from ui.state import (
    Ctx,
    apply_cached,
    events_cached,
    file_digest,
    read_raw,
    session_key,
    table_label,
    upload_digest,
)

TABLE_CHOICES = ("auto", "contacts", "surveys", "evaluations", "periods")


@st.cache_resource(show_spinner=False, max_entries=32)
def _base_mapping(digest: str, sheet, table: str, yaml_text: str, _raw: RawTable) -> Mapping:
    if yaml_text:
        return load_mapping(yaml_text)
    return resolve_mapping(_raw, None, None if table == "auto" else table)


def _format_caption(ctx: Ctx, raw: RawTable) -> str:
    info = raw.info
    parts = [str(info.get("format", "?")).upper()]
    if info.get("encoding"):
        parts.append(f"encodage {info['encoding']}" if ctx.lang == "fr" else info["encoding"])
    if info.get("separator_name"):
        parts.append(
            f"séparateur {info['separator_name']}"
            if ctx.lang == "fr"
            else "sep. " + repr(info.get("separator"))
        )
    if info.get("sheet") is not None:
        parts.append(f"{ctx.t('sheet')} {info['sheet']}")
    parts.append(f"{fmt.integer(len(raw.frame), ctx.lang)} {ctx.t('rows').lower()}")
    return f"{ctx.t('detected')} : " + " · ".join(md_escape(p) for p in parts)


def _report(ctx: Ctx, res: ImportResult, unmapped: list[str]) -> None:
    rep = res.report
    st.markdown(f"**{ctx.t('report')}**")
    c1, c2, c3 = st.columns(3)
    c1.metric(ctx.t("rows_in"), fmt.integer(rep["rows_in"], ctx.lang))
    c2.metric(ctx.t("rows_used"), fmt.integer(rep["rows_used"], ctx.lang))
    c3.metric(ctx.t("rows_aside"), fmt.integer(rep["rows_set_aside"], ctx.lang))
    if rep.get("events") and rep["events"].get("collapsed"):
        st.info(md_escape(rep["events"]["fr" if ctx.lang == "fr" else "en"]))
    if rep["rows_used"] == 0:
        st.warning(ctx.t("no_row_used", file=md_escape(rep["file"])))
    if unmapped:
        st.info(md_escape(ctx.t("fields_unmapped", fields=", ".join(unmapped))))
    for w in rep.get("warnings", []):
        st.warning(md_escape(w["fr"] if ctx.lang == "fr" else w["en"]))
    if rep["set_aside"]:
        reasons = pd.DataFrame(
            [(reason_label(k, ctx.lang), v) for k, v in rep["set_aside"].items()],
            columns=[ctx.t("reason"), ctx.t("count")],
        )
        st.dataframe(reasons, hide_index=True)
        st.download_button(
            ctx.t("download_aside"),
            csv_bytes(res.set_aside, ctx.lang),
            file_name=f"{Path(rep['file']).stem}.ecartees.csv",
            mime="text/csv",
            key=f"aside_{rep['file']}",
        )
    if rep.get("unmapped_columns"):
        st.caption(ctx.t("unmapped") + " : " + md_escape(", ".join(rep["unmapped_columns"])))
    with st.expander(ctx.t("preview")):
        st.dataframe(res.data.head(20), hide_index=True)


def _event_log(ctx: Ctx, raw: RawTable, digest: str, sheet, idx: int) -> tuple[RawTable, str]:
    """An event log (several rows per ticket) is stated, and collapsed to one row per ticket
    when the user ticks « Regrouper par ticket »; the digest then names the collapsed table, so
    that the mapping grid and the import are those of the tickets."""
    seen = events_cached(digest, sheet, False, _raw=raw)
    info = seen.info.get("events")
    if not info:
        return raw, digest
    collapse = st.checkbox(
        ctx.t("collapse_events"), key=f"collapse_{idx}", help=ctx.t("collapse_events_help")
    )
    if not collapse:
        return seen, digest
    return events_cached(digest, sheet, True, _raw=raw), f"{digest}:tickets"


def file_panel(
    ctx: Ctx, upload, idx: int, progress, step: float
) -> tuple[ImportResult, str] | None:
    """Read, map and validate one uploaded file; errors are shown and give None."""
    name = upload.name
    data = upload.getvalue()
    digest = upload_digest(upload)
    sync_file(idx, getattr(upload, "file_id", None) or digest)
    st.subheader(md_escape(name))
    progress.progress(min(idx * step, 1.0), text=ctx.t("reading", file=name))
    try:
        raw = read_raw(digest, name, None, _data=data)
        sheet = None
        sheets = raw.info.get("sheets") or []
        if len(sheets) > 1:
            sheet = st.selectbox(ctx.t("sheet"), sheets, key=f"sheet_{idx}")
            raw = read_raw(digest, name, sheet, _data=data)
        st.caption(_format_caption(ctx, raw))
        raw, digest = _event_log(ctx, raw, digest, sheet, idx)
        c1, c2, c3 = st.columns(3)
        provider = c1.text_input(ctx.t("provider_label"), key=f"provider_{idx}")
        table = c2.selectbox(
            ctx.t("table_kind"),
            TABLE_CHOICES,
            key=f"table_{idx}",
            format_func=lambda x: ctx.t("auto") if x == "auto" else table_label(x, ctx.lang),
        )
        yaml_up = c3.file_uploader(ctx.t("load_yaml"), type=["yaml", "yml"], key=f"yaml_{idx}")
        yaml_text = yaml_up.getvalue().decode("utf-8", errors="replace") if yaml_up else ""
        if not yaml_text:  # a loaded workspace's mapping for this file name, if any
            yaml_text = (st.session_state.get("nb_mappings") or {}).get(name, "")
            if yaml_text:
                st.caption(ctx.t("mapping_from_workspace"))
        base = _base_mapping(digest, sheet, table, yaml_text, _raw=raw)
        sync_source(idx, digest, sheet, table, yaml_text)
        st.markdown(f"**{ctx.t('mapping')}**", help=ctx.t("mapping_help"))
        m = mapping_editor(ctx, base, raw, idx, digest, sheet)
        st.download_button(
            ctx.t("save_yaml"),
            m.to_yaml(),
            file_name=f"{Path(name).stem}.mapping.yaml",
            mime="application/x-yaml",
            key=f"save_yaml_{idx}",
        )
        lacking = missing_required(ctx, m, raw)
        if lacking:
            for text in lacking:
                st.error(md_escape(text))
            st.caption(ctx.t("import_failed_keep"))
            return None
        progress.progress(min((idx + 0.5) * step, 1.0), text=ctx.t("computing"))
        res = apply_cached(
            digest, sheet, m.to_yaml(), provider, _raw=raw, _mapping=m, _key=session_key()
        )
    except PiloteError as exc:
        show_error(exc, ctx.lang)
        st.caption(ctx.t("import_failed_keep"))
        return None
    except Exception as exc:  # noqa: BLE001 - a bad file must never crash the page
        show_error(exc, ctx.lang, file=name)
        st.caption(ctx.t("import_failed_keep"))
        return None
    _report(ctx, res, unmapped_fields(ctx, base, m))
    return res, f"{digest}:{sheet}:{file_digest(m.to_yaml().encode())}:{provider}"
