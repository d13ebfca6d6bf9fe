"""The Excel audit: a summary sheet, one sheet per cell (table + chart), definitions, import.

Every cell goes through ``export.put_cell``: text cleaned and neutralised (never a formula),
numbers and dates as real cells with a number format. Key figures (``KeyNumber``) are stored as
numbers in their KPI unit's format, not as text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kpis.deliverables import content as ct
from kpis.deliverables.export import put_cell, sheet_name
from kpis.deliverables.images import result_pngs
from kpis.deliverables.words import code_free, def_columns, def_headers, def_word, view_title
from kpis.format import KeyNumber

XL_FORMATS = {
    "%": '0.0" %"',
    "s": '#,##0" s"',
    "points": "0.0",
    "score": "0.00",
    "count": "#,##0",
    "currency": '#,##0.00" €"',
    "per_agent": "0.00",
    "per_agent_day": "0.00",
}
XL_DIFF = {"%": '+0.0" pts";-0.0" pts";0.0" pts"', "points": "+0.0;-0.0;0.0", "s": '+0" s";-0" s"'}
XL_COUNT = "#,##0"
XL_P = "0.0000"
XL_FRACTION = "0.0%"
XL_DECIMAL = "0.00"
HEADER_FILL = "DDE5F0"


def xl_format(col: str, row_unit: str | None) -> str | None:
    """The number format of one column for one row (its KPI unit)."""
    if col in ct.UNIT_COLUMNS:
        return XL_FORMATS.get(row_unit or "", XL_DECIMAL)
    if col in ct.DIFF_COLUMNS:
        return XL_DIFF.get(row_unit or "", "+0.00;-0.00")
    if col in ct.COUNT_COLUMNS:
        return XL_COUNT
    if col in ct.P_COLUMNS:
        return XL_P
    if col in ct.FRACTION_COLUMNS:
        return XL_FRACTION
    if col in ct.PERCENT_COLUMNS:
        return XL_FORMATS["%"]
    if col in ct.DECIMAL_COLUMNS:
        return XL_DECIMAL
    return None


def put_number(ws, row: int, col: int, v: Any):
    """A key figure: a ``KeyNumber`` as a number in its unit's format, other values as given."""
    if isinstance(v, KeyNumber) and v.value is not None:
        return put_cell(ws, row, col, v.value, XL_FORMATS.get(v.unit, XL_DECIMAL))
    return put_cell(ws, row, col, v)


def _flat(v: Any) -> Any:
    if isinstance(v, Mapping):
        return ", ".join(f"{k} = {x}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return v


def xl_table(ws, table: pd.DataFrame, row: int, lang: str, unit: str | None = None) -> int:
    """Write a result table at ``row`` (bold, filled header); returns the next free row."""
    from openpyxl.styles import PatternFill

    shown = ct.display_table(ct.with_references(table, lang))
    units = ct.row_units(shown, unit)  # the unit codes, before the unit column is in words
    table = ct.table_words(shown, lang)
    if table.empty and not len(table.columns):
        return row
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    cols = [str(c) for c in table.columns]
    for j, c in enumerate(cols, start=1):
        put_cell(ws, row, j, ct.label(c, lang), bold=True).fill = fill
    values = [table.iloc[:, j].tolist() for j in range(len(cols))]
    for i, r_unit in enumerate(units):
        for j, c in enumerate(cols):
            put_cell(ws, row + 1 + i, j + 1, _flat(values[j][i]), xl_format(c, r_unit))
    for j, c in enumerate(cols):
        letter = ws.cell(row=row, column=j + 1).column_letter
        longest = max([len(ct.label(c, lang))] + [len(str(x)) for x in values[j][:200]])
        ws.column_dimensions[letter].width = max(8, min(48, longest + 2))
    return row + len(table) + 2


def xl_image(ws, png: bytes, anchor: str, max_width_px: int = 720) -> None:
    from openpyxl.drawing.image import Image

    img = Image(io.BytesIO(png))
    if img.width > max_width_px:
        ratio = max_width_px / img.width
        img.width, img.height = int(img.width * ratio), int(img.height * ratio)
    ws.add_image(img, anchor)


def _summary(ws, results, names, findings, title, import_reports, lang) -> None:
    fr = lang == "fr"
    put_cell(ws, 1, 1, ct.title(title, lang), bold=True)
    put_cell(ws, 2, 1, ct.subtitle(import_reports, lang))
    row = 4
    put_cell(ws, row, 1, "Cellules du carnet" if fr else "Notebook cells", bold=True)
    row += 1
    heads = ["#", "Titre", "Vue", "Feuille", "Commentaire"]
    if not fr:
        heads = ["#", "Title", "View", "Sheet", "Comment"]
    for j, h in enumerate(heads, start=1):
        put_cell(ws, row, j, h, bold=True)
    for i, res in enumerate(results):
        row += 1
        view = view_title(res.view, lang)
        for j, v in enumerate([i + 1, res.title, view, names[i], res.comment or ""], start=1):
            put_cell(ws, row, j, v)
    figures = [(i, k, v) for i, res in enumerate(results) for k, v in (res.numbers or {}).items()]
    if figures:
        row += 2
        put_cell(ws, row, 1, "Chiffres clés" if fr else "Key numbers", bold=True)
        row += 1
        refs = [ct.key_number_reference(k, lang) for _, k, _ in figures]
        heads = ["#", "Cellule", "Chiffre", "Valeur"] if fr else ["#", "Cell", "Figure", "Value"]
        for j, h in enumerate(heads + ([ct.reference_label(lang)] if any(refs) else []), 1):
            put_cell(ws, row, j, h, bold=True)
        for (i, k, v), ref in zip(figures, refs, strict=True):
            row += 1
            put_cell(ws, row, 1, i + 1)
            put_cell(ws, row, 2, results[i].title)
            put_cell(ws, row, 3, k)
            put_number(ws, row, 4, v)
            if ref:  # beside the value, not judging it
                put_cell(ws, row, 5, ref)
    if findings:
        row += 2
        put_cell(ws, row, 1, "Constats" if fr else "Findings", bold=True)
        for f in findings:
            row += 1
            sev = f.get("severity")
            put_cell(ws, row, 1, ct.SEVERITY_FR.get(sev, sev) if fr else sev)
            put_cell(ws, row, 2, ct.finding_text(f, lang))
    for col, width in zip("ABCDE", (10, 48, 34, 28, 40), strict=True):
        ws.column_dimensions[col].width = width


def _cell_sheet(ws, res, png: bytes | None, lang: str) -> None:
    from openpyxl.utils import get_column_letter

    fr = lang == "fr"
    put_cell(ws, 1, 1, res.title, bold=True)
    r = 2
    lines = [res.comment, ct.filters_text(res, lang)]
    lines.append(ct.not_computable(res.error, lang) if res.error else "")
    for text in lines:
        if text:
            put_cell(ws, r, 1, text)
            r += 1
    for k, v in (res.numbers or {}).items():
        put_cell(ws, r, 1, k, bold=True)
        put_number(ws, r, 2, v)
        r += 1
    r += 1
    table_row = r
    r = xl_table(ws, res.table, r, lang)
    for name, extra in (res.extra_tables or {}).items():
        put_cell(ws, r, 1, code_free(name, lang), bold=True)
        r = xl_table(ws, extra, r + 1, lang)
    if res.findings:
        put_cell(ws, r, 1, "Constats" if fr else "Findings", bold=True)
        for k, f in enumerate(res.findings, start=r + 1):
            put_cell(ws, k, 1, ct.finding_text(f, lang))
    if png:
        ncols = max(len(ct.display_table(res.table).columns), 1)
        xl_image(ws, png, f"{get_column_letter(ncols + 2)}{table_row}")
    ws.freeze_panes = ws.cell(row=table_row + 1, column=1)


def write_excel(
    results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
    period: str = "",
) -> Path:
    """Excel workbook: summary, one sheet per cell (table + chart), definitions, import report."""
    from openpyxl import Workbook

    fr = lang == "fr"
    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse" if fr else "Summary"
    used = {summary.title.lower()}
    names = [sheet_name(r.title, used, prefix=f"{i + 1:02d} ") for i, r in enumerate(results)]
    _summary(summary, results, names, list(findings or []), title, import_reports, lang)
    for res, name, png in zip(
        results, names, result_pngs(results, lang, period=period), strict=True
    ):
        _cell_sheet(wb.create_sheet(name), res, png, lang)
    if registry_records:
        ws = wb.create_sheet("Définitions" if fr else "Definitions")
        for j, h in enumerate(def_headers(lang), start=1):
            put_cell(ws, 1, j, h, bold=True)
        for i, rec in enumerate(registry_records, start=2):
            for j, c in enumerate(def_columns(lang), start=1):
                f = XL_FORMATS.get(rec.get("unit"), XL_DECIMAL) if c == "target" else None
                put_cell(ws, i, j, def_word(rec, c, lang), f)
        for col, width in zip("ABCDEFGH", (22, 40, 18, 80, 50, 10, 10, 10), strict=True):
            ws.column_dimensions[col].width = width
    ws = wb.create_sheet("Import")
    for j, h in enumerate(ct.IMPORT_HEADERS["fr" if fr else "en"], start=1):
        put_cell(ws, 1, j, h, bold=True)
    for i, vals in enumerate(ct.report_rows(import_reports, lang), start=2):
        for j, v in enumerate(vals):
            put_cell(ws, i, j + 1, v, XL_COUNT if j in ct.IMPORT_COUNT_COLUMNS else None)
    for col, width in zip("ABCDEFG", (28, 14, 12, 12, 14, 60, 100), strict=True):
        ws.column_dimensions[col].width = width
    path = Path(path)
    wb.save(path)
    return path
