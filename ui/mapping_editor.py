"""The mapping screen of one uploaded file: field → column grid, date formats with a live preview,
a date + time join, value maps, missing-value markers and constants — everything a mapping file
can say. Widget keys carry the upload's index; their state is cleared whenever the file, its
sheet, its table kind or its mapping source (detected, loaded YAML, workspace) changes, so a grid
edit never outlives the file or the mapping it was made on."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.io.aside import mask_line
from kpis.io.mapping import DATE_FORMATS, Mapping, candidates_for, preview_dates
from kpis.io.parsers import is_missing, parse_bool
from kpis.io.readers import RawTable
from kpis.io.text import fold
from kpis.schema import CANAL_VALUES, NIVEAU_VALUES, TABLES
from ui.errors import md_escape
from ui.state import Ctx, file_digest

MAX_LABEL = 80  # longer source values are not category labels
NORMALISED = {"canal": CANAL_VALUES, "niveau": NIVEAU_VALUES}
BOOL_CHOICES = ["true", "false"]
JOIN = " + "
AUTO, OTHER = "auto", "other"
# widget keys of one file's mapping screen: f"{prefix}{idx}_…"
GRID_PREFIXES = ("map_", "val_", "valx_", "miss_", "const_", "items_", "fmt_", "fmtx_", "time_")
FILE_PREFIXES = ("sheet_", "table_")
SIGS = "_mapping_signatures"
EXAMPLE_DAY = dt.datetime(2026, 12, 31, 14, 5, 9)  # shows what each listed format reads


# ---------------------------------------------------------------- widget state


def _keys_of(idx: int, prefixes: tuple[str, ...]) -> list[str]:
    heads = tuple(f"{p}{idx}_" for p in prefixes)
    exact = {f"{p}{idx}" for p in prefixes}
    return [
        k
        for k in list(st.session_state)
        if isinstance(k, str) and (k.startswith(heads) or k in exact)
    ]


def clear_grid(idx: int) -> None:
    """Forget every choice made on file ``idx``'s mapping screen (back to its mapping source)."""
    for k in _keys_of(idx, GRID_PREFIXES):
        del st.session_state[k]


def sync_file(idx: int, file_id: str) -> None:
    """A new upload at index ``idx`` (a re-upload, another file, or the files shifting after a
    removal) starts from a clean screen: sheet, table kind and grid."""
    sigs = st.session_state.setdefault(SIGS, {})
    if sigs.get(("file", idx)) != file_id:
        for k in _keys_of(idx, GRID_PREFIXES + FILE_PREFIXES):
            del st.session_state[k]
        sigs[("file", idx)] = file_id
        sigs.pop(("source", idx), None)


def sync_source(idx: int, digest: str, sheet, table: str, yaml_text: str) -> None:
    """Another mapping source for file ``idx`` (sheet, table kind, loaded or workspace YAML)
    replaces the grid's choices."""
    sigs = st.session_state.setdefault(SIGS, {})
    sig = (digest, str(sheet), table, file_digest(yaml_text.encode()))
    if sigs.get(("source", idx)) != sig:
        clear_grid(idx)
        sigs[("source", idx)] = sig


def forget_from(n: int) -> None:
    """Files at index ``n`` and beyond were removed: their screens are forgotten."""
    sigs = st.session_state.setdefault(SIGS, {})
    for kind, idx in [k for k in sigs if k[1] >= n]:
        sigs.pop((kind, idx), None)
        for k in _keys_of(idx, GRID_PREFIXES + FILE_PREFIXES):
            del st.session_state[k]


# ---------------------------------------------------------------- helpers


def cell(v) -> str:
    """A data_editor cell as text: a blank choice comes back as None or NaN, i.e. ""."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


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


@st.cache_data(show_spinner=False, max_entries=64)
def _date_preview(digest: str, sheet, cols: tuple[str, ...], date_fmt: str, _raw: RawTable):
    return preview_dates(_raw.frame, list(cols), date_fmt or None)


def _label(m: Mapping, fld: str, lang: str) -> str:
    return TABLES[m.table].get(fld).label(lang)


# ---------------------------------------------------------------- the grid


def _grid(ctx: Ctx, base: Mapping, raw: RawTable, idx: int) -> Mapping:
    """Field → source column (a datetime field's date column; its time column is chosen below)."""
    tdef = TABLES[base.table]
    rows = []
    # mapped fields first (in the table's order), then the fields still without a column
    ordered = sorted(tdef.fields, key=lambda f: not (base.sources(f.name) or f.required))
    for f in ordered:
        src = base.sources(f.name)
        shown = src[:1] if f.kind == "datetime" else src
        rows.append(
            {
                "field": f.name,
                "label": f.label(ctx.lang),
                "column": JOIN.join(shown),
                "confidence": base.confidence.get(f.name) if src else None,
                "required": f.required,
            }
        )
    table = pd.DataFrame(rows)
    options = [""] + raw.columns + sorted({r["column"] for r in rows if JOIN in r["column"]})
    edited = st.data_editor(
        table,
        key=f"map_{idx}_{base.table}",
        hide_index=True,
        column_order=["label", "column", "confidence", "required"],
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
    out = copy.deepcopy(base)
    for row in edited.itertuples(index=False):
        new = [c for c in cell(row.column).split(JOIN) if c]
        old = base.sources(row.field)
        if tdef.get(row.field).kind == "datetime" and new and new == old[:1]:
            continue  # same date column: its time column (if any) is kept, and chosen below
        if new == old:
            continue
        out.confidence[row.field] = 1.0
        if new:
            out.columns[row.field] = new[0] if len(new) == 1 else new
        else:  # blank = not mapped
            out.columns.pop(row.field, None)
            out.confidence.pop(row.field, None)
    return out


def _shared_columns(ctx: Ctx, m: Mapping) -> None:
    """A warning for each source column that feeds two fields or more."""
    feeds: dict[str, list[str]] = {}
    for fld in m.columns:
        for col in m.sources(fld):
            feeds.setdefault(col, []).append(_label(m, fld, ctx.lang))
    for col, fields in feeds.items():
        if len(fields) > 1:
            names = ", ".join(f"« {f} »" for f in fields)
            st.warning(md_escape(ctx.t("map_shared_column", column=col, fields=names)))


def _items(ctx: Ctx, base: Mapping, out: Mapping, raw: RawTable, idx: int) -> None:
    if out.table != "evaluations":
        return
    used = {x for f in out.columns for x in out.sources(f)}
    out.items = st.multiselect(
        ctx.t("item") + "s",
        [c for c in raw.columns if c not in used],
        default=[c for c in base.items if c in raw.columns and c not in used],
        key=f"items_{idx}_{out.table}",
    )


# ---------------------------------------------------------------- dates


def _format_label(ctx: Ctx, choice: str, detected: str | None) -> str:
    if choice == AUTO:
        return ctx.t("date_format_auto", found=detected or "—")
    if choice == OTHER:
        return ctx.t("date_format_other")
    return ctx.t("date_format_example", code=choice, example=EXAMPLE_DAY.strftime(choice))


def _dates(ctx: Ctx, base: Mapping, out: Mapping, raw: RawTable, idx: int, digest, sheet):
    """Per mapped datetime field: an optional time column, a format, and the parse preview."""
    fields = [f for f in TABLES[out.table].fields if f.kind == "datetime" and out.sources(f.name)]
    if not fields:
        return
    with st.expander(ctx.t("dates_title"), expanded=True):
        for f in fields:
            date_col = out.sources(f.name)[0]
            old = base.sources(f.name)
            st.markdown(f"**{md_escape(f.label(ctx.lang))}** — {md_escape(date_col)}")
            c1, c2, c3 = st.columns(3)
            times = [""] + [c for c in raw.columns if c != date_col]
            default_time = old[1] if len(old) == 2 and old[0] == date_col else ""
            time_col = c1.selectbox(
                ctx.t("time_column"),
                times,
                index=times.index(default_time) if default_time in times else 0,
                key=f"time_{idx}_{f.name}",
                format_func=lambda c: ctx.t("no_time_column") if c == "" else c,
                help=ctx.t("time_column_help"),
            )
            cols = [date_col, time_col] if time_col else [date_col]
            out.columns[f.name] = cols[0] if len(cols) == 1 else cols
            detected = _date_preview(digest, sheet, tuple(cols), "", _raw=raw).format
            current = base.formats.get(f.name, "")
            choices = [AUTO, *DATE_FORMATS, OTHER]
            default = AUTO if not current else current if current in DATE_FORMATS else OTHER
            choice = c2.selectbox(
                ctx.t("date_format"),
                choices,
                index=choices.index(default),
                key=f"fmt_{idx}_{f.name}",
                format_func=lambda c, d=detected: _format_label(ctx, c, d),
            )
            typed = ""
            if choice == OTHER:
                typed = c3.text_input(
                    ctx.t("date_format_free"),
                    value=current if default == OTHER else "",
                    key=f"fmtx_{idx}_{f.name}",
                    help=ctx.t("date_format_free_help"),
                ).strip()
            chosen = typed if choice == OTHER else "" if choice == AUTO else choice
            if chosen:
                out.formats[f.name] = chosen
            else:
                out.formats.pop(f.name, None)
            _preview(ctx, _date_preview(digest, sheet, tuple(cols), chosen, _raw=raw))


def _preview(ctx: Ctx, p) -> None:
    pattern = "DD/MM/YYYY HH:mm:ss" if ctx.lang == "fr" else "YYYY-MM-DD HH:mm:ss"
    st.dataframe(
        p.sample,
        hide_index=True,
        column_config={
            "source": st.column_config.TextColumn(ctx.t("source_text")),
            "value": st.column_config.DatetimeColumn(ctx.t("parsed_value"), format=pattern),
        },
    )
    share = 100 * p.unreadable / p.present if p.present else 0.0
    text = ctx.t(
        "unreadable_dates",
        n=fmt.integer(p.unreadable, ctx.lang),
        total=fmt.integer(p.present, ctx.lang),
        share=fmt.percent(share, ctx.lang),
    )
    (st.warning if p.unreadable else st.caption)(text)


# ---------------------------------------------------------------- values, missing, constants


def _default_value(fld: str, value: str, current: dict | None) -> str:
    if current and value in current:
        v = current[value]
        return ("true" if v else "false") if isinstance(v, bool) else str(v)
    if fld in NORMALISED:
        return NORMALISED[fld].get(fold(value), value)
    parsed = parse_bool(pd.Series([value]), current).values.iloc[0]
    return "" if parsed is pd.NA else ("true" if parsed else "false")


def _values(ctx: Ctx, m: Mapping, raw: RawTable, digest: str, sheet, idx: int) -> None:
    """Source value → canonical value: canal, niveau and yes/no fields pick from the canonical
    values; the other category fields get free text (a blank keeps the source value)."""
    tdef = TABLES[m.table]
    mapped = [f for f in tdef.fields if m.sources(f.name) and f.name not in m.constants]
    fixed = [f.name for f in mapped if f.name in NORMALISED or f.kind == "bool"]
    free = [f.name for f in mapped if f.kind == "category" and f.name not in NORMALISED]
    if not fixed and not free:
        return
    with st.expander(ctx.t("values_title")):
        if fixed:
            rows = [
                {
                    "field": fld,
                    "label": _label(m, fld, ctx.lang),
                    "source": v,
                    "value": _default_value(fld, v, m.values.get(fld)),
                }
                for fld in fixed
                for v in _distinct(digest, sheet, tuple(m.sources(fld)), _raw=raw)
            ]
            options = (
                sorted(set(CANAL_VALUES.values()) | set(NIVEAU_VALUES.values())) + BOOL_CHOICES
            )
            edited = st.data_editor(
                pd.DataFrame(rows, columns=["field", "label", "source", "value"]),
                key=f"val_{idx}_{m.table}",
                hide_index=True,
                column_order=["label", "source", "value"],
                disabled=["field", "label", "source"],
                column_config={
                    "field": st.column_config.TextColumn(ctx.t("field")),
                    "label": st.column_config.TextColumn(ctx.t("field")),
                    "source": st.column_config.TextColumn(ctx.t("source_value")),
                    "value": st.column_config.SelectboxColumn(
                        ctx.t("canonical_value"), options=options
                    ),
                },
            )
            for row in edited.itertuples(index=False):
                value = cell(row.value)
                if value:
                    mapped_value = (value == "true") if row.field not in NORMALISED else value
                    m.values.setdefault(row.field, {})[row.source] = mapped_value
        if free:
            rows = [
                {
                    "field": fld,
                    "label": _label(m, fld, ctx.lang),
                    "source": v,
                    "value": str(m.values.get(fld, {}).get(v, "")),
                }
                for fld in free
                for v in _distinct(digest, sheet, tuple(m.sources(fld)), _raw=raw)
            ]
            st.caption(ctx.t("values_free_help"))
            edited = st.data_editor(
                pd.DataFrame(rows, columns=["field", "label", "source", "value"]),
                key=f"valx_{idx}_{m.table}",
                hide_index=True,
                column_order=["label", "source", "value"],
                disabled=["field", "label", "source"],
                column_config={
                    "field": st.column_config.TextColumn(ctx.t("field")),
                    "label": st.column_config.TextColumn(ctx.t("field")),
                    "source": st.column_config.TextColumn(ctx.t("source_value")),
                    "value": st.column_config.TextColumn(ctx.t("new_value")),
                },
            )
            for row in edited.itertuples(index=False):
                value = cell(row.value)
                if value and value != row.source:
                    m.values.setdefault(row.field, {})[row.source] = value
                elif row.source in m.values.get(row.field, {}):
                    del m.values[row.field][row.source]
            for fld in free:
                if fld in m.values and not m.values[fld]:
                    del m.values[fld]


def _markers(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _missing(ctx: Ctx, m: Mapping, idx: int) -> None:
    """Source values that mean "no value", per mapped field (comma-separated)."""
    fields = [f for f in TABLES[m.table].fields if m.sources(f.name)]
    if not fields:
        return
    rows = [
        {
            "field": f.name,
            "label": f.label(ctx.lang),
            "markers": ", ".join(str(x) for x in m.missing.get(f.name, [])),
        }
        for f in fields
    ]
    edited = _field_table(ctx, rows, "missing", f"miss_{idx}_{m.table}", "markers")
    for row in edited.itertuples(index=False):
        markers = _markers(cell(row.markers))
        if markers:
            m.missing[row.field] = markers
        else:
            m.missing.pop(row.field, None)


def _field_table(ctx: Ctx, rows: list[dict], what: str, key: str, column: str) -> pd.DataFrame:
    """An expander « {what}_title » with its help and a grid field label → one editable text
    ``column`` (missing markers, constants); returns the edited grid."""
    header = {"markers": "missing_markers", "value": "constant_value"}[column]
    with st.expander(ctx.t(f"{what}_title")):
        st.caption(ctx.t(f"{what}_help"))
        return st.data_editor(
            pd.DataFrame(rows),
            key=key,
            hide_index=True,
            column_order=["label", column],
            disabled=["field", "label"],
            column_config={
                "field": st.column_config.TextColumn(ctx.t("field")),
                "label": st.column_config.TextColumn(ctx.t("label")),
                column: st.column_config.TextColumn(ctx.t(header)),
            },
        )


def _constants(ctx: Ctx, m: Mapping, idx: int) -> None:
    """One value for every row of a field (e.g. the channel of a phone-only export)."""
    fields = [f for f in TABLES[m.table].fields if f.kind in ("category", "bool", "text")]
    rows = [
        {
            "field": f.name,
            "label": f.label(ctx.lang),
            "value": "" if f.name not in m.constants else str(m.constants[f.name]),
        }
        for f in fields
    ]
    edited = _field_table(ctx, rows, "constants", f"const_{idx}_{m.table}", "value")
    for row in edited.itertuples(index=False):
        value = cell(row.value)
        if value:
            m.constants[row.field] = value
        else:
            m.constants.pop(row.field, None)


# ---------------------------------------------------------------- the whole screen


def missing_required(ctx: Ctx, m: Mapping, raw: RawTable) -> list[str]:
    """One message per required field with no column, constant or derivation: its label, why
    it matters, and the source columns that look most like it."""
    out = []
    for req in TABLES[m.table].required:
        if req in m.columns or req in m.constants or req in m.derive:
            continue
        near = ", ".join(f"« {c} »" for c in candidates_for(raw.frame, m.table, req)) or "—"
        out.append(ctx.t("required_unmapped", field=_label(m, req, ctx.lang), candidates=near))
    return out


def unmapped_fields(ctx: Ctx, base: Mapping, m: Mapping) -> list[str]:
    """Labels of the fields the mapping source fed and the user left blank."""
    return [
        _label(m, f, ctx.lang)
        for f in base.columns
        if f not in m.columns and f not in m.constants and f in TABLES[m.table].names
    ]


def mapping_editor(ctx: Ctx, base: Mapping, raw: RawTable, idx: int, digest: str, sheet) -> Mapping:
    """Every choice of the mapping screen, applied to a copy of ``base``."""
    st.button(ctx.t("map_reset"), key=f"reset_{idx}", on_click=clear_grid, args=(idx,))
    out = _grid(ctx, base, raw, idx)
    _items(ctx, base, out, raw, idx)
    _dates(ctx, base, out, raw, idx, digest, sheet)
    _shared_columns(ctx, out)
    _constants(ctx, out, idx)
    _values(ctx, out, raw, digest, sheet, idx)
    _missing(ctx, out, idx)
    keys = ("columns", "formats", "constants", "missing", "items")
    if any(getattr(out, k) != getattr(base, k) for k in keys):
        out.source = "user"
    return out
