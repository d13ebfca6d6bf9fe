"""Deliverables: Excel, HTML and PowerPoint audits from re-run notebook cells (no Streamlit).

``write_report(results, path, import_reports, registry_records, findings)`` picks the format from
the suffix (.xlsx, .html, .pptx). Charts are Vega-Lite specs rendered offline to PNG by
vl-convert (``allowed_base_urls=[]``: no network request, even for a spec that names a URL).

Safety of user text:
- **Excel**: every text written goes through ``xl_text``: control characters Excel refuses are
  removed, and a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed
  with a single quote character (``'``). The apostrophe is part of the stored text (it stays
  visible): the cell is plain text for Excel, LibreOffice and any tool reading the file, instead of
  relying on Excel's hidden "quotePrefix" style, which other readers ignore. Numbers stay numbers.
- **HTML**: every text is escaped with ``html.escape`` (quotes included); images are ``data:``
  URIs; there is no script, no external stylesheet, font or image: the file is self-contained and
  prints with its own print CSS (one cell per page).
- **PowerPoint**: text goes through python-pptx (XML-escaped); control characters are removed.

``cli_report`` is the body of ``pilote report``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpis.errors import PiloteError

FORMATS = (".xlsx", ".html", ".pptx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
XL_DATE = "yyyy-mm-dd"
# Columns whose values are in the row's KPI unit (table column "unit").
UNIT_COLUMNS = {
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "pooled",
    "target",
    "threshold",
}
DIFF_COLUMNS = {"diff", "std_diff"}
COUNT_COLUMNS = {"n", "denominator", "docs", "detractors", "promoters", "rows", "kpis_scored"}
P_COLUMNS = {"p", "p_adj", "std_p", "std_p_adj"}
FRACTION_COLUMNS = {"coverage", "weight", "p_first"}
PERCENT_COLUMNS = {"share", "det_share", "pro_share"}
DECIMAL_COLUMNS = {"score", "score_ci_low", "score_ci_high", "subscore", "mean_rank", "z", "se"}
COLUMN_LABELS_FR = {
    "kpi": "id",
    "indicateur": "Indicateur",
    "value": "Valeur",
    "ci_low": "IC 95 % bas",
    "ci_high": "IC 95 % haut",
    "n": "n",
    "unit": "Unité",
    "target": "Cible",
    "status": "Statut",
    "detail": "Détail",
    "provider": "Prestataire",
    "std_value": "Valeur ajustée (mix commun)",
    "std_ci_low": "Ajustée IC bas",
    "std_ci_high": "Ajustée IC haut",
    "coverage": "Part du mix couverte",
    "pooled": "Valeur commune",
    "std_diff": "Écart ajusté − commun",
    "std_p_adj": "p ajusté",
    "std_significant": "Significatif",
    "note": "Note",
    "period": "Période",
    "motif": "Motif",
    "canal": "Canal",
    "agent_id": "Conseiller",
    "team": "Équipe",
    "term": "Terme",
    "docs": "Commentaires",
    "rule": "Règle",
    "severity": "Gravité",
    "kind": "Type",
    "segment": "Segment",
    "score": "Score",
    "rank": "Rang",
    "p_first": "P(1er)",
    "mean_rank": "Rang moyen",
    "rank_low": "Rang min (95 %)",
    "rank_high": "Rang max (95 %)",
    "thresholds_met": "Seuils atteints",
    "kpis_scored": "KPI notés",
    "score_ci_low": "Score IC bas",
    "score_ci_high": "Score IC haut",
    "provider_a": "Prestataire A",
    "provider_b": "Prestataire B",
    "basis": "Base",
    "diff": "Écart",
    "se": "Erreur type",
    "p": "p",
    "p_adj": "p ajusté",
    "significant": "Significatif",
}
SEVERITY_FR = {"alert": "alerte", "warning": "attention", "info": "info", "note": "note"}


class ReportError(PiloteError):
    code = "report_error"


# Text safety ------------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """Text without the control characters that XML (xlsx, pptx) refuses."""
    return CONTROL.sub("", str(value))


def xl_text(value: Any) -> str:
    """Text for an Excel cell: control characters removed; formula-like text neutralised by a
    leading single quote (``'=HYPERLINK(…)`` is stored and shown as text)."""
    raw = str(value)
    text = CONTROL.sub("", raw)
    return "'" + text if raw.startswith(FORMULA_START) else text


def _is_nan(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _label(col: str, lang: str) -> str:
    if lang == "fr":
        return COLUMN_LABELS_FR.get(col, col)
    return col


def _value_text(v, unit: str | None, lang: str) -> str:
    from kpis.compare import format_value

    if _is_nan(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return ("oui" if v else "non") if lang == "fr" else ("yes" if v else "no")
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        ts = pd.Timestamp(v)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        return format_value(x, unit or "score", lang) if unit else _plain_number(x, lang)
    return str(v)


def _plain_number(x: float, lang: str) -> str:
    text = f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3g}" if abs(x) < 1 else f"{x:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _column_unit(col: str, row_unit: str | None) -> str | None:
    """The display unit of one column for one row (None: plain number)."""
    if col in UNIT_COLUMNS:
        return row_unit
    if col in COUNT_COLUMNS or col in ("rank", "rank_low", "rank_high", "thresholds_met"):
        return "count"
    if col in PERCENT_COLUMNS:
        return "%"
    return None


def _finding_text(f: Mapping, lang: str) -> str:
    return str(f.get("text_fr" if lang == "fr" else "text_en") or f.get("text") or "")


# Charts -----------------------------------------------------------------------------------------


def chart_png(spec: Mapping | None, scale: float = 2.0, lang: str = "fr") -> bytes | None:
    """PNG of a Vega-Lite spec, rendered offline (no URL allowed); None if it cannot render."""
    if not spec:
        return None
    import vl_convert as vlc

    try:
        return vlc.vegalite_to_png(
            dict(spec),
            scale=scale,
            allowed_base_urls=[],
            format_locale="fr-FR" if lang == "fr" else "en-US",
        )
    except Exception:  # a spec the renderer refuses: the deliverable is written without it
        return None


def _pngs(results: Sequence, lang: str, scale: float = 2.0) -> list[bytes | None]:
    return [chart_png(getattr(r, "chart", None), scale=scale, lang=lang) for r in results]


# Common pieces ----------------------------------------------------------------------------------


def _reports(import_reports) -> list[dict]:
    """Flatten import reports (one per file, or a combined one with "files")."""
    out: list[dict] = []
    if import_reports is None:
        return out
    if isinstance(import_reports, Mapping):
        import_reports = [import_reports]
    for r in import_reports:
        if isinstance(r, Mapping) and "files" in r:
            out.extend(_reports(r["files"]))
        elif isinstance(r, Mapping):
            out.append(dict(r))
    return out


def _report_rows(import_reports, lang: str) -> list[list]:
    """Rows of the import sheet/section: file, table, rows in/used/set aside, reasons, mapping."""
    from kpis.io.pipeline import reason_label

    rows = []
    for r in _reports(import_reports):
        reasons = "; ".join(
            f"{reason_label(k, lang)} : {v}" if lang == "fr" else f"{reason_label(k, lang)}: {v}"
            for k, v in (r.get("set_aside") or {}).items()
        )
        mapping = "; ".join(
            f"{k} ← {' + '.join(v) if isinstance(v, list) else v}"
            for k, v in (r.get("mapping") or {}).items()
        )
        rows.append(
            [
                r.get("file", ""),
                r.get("table", ""),
                r.get("rows_in"),
                r.get("rows_used"),
                r.get("rows_set_aside"),
                reasons,
                mapping,
            ]
        )
    return rows


IMPORT_HEADERS = {
    "fr": ["Fichier", "Table", "Lignes lues", "Utilisées", "Mises de côté", "Motifs", "Mapping"],
    "en": ["File", "Table", "Rows in", "Used", "Set aside", "Reasons", "Mapping"],
}
DEF_COLUMNS = ["id", "name", "group", "definition", "formula", "unit", "direction", "target"]
DEF_HEADERS = {
    "fr": ["id", "Nom", "Groupe", "Définition", "Formule", "Unité", "Sens", "Cible"],
    "en": ["id", "Name", "Group", "Definition", "Formula", "Unit", "Direction", "Target"],
}


def _title(title: str | None, lang: str) -> str:
    return title or ("Audit de la relation client — Pilote" if lang == "fr" else "Pilote audit")


def _subtitle(import_reports, lang: str) -> str:
    reps = _reports(import_reports)
    today = dt.date.today().isoformat()
    used = sum(int(r.get("rows_used") or 0) for r in reps)
    files = ", ".join(str(r.get("file", "")) for r in reps if r.get("file"))
    if lang == "fr":
        head = f"Généré le {today}"
        return head + (f" — {used} lignes utilisées ({files})" if reps else "")
    head = f"Generated on {today}"
    return head + (f" — {used} rows used ({files})" if reps else "")


def _setting_text(v) -> str:
    if isinstance(v, tuple) and len(v) == 2:
        return f"{v[0] or '…'} → {v[1] or '…'}"
    if isinstance(v, (list, tuple, set)):
        return ", ".join(_setting_text(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k} {_setting_text(x)}" for k, x in v.items())
    return str(v)


def _filters_text(res, lang: str) -> str:
    parts = []
    for k, v in (getattr(res, "filters", None) or {}).items():
        parts.append(f"{k} = {_setting_text(v)}")
    params = getattr(res, "params", None) or {}
    for k, v in params.items():
        if v not in (None, [], {}, ""):
            parts.append(
                f"{k} : {_setting_text(v)}" if lang == "fr" else f"{k}: {_setting_text(v)}"
            )
    if not parts:
        return ""
    return ("Paramètres et filtres : " if lang == "fr" else "Parameters and filters: ") + "; ".join(
        parts
    )


def _display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns worth showing (the raw ``kpi`` id goes when a name column is present)."""
    if table is None:
        return pd.DataFrame()
    drop = [c for c in ("kpi",) if "indicateur" in table.columns and c in table.columns]
    return table.drop(columns=drop)


# Excel ------------------------------------------------------------------------------------------


def _sheet_name(title: str, i: int, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", clean_text(title)).strip() or "Cellule"
    name = f"{i:02d} {base}"[:31].rstrip()
    k = 2
    while name.lower() in used:
        suffix = f" ({k})"
        name = f"{i:02d} {base}"[: 31 - len(suffix)].rstrip() + suffix
        k += 1
    used.add(name.lower())
    return name


def _xl_put(ws, row: int, col: int, value, number_format: str | None = None, bold=False):
    """Write one cell: text neutralised, numbers as numbers, dates as dates."""
    from openpyxl.styles import Font

    if _is_nan(value):
        value = None
    elif isinstance(value, (bool, np.bool_)):
        value = bool(value)
    elif isinstance(value, (np.integer,)):
        value = int(value)
    elif isinstance(value, (float, np.floating)):
        value = float(value) if math.isfinite(float(value)) else None
    elif isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
        number_format = number_format or XL_DATE
    elif isinstance(value, (dt.datetime, dt.date)):
        number_format = number_format or XL_DATE
    elif isinstance(value, (int,)):
        pass
    else:
        value = xl_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xl_format(col: str, row_unit: str | None) -> str | None:
    if col in UNIT_COLUMNS:
        return XL_FORMATS.get(row_unit or "", "0.00")
    if col in DIFF_COLUMNS:
        return XL_DIFF.get(row_unit or "", "+0.00;-0.00")
    if col in COUNT_COLUMNS or col in ("rank", "rank_low", "rank_high", "thresholds_met"):
        return XL_COUNT
    if col in P_COLUMNS:
        return XL_P
    if col in FRACTION_COLUMNS:
        return XL_FRACTION
    if col in PERCENT_COLUMNS:
        return XL_FORMATS["%"]
    if col in DECIMAL_COLUMNS:
        return "0.00"
    return None


def _xl_table(ws, table: pd.DataFrame, row: int, lang: str, unit: str | None = None) -> int:
    """Write a DataFrame at ``row`` (header bold); returns the next free row."""
    from openpyxl.styles import PatternFill

    table = _display_table(table)
    if table.empty and not len(table.columns):
        return row
    fill = PatternFill("solid", fgColor="DDE5F0")
    cols = list(table.columns)
    for j, c in enumerate(cols, start=1):
        _xl_put(ws, row, j, _label(str(c), lang), bold=True).fill = fill
    units = table["unit"].astype(object).tolist() if "unit" in table.columns else None
    values = {c: table[c].tolist() for c in cols}
    for i in range(len(table)):
        r_unit = units[i] if units is not None else unit
        r_unit = None if _is_nan(r_unit) else str(r_unit)
        for j, c in enumerate(cols, start=1):
            v = values[c][i]
            if isinstance(v, (dict, list, tuple)):
                v = (
                    ", ".join(f"{k} = {x}" for k, x in v.items())
                    if isinstance(v, dict)
                    else (", ".join(map(str, v)))
                )
            _xl_put(ws, row + 1 + i, j, v, _xl_format(str(c), r_unit))
    for j, c in enumerate(cols, start=1):
        letter = ws.cell(row=row, column=j).column_letter
        longest = max([len(str(_label(str(c), lang)))] + [len(str(x)) for x in values[c][:200]])
        ws.column_dimensions[letter].width = max(8, min(48, longest + 2))
    return row + len(table) + 2


def _xl_image(ws, png: bytes, anchor: str, max_width_px: int = 720) -> None:
    from openpyxl.drawing.image import Image

    img = Image(io.BytesIO(png))
    if img.width > max_width_px:
        ratio = max_width_px / img.width
        img.width, img.height = int(img.width * ratio), int(img.height * ratio)
    ws.add_image(img, anchor)


def write_excel(
    results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
) -> Path:
    """Excel workbook: summary, one sheet per cell (table + chart), definitions, import report."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    fr = lang == "fr"
    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse" if fr else "Summary"
    used = {summary.title.lower()}
    _xl_put(summary, 1, 1, _title(title, lang), bold=True)
    _xl_put(summary, 2, 1, _subtitle(import_reports, lang))
    row = 4
    _xl_put(summary, row, 1, "Cellules du carnet" if fr else "Notebook cells", bold=True)
    row += 1
    heads = ["#", "Titre", "Vue", "Feuille", "Commentaire", "Chiffres clés"]
    if not fr:
        heads = ["#", "Title", "View", "Sheet", "Comment", "Key numbers"]
    for j, h in enumerate(heads, start=1):
        _xl_put(summary, row, j, h, bold=True)
    pngs = _pngs(results, lang)
    names = [_sheet_name(r.title, i + 1, used) for i, r in enumerate(results)]
    for i, res in enumerate(results):
        row += 1
        nums = "; ".join(f"{k} : {v}" for k, v in (res.numbers or {}).items())
        for j, v in enumerate(
            [i + 1, res.title, res.view, names[i], res.comment or "", nums], start=1
        ):
            _xl_put(summary, row, j, v)
    row += 2
    all_findings = list(findings or [])
    if all_findings:
        _xl_put(summary, row, 1, "Constats" if fr else "Findings", bold=True)
        row += 1
        for f in all_findings:
            _xl_put(summary, row, 1, SEVERITY_FR.get(f.get("severity"), f.get("severity")))
            _xl_put(summary, row, 2, _finding_text(f, lang))
            row += 1
    for col, width in zip("ABCDEF", (6, 48, 14, 28, 40, 80), strict=True):
        summary.column_dimensions[col].width = width

    for i, res in enumerate(results):
        ws = wb.create_sheet(names[i])
        _xl_put(ws, 1, 1, res.title, bold=True)
        r = 2
        if res.comment:
            _xl_put(ws, r, 1, res.comment)
            r += 1
        ftxt = _filters_text(res, lang)
        if ftxt:
            _xl_put(ws, r, 1, ftxt)
            r += 1
        if res.error:
            _xl_put(ws, r, 1, ("Non calculable : " if fr else "Not computable: ") + res.error)
            r += 1
        for k, v in (res.numbers or {}).items():
            _xl_put(ws, r, 1, k, bold=True)
            _xl_put(ws, r, 2, v)
            r += 1
        r += 1
        table_row = r
        r = _xl_table(ws, res.table, r, lang)
        for name, extra in (res.extra_tables or {}).items():
            _xl_put(ws, r, 1, name, bold=True)
            r = _xl_table(ws, extra, r + 1, lang)
        if res.findings:
            _xl_put(ws, r, 1, "Constats" if fr else "Findings", bold=True)
            r += 1
            for f in res.findings:
                _xl_put(ws, r, 1, _finding_text(f, lang))
                r += 1
        if pngs[i]:
            ncols = max(len(_display_table(res.table).columns), 1)
            _xl_image(ws, pngs[i], f"{get_column_letter(ncols + 2)}{table_row}")
        ws.freeze_panes = ws.cell(row=table_row + 1, column=1)

    if registry_records:
        ws = wb.create_sheet("Définitions" if fr else "Definitions")
        for j, h in enumerate(DEF_HEADERS["fr" if fr else "en"], start=1):
            _xl_put(ws, 1, j, h, bold=True)
        for i, rec in enumerate(registry_records, start=2):
            for j, c in enumerate(DEF_COLUMNS, start=1):
                v = rec.get(c)
                fmt = XL_FORMATS.get(rec.get("unit"), "0.00") if c == "target" else None
                _xl_put(ws, i, j, v, fmt)
        for col, width in zip("ABCDEFGH", (22, 40, 18, 80, 50, 10, 10, 10), strict=True):
            ws.column_dimensions[col].width = width
    ws = wb.create_sheet("Import")
    for j, h in enumerate(IMPORT_HEADERS["fr" if fr else "en"], start=1):
        _xl_put(ws, 1, j, h, bold=True)
    for i, vals in enumerate(_report_rows(import_reports, lang), start=2):
        for j, v in enumerate(vals, start=1):
            _xl_put(ws, i, j, v, XL_COUNT if j in (3, 4, 5) else None)
    for col, width in zip("ABCDEFG", (28, 14, 12, 12, 14, 60, 100), strict=True):
        ws.column_dimensions[col].width = width
    path = Path(path)
    wb.save(path)
    return path


# HTML -------------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 2rem auto; max-width: 1100px; color: #1d2733; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 2px solid #4c78a8; padding-bottom: .2rem; }
.sub, .params { color: #5a6775; font-size: .9rem; }
.comment { background: #f3f6fa; border-left: 4px solid #4c78a8; padding: .5rem .8rem; }
.error { color: #a33; }
dl.numbers { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.numbers dt { font-weight: 600; } dl.numbers dd { margin: 0; }
table { border-collapse: collapse; font-size: .85rem; margin: .6rem 0; }
th, td { border: 1px solid #cfd8e3; padding: .2rem .45rem; text-align: left; }
th { background: #dde5f0; } td.num { text-align: right; white-space: nowrap; }
figure { margin: .8rem 0; } figure img { max-width: 100%; height: auto; }
li.alert { color: #a33; } li.warning { color: #8a5a00; }
nav ol { columns: 2; font-size: .9rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav { display: none; }
  section.cell { break-before: page; page-break-before: always; }
  table, figure, dl { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: Any) -> str:
    return html.escape(clean_text("" if _is_nan(text) else text), quote=True)


def _html_table(table: pd.DataFrame, lang: str) -> str:
    table = _display_table(table)
    if table is None or (table.empty and not len(table.columns)):
        return ""
    cols = list(table.columns)
    units = table["unit"].astype(object).tolist() if "unit" in table.columns else None
    out = ["<table><thead><tr>"]
    out += [f"<th>{_e(_label(str(c), lang))}</th>" for c in cols]
    out.append("</tr></thead><tbody>")
    values = {c: table[c].tolist() for c in cols}
    for i in range(len(table)):
        u = units[i] if units is not None else None
        u = None if _is_nan(u) else str(u)
        out.append("<tr>")
        for c in cols:
            v = values[c][i]
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_)
            )
            if isinstance(v, dict):
                text = ", ".join(f"{k} = {x}" for k, x in v.items())
            elif num and str(c) in P_COLUMNS:
                from kpis.compare import format_p

                text = "" if _is_nan(v) else format_p(float(v), lang)
            elif num and str(c) in FRACTION_COLUMNS:
                text = "" if _is_nan(v) else _value_text(100 * float(v), "%", lang)
            elif num and str(c) in DIFF_COLUMNS:
                from kpis.compare import format_diff

                text = "" if _is_nan(v) else format_diff(float(v), u or "", lang)
            else:
                text = _value_text(v, _column_unit(str(c), u) if num else None, lang)
            cls = ' class="num"' if num else ""
            out.append(f"<td{cls}>{_e(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _html_findings(findings: Iterable[Mapping], lang: str) -> str:
    items = [
        f'<li class="{_e(f.get("severity", "info"))}">{_e(_finding_text(f, lang))}</li>'
        for f in findings
    ]
    return f'<ul class="findings">{"".join(items)}</ul>' if items else ""


def write_html(
    results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
) -> Path:
    """One self-contained, printable HTML file (charts as PNG data URIs, no script)."""
    fr = lang == "fr"
    pngs = _pngs(results, lang, scale=1.5)
    doc_title = _title(title, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc_title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>{_e(doc_title)}</h1><p class="sub">{_e(_subtitle(import_reports, lang))}'
        "</p></header>",
        "<nav><ol>",
    ]
    for i, res in enumerate(results):
        parts.append(f'<li><a href="#cell-{i + 1}">{_e(res.title)}</a></li>')
    parts.append("</ol></nav>")
    if findings:
        parts.append(
            f'<section class="summary"><h2>{"Constats" if fr else "Findings"}</h2>'
            f"{_html_findings(findings, lang)}</section>"
        )
    for i, res in enumerate(results):
        parts.append(f'<section class="cell" id="cell-{i + 1}"><h2>{_e(res.title)}</h2>')
        if res.comment:
            parts.append(f'<p class="comment">{_e(res.comment)}</p>')
        ftxt = _filters_text(res, lang)
        if ftxt:
            parts.append(f'<p class="params">{_e(ftxt)}</p>')
        if res.error:
            label = "Non calculable : " if fr else "Not computable: "
            parts.append(f'<p class="error">{_e(label + res.error)}</p>')
        if res.numbers:
            parts.append('<dl class="numbers">')
            for k, v in res.numbers.items():
                parts.append(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>")
            parts.append("</dl>")
        if pngs[i]:
            b64 = base64.b64encode(pngs[i]).decode("ascii")
            parts.append(
                f'<figure><img alt="{_e(res.title)}" src="data:image/png;base64,{b64}"></figure>'
            )
        parts.append(_html_table(res.table, lang))
        for name, extra in (res.extra_tables or {}).items():
            parts.append(f"<h3>{_e(name)}</h3>{_html_table(extra, lang)}")
        parts.append(_html_findings(res.findings or [], lang))
        parts.append("</section>")
    if registry_records:
        parts.append(
            f'<section class="cell" id="definitions"><h2>{"Définitions" if fr else "Definitions"}'
            "</h2><table><thead><tr>"
        )
        parts += [f"<th>{_e(h)}</th>" for h in DEF_HEADERS["fr" if fr else "en"]]
        parts.append("</tr></thead><tbody>")
        for rec in registry_records:
            parts.append(
                "<tr>" + "".join(f"<td>{_e(rec.get(c, ''))}</td>" for c in DEF_COLUMNS) + "</tr>"
            )
        parts.append("</tbody></table></section>")
    rows = _report_rows(import_reports, lang)
    if rows:
        parts.append(
            '<section class="cell" id="import"><h2>'
            f"{'Rapport d’import' if fr else 'Import report'}</h2><table><thead><tr>"
        )
        parts += [f"<th>{_e(h)}</th>" for h in IMPORT_HEADERS["fr" if fr else "en"]]
        parts.append("</tr></thead><tbody>")
        for vals in rows:
            parts.append("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in vals) + "</tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# PowerPoint -------------------------------------------------------------------------------------


def _pptx_text(frame, lines: Sequence[tuple[str, bool]], size: int = 14) -> None:
    from pptx.util import Pt

    frame.word_wrap = True
    first = True
    for text, bold in lines:
        p = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        run = p.add_run()
        run.text = clean_text(text)
        run.font.size = Pt(size)
        run.font.bold = bold


def _short(text: str, n: int = 260) -> str:
    text = clean_text(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def write_pptx(
    results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
) -> Path:
    """One slide per cell: the chart image, the key numbers and the findings (comment in notes)."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    fr = lang == "fr"
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)

    def widen(slide):  # the default layouts are drawn for 4:3; stretch their boxes to 16:9
        for shape in slide.placeholders:
            shape.left, shape.width = Inches(0.5), prs.slide_width - Inches(1.0)

    s = prs.slides.add_slide(prs.slide_layouts[0])
    widen(s)
    s.shapes.title.text = clean_text(_title(title, lang))
    s.placeholders[1].text = clean_text(_subtitle(import_reports, lang))
    key_findings = [f for f in (findings or []) if f.get("kind", "finding") == "finding"]
    if key_findings:
        s = prs.slides.add_slide(prs.slide_layouts[5])
        widen(s)
        s.shapes.title.text = "Constats principaux" if fr else "Main findings"
        box = s.shapes.add_textbox(Inches(0.6), Inches(1.5), Inches(12.1), Inches(5.6))
        _pptx_text(
            box.text_frame,
            [("• " + _short(_finding_text(f, lang), 220), False) for f in key_findings[:8]],
            14,
        )
    pngs = _pngs(results, lang)
    for i, res in enumerate(results):
        s = prs.slides.add_slide(prs.slide_layouts[5])
        widen(s)
        s.shapes.title.text = clean_text(res.title)
        s.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(26)
        left_w = Inches(8.2)
        if pngs[i]:
            from PIL import Image as PILImage

            with PILImage.open(io.BytesIO(pngs[i])) as im:
                w, h = im.size
            max_w, max_h = left_w, Inches(5.6)
            ratio = min(max_w / w, max_h / h)
            s.shapes.add_picture(
                io.BytesIO(pngs[i]),
                Inches(0.4),
                Inches(1.5),
                Emu(int(w * ratio)),
                Emu(int(h * ratio)),
            )
        elif res.table is not None and len(res.table):
            _pptx_table(s, _display_table(res.table), lang)
        lines: list[tuple[str, bool]] = []
        if res.error:
            lines.append((("Non calculable : " if fr else "Not computable: ") + res.error, False))
        for k, v in list((res.numbers or {}).items())[:8]:
            lines.append((f"{k} : {v}" if fr else f"{k}: {v}", False))
        shown = [f for f in (res.findings or []) if f.get("kind", "finding") == "finding"][:3]
        if shown:
            lines.append(("Constats" if fr else "Findings", True))
            lines += [("• " + _short(_finding_text(f, lang), 180), False) for f in shown]
        if res.comment:
            lines.append(("Commentaire" if fr else "Comment", True))
            lines.append((_short(res.comment, 300), False))
        if lines:
            box = s.shapes.add_textbox(Inches(8.8), Inches(1.5), Inches(4.2), Inches(5.6))
            _pptx_text(box.text_frame, lines, 11)
        notes = "\n".join(x for x in (res.comment, _filters_text(res, lang)) if x)
        if notes:
            s.notes_slide.notes_text_frame.text = clean_text(notes)
    path = Path(path)
    prs.save(path)
    return path


def _pptx_table(slide, table: pd.DataFrame, lang: str, max_rows: int = 12, max_cols: int = 6):
    from pptx.util import Inches, Pt

    t = table.iloc[:max_rows, :max_cols]
    units = t["unit"].astype(object).tolist() if "unit" in t.columns else [None] * len(t)
    shape = slide.shapes.add_table(
        len(t) + 1,
        len(t.columns),
        Inches(0.4),
        Inches(1.5),
        Inches(8.2),
        Inches(0.3) * (len(t) + 1),
    )
    tbl = shape.table
    for j, c in enumerate(t.columns):
        tbl.cell(0, j).text = clean_text(_label(str(c), lang))
    for i in range(len(t)):
        u = None if _is_nan(units[i]) else units[i]
        for j, c in enumerate(t.columns):
            v = t.iloc[i, j]
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_)
            )
            tbl.cell(i + 1, j).text = clean_text(
                _value_text(v, _column_unit(str(c), u) if num else None, lang)
            )
    for row in tbl.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(10)


# Entry points -----------------------------------------------------------------------------------

WRITERS = {".xlsx": write_excel, ".html": write_html, ".pptx": write_pptx}


def write_report(
    cells_results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
) -> Path:
    """Write the deliverable; the format follows the suffix (.xlsx, .html or .pptx)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in WRITERS:
        raise ReportError(
            f"format de sortie « {path.suffix or '(aucun)'} » inconnu : .xlsx, .html ou .pptx.",
            f"unknown output format '{path.suffix or '(none)'}': use .xlsx, .html or .pptx.",
            file=str(path),
        )
    return WRITERS[suffix](
        list(cells_results),
        path,
        import_reports,
        registry_records,
        findings,
        title=title,
        lang=lang,
    )


def main_findings(tables, settings: Mapping, results) -> list[dict]:
    """A deliverable's main findings: the rules' findings under the workspace's global filters,
    then the comparison cells' key sentences (ranking, mix reversals). A rule that fails does not
    block the deliverable, but the deliverable says that the findings are incomplete."""
    from kpis.views.findings import run_findings

    try:
        found = run_findings(
            tables, settings.get("params") or {}, settings, filters=settings.get("filters") or None
        )
    except Exception as exc:  # noqa: BLE001 - reported in the deliverable itself
        found = [
            {
                "rule": "rules_failed",
                "severity": "warning",
                "kind": "finding",
                "text_fr": "Constats incomplets : les règles d'interprétation n'ont pas pu être "
                f"évaluées ({type(exc).__name__} : {exc}).",
                "text_en": "Findings incomplete: the interpretation rules could not be evaluated "
                f"({type(exc).__name__}: {exc}).",
            }
        ]
    found = [f for f in found if f.get("kind", "finding") == "finding"]
    for r in results:
        if r.view == "comparison":  # the ranking and mix reversals; the rest stays in its cell
            found += [f for f in r.findings if (f.get("evidence") or {}).get("key")]
    return found


def report_from_tables(
    tables: Mapping[str, pd.DataFrame],
    import_report,
    workspace_path: str | Path | None,
    out_path: str | Path,
    *,
    params: Mapping | None = None,
    lang: str = "fr",
) -> Path:
    """Run the workspace's cells (or the standard audit) on ``tables`` and write the report."""
    from kpis.engine import registry_records
    from kpis.views.runner import run_cell, standard_audit
    from kpis.workspace import Workspace

    if workspace_path:
        ws = Workspace.load(workspace_path)
        settings = ws.run_settings()
        cells = ws.cells or standard_audit(tables, settings)
    else:
        settings, cells = {}, standard_audit(tables)
    settings["params"] = {**(settings.get("params") or {}), **dict(params or {})}
    settings["lang"] = settings.get("lang", lang)
    results = [run_cell(c, tables, settings) for c in cells]
    findings = main_findings(tables, settings, results)
    return write_report(
        results,
        out_path,
        import_report,
        registry_records(lang),
        findings,
        lang=lang,
    )


def cli_report(
    files: Sequence[str | Path],
    out_path: str | Path,
    *,
    mapping: str | Path | None = None,
    workspace_path: str | Path | None = None,
    params: Mapping | None = None,
    table: str | None = None,
    lang: str = "fr",
) -> int:
    """``pilote report FILE… [--mapping M] [--workspace W.json] --out OUT``.

    Each file is imported with ``--mapping`` when given, else with the workspace's mapping for
    that file name (``Workspace.mappings`` keyed by file name), else auto-detected. Returns 0;
    typed ``PiloteError``s propagate for the CLI to print.
    """
    from kpis.io.pipeline import combine, combined_report, import_file
    from kpis.workspace import Workspace

    ws_maps: dict[str, str] = {}
    key = None
    if workspace_path:
        ws = Workspace.load(workspace_path)
        ws_maps = ws.mappings
        hex_key = str(ws.settings.get("pseudonym_key") or "")
        key = bytes.fromhex(hex_key) if len(hex_key) == 64 else None  # same pseudonyms as the app
    results = []
    for f in files:
        m = mapping if mapping else ws_maps.get(Path(f).name)
        results.append(import_file(Path(f), mapping=m, table=table, key=key))
    tables = combine(results)
    report_from_tables(
        tables, combined_report(results), workspace_path, out_path, params=params, lang=lang
    )
    return 0


__all__ = [
    "write_report",
    "write_excel",
    "write_html",
    "write_pptx",
    "report_from_tables",
    "main_findings",
    "cli_report",
    "chart_png",
    "xl_text",
    "clean_text",
    "ReportError",
]
