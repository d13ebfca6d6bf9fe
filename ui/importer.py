"""Import page pieces: one panel per uploaded file (format, mapping editor, value normalisation,
validation report). The page only loops over the files and confirms the dataset."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.deliverables.export import csv_bytes
from kpis.errors import PiloteError
from kpis.io.aside import mask_line
from kpis.io.mapping import Mapping, load_mapping
from kpis.io.parsers import is_missing, parse_bool
from kpis.io.pipeline import ImportResult, reason_label, resolve_mapping
from kpis.io.readers import RawTable
from kpis.io.text import fold
from kpis.schema import CANAL_VALUES, NIVEAU_VALUES, TABLES
from ui.errors import md_escape, show_error
from ui.state import (
    Ctx,
    apply_cached,
    file_digest,
    read_raw,
    session_key,
    table_label,
    upload_digest,
)

MAX_LABEL = 80  # longer source values are not category labels
TABLE_CHOICES = ("auto", "contacts", "surveys", "evaluations", "periods")
NORMALISED = {"canal": CANAL_VALUES, "niveau": NIVEAU_VALUES}
BOOL_CHOICES = ["true", "false"]
JOIN = " + "


@st.cache_resource(show_spinner=False, max_entries=32)
def _base_mapping(digest: str, sheet, table: str, yaml_text: str, _raw: RawTable) -> Mapping:
    if yaml_text:
        return load_mapping(yaml_text)
    return resolve_mapping(_raw, None, None if table == "auto" else table)


@st.cache_data(show_spinner=False, max_entries=256)
def _distinct(digest: str, sheet, cols: tuple[str, ...], _raw: RawTable) -> list[str]:
    """The most frequent source values of a column (or joined columns), for normalisation."""
    s = (
        _raw.frame[cols[0]]
        if len(cols) == 1
        else _raw.frame[list(cols)].astype("str").agg(" ".join, axis=1)
    )
    s = s[~is_missing(s)].astype("str").str.strip()
    # a label is short and holds no personal data: after a separator mistake a "value" can be a
    # whole line with a phone number or a customer id — such values are never shown
    top = s.value_counts().head(60).index
    return [v for v in top if len(v) <= MAX_LABEL and mask_line(v, set(), "") == v][:25]


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


def _mapping_editor(ctx: Ctx, m: Mapping, raw: RawTable, idx: int) -> Mapping:
    """Editable field → source column table; returns the mapping with the user's choices."""
    tdef = TABLES[m.table]
    rows = []
    # mapped fields first (in the table's order), then the fields still without a column
    ordered = sorted(tdef.fields, key=lambda f: not (m.sources(f.name) or f.required))
    for f in ordered:
        src = m.sources(f.name)
        rows.append(
            {
                "field": f.name,
                "label": f.label(ctx.lang),
                "column": JOIN.join(src) if src else "",
                "confidence": m.confidence.get(f.name) if src else None,
                "required": f.required,
            }
        )
    table = pd.DataFrame(rows)
    options = [""] + raw.columns + sorted({r["column"] for r in rows if JOIN in r["column"]})
    edited = st.data_editor(
        table,
        key=f"map_{idx}_{m.table}",
        hide_index=True,
        disabled=["field", "label", "confidence", "required"],
        column_config={
            "field": st.column_config.TextColumn(ctx.t("field")),
            "label": st.column_config.TextColumn(ctx.t("label")),
            "column": st.column_config.SelectboxColumn(ctx.t("source_column"), options=options),
            "confidence": st.column_config.ProgressColumn(
                ctx.t("confidence"), min_value=0.0, max_value=1.0, format="percent"
            ),
            "required": st.column_config.CheckboxColumn(ctx.t("required")),
        },
    )
    out = copy.deepcopy(m)
    changed = False
    for row in edited.itertuples(index=False):
        new = [c for c in str(row.column or "").split(JOIN) if c]
        if new == m.sources(row.field):
            continue
        changed = True
        if new:
            out.columns[row.field] = new[0] if len(new) == 1 else new
            out.confidence[row.field] = 1.0
        else:
            out.columns.pop(row.field, None)
            out.confidence.pop(row.field, None)
    if m.table == "evaluations":
        items = st.multiselect(
            ctx.t("item") + "s",
            [c for c in raw.columns if c not in {x for f in out.columns for x in out.sources(f)}],
            default=[c for c in m.items if c in raw.columns],
            key=f"items_{idx}",
        )
        changed |= items != m.items
        out.items = items
    if changed:
        out.source = "user"
    return out


def _default_value(fld: str, value: str, current: dict | None) -> str:
    if current and value in current:
        v = current[value]
        return ("true" if v else "false") if isinstance(v, bool) else str(v)
    if fld in NORMALISED:
        return NORMALISED[fld].get(fold(value), value)
    parsed = parse_bool(pd.Series([value]), current).values.iloc[0]
    return "" if parsed is pd.NA else ("true" if parsed else "false")


def _values_editor(ctx: Ctx, m: Mapping, raw: RawTable, digest: str, sheet, idx: int) -> None:
    """Source value → canonical value for canal, niveau and yes/no fields (edits ``m.values``)."""
    tdef = TABLES[m.table]
    fields = [
        f.name
        for f in tdef.fields
        if m.sources(f.name) and (f.name in NORMALISED or f.kind == "bool")
    ]
    if not fields:
        return
    rows = []
    for fld in fields:
        for v in _distinct(digest, sheet, tuple(m.sources(fld)), _raw=raw):
            rows.append(
                {"field": fld, "source": v, "value": _default_value(fld, v, m.values.get(fld))}
            )
    options = sorted(set(CANAL_VALUES.values()) | set(NIVEAU_VALUES.values())) + BOOL_CHOICES
    with st.expander(ctx.t("values_title")):
        edited = st.data_editor(
            pd.DataFrame(rows),
            key=f"val_{idx}_{m.table}",
            hide_index=True,
            disabled=["field", "source"],
            column_config={
                "field": st.column_config.TextColumn(ctx.t("field")),
                "source": st.column_config.TextColumn(ctx.t("source_value")),
                "value": st.column_config.SelectboxColumn(
                    ctx.t("canonical_value"), options=options
                ),
            },
        )
    for row in edited.itertuples(index=False):
        if not row.value:
            continue
        value = (row.value == "true") if row.field not in NORMALISED else row.value
        m.values.setdefault(row.field, {})[row.source] = value


def _report(ctx: Ctx, res: ImportResult) -> None:
    rep = res.report
    st.markdown(f"**{ctx.t('report')}**")
    c1, c2, c3 = st.columns(3)
    c1.metric(ctx.t("rows_in"), fmt.integer(rep["rows_in"], ctx.lang))
    c2.metric(ctx.t("rows_used"), fmt.integer(rep["rows_used"], ctx.lang))
    c3.metric(ctx.t("rows_aside"), fmt.integer(rep["rows_set_aside"], ctx.lang))
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


def file_panel(
    ctx: Ctx, upload, idx: int, progress, step: float
) -> tuple[ImportResult, str] | None:
    """Read, map and validate one uploaded file; errors are shown and give None."""
    name = upload.name
    data = upload.getvalue()
    digest = upload_digest(upload)
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
        st.markdown(f"**{ctx.t('mapping')}**", help=ctx.t("mapping_help"))
        m = _mapping_editor(ctx, base, raw, idx)
        _values_editor(ctx, m, raw, digest, sheet, idx)
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
    st.download_button(
        ctx.t("save_yaml"),
        m.to_yaml(),
        file_name=f"{Path(name).stem}.mapping.yaml",
        mime="application/x-yaml",
        key=f"save_yaml_{idx}",
    )
    _report(ctx, res)
    return res, f"{digest}:{sheet}:{file_digest(m.to_yaml().encode())}:{provider}"
