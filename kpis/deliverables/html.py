"""The HTML audit: one self-contained, printable file.

Every text is cleaned (``clean_text``) and escaped with ``html.escape`` (quotes included); images
are ``data:`` URIs; there is no script, no external stylesheet, font or image, and a print CSS
puts one cell per page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kpis import format as fmt
from kpis.deliverables import content as ct
from kpis.deliverables.images import result_pngs
from kpis.deliverables.text import clean_text, is_nan
from kpis.deliverables.words import code_free, def_columns, def_headers, def_word

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


def esc(text: Any) -> str:
    """Cleaned, HTML-escaped text ("" for a missing value)."""
    return html.escape(clean_text("" if is_nan(text) else text), quote=True)


def html_table(table: pd.DataFrame | None, lang: str) -> str:
    shown = ct.display_table(ct.with_references(table, lang))
    units = ct.row_units(shown)  # the unit codes, before the unit column is in words
    table = ct.table_words(shown, lang)
    if table.empty and not len(table.columns):
        return ""
    cols = [str(c) for c in table.columns]
    out = ["<table><thead><tr>"]
    out += [f"<th>{esc(ct.label(c, lang))}</th>" for c in cols]
    out.append("</tr></thead><tbody>")
    values = [table.iloc[:, j].tolist() for j in range(len(cols))]
    for i, u in enumerate(units):
        out.append("<tr>")
        for j, c in enumerate(cols):
            v = values[j][i]
            cls = ' class="num"' if ct.is_number(v) else ""
            out.append(f"<td{cls}>{esc(ct.cell_text(c, v, u, lang))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _findings(findings: Iterable[Mapping], lang: str) -> str:
    items = [
        f'<li class="{esc(f.get("severity", "info"))}">{esc(ct.finding_text(f, lang))}</li>'
        for f in findings
    ]
    return f'<ul class="findings">{"".join(items)}</ul>' if items else ""


def _rows_table(section: str, heading: str, heads: list[str], rows: list[list], lang) -> str:
    parts = [f'<section class="cell" id="{section}"><h2>{esc(heading)}</h2><table><thead><tr>']
    parts += [f"<th>{esc(h)}</th>" for h in heads]
    parts.append("</tr></thead><tbody>")
    for vals in rows:
        cells = (
            f'<td class="num">{esc(fmt.integer(v, lang))}</td>'
            if ct.is_number(v)
            else f"<td>{esc(v)}</td>"
            for v in vals
        )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></section>")
    return "".join(parts)


def _cell(i: int, res, png: bytes | None, lang: str) -> list[str]:
    parts = [f'<section class="cell" id="cell-{i + 1}"><h2>{esc(res.title)}</h2>']
    if res.comment:
        parts.append(f'<p class="comment">{esc(res.comment)}</p>')
    ftxt = ct.filters_text(res, lang)
    if ftxt:
        parts.append(f'<p class="params">{esc(ftxt)}</p>')
    if res.error:
        parts.append(f'<p class="error">{esc(ct.not_computable(res.error, lang))}</p>')
    if res.numbers:
        parts.append('<dl class="numbers">')
        for k, v in res.numbers.items():
            text = ct.value_text(v, None, lang) if ct.is_number(v) else v
            parts.append(f"<dt>{esc(k)}</dt><dd>{esc(text)}</dd>")
        parts.append("</dl>")
        colon = " : " if lang == "fr" else ": "
        for k in res.numbers:  # public figures, below the key numbers: they judge nothing
            if ref := ct.key_number_reference(k, lang):
                line = f"{ct.reference_label(lang)} — {k}{colon}{ref}"
                parts.append(f'<p class="params">{esc(line)}</p>')
    if png:
        b64 = base64.b64encode(png).decode("ascii")
        parts.append(
            f'<figure><img alt="{esc(res.title)}" src="data:image/png;base64,{b64}"></figure>'
        )
    parts.append(html_table(res.table, lang))
    for name, extra in (res.extra_tables or {}).items():
        parts.append(f"<h3>{esc(code_free(name, lang))}</h3>{html_table(extra, lang)}")
    parts.append(_findings(res.findings or [], lang))
    parts.append("</section>")
    return parts


def write_html(
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
    """One self-contained, printable HTML file (charts as PNG data URIs, no script)."""
    fr = lang == "fr"
    doc_title = ct.title(title, lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(doc_title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>{esc(doc_title)}</h1><p class="sub">'
        f"{esc(ct.subtitle(import_reports, lang))}</p></header>",
        "<nav><ol>",
    ]
    parts += [f'<li><a href="#cell-{i + 1}">{esc(r.title)}</a></li>' for i, r in enumerate(results)]
    parts.append("</ol></nav>")
    if findings:
        parts.append(
            f'<section class="summary"><h2>{"Constats" if fr else "Findings"}</h2>'
            f"{_findings(findings, lang)}</section>"
        )
    for i, (res, png) in enumerate(
        zip(results, result_pngs(results, lang, 1.5, period=period), strict=True)
    ):
        parts += _cell(i, res, png, lang)
    if registry_records:
        rows = [[_def_text(rec, c, lang) for c in def_columns(lang)] for rec in registry_records]
        heading = "Définitions" if fr else "Definitions"
        parts.append(_rows_table("definitions", heading, def_headers(lang), rows, lang))
    rows = ct.report_rows(import_reports, lang)
    if rows:
        heading = "Rapport d’import" if fr else "Import report"
        parts.append(
            _rows_table("import", heading, ct.IMPORT_HEADERS["fr" if fr else "en"], rows, lang)
        )
    parts.append("</body></html>")
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _def_text(rec: Mapping, col: str, lang: str) -> str:
    """A registry field as text; the target in its KPI's unit."""
    v = rec.get(col)
    unit = rec.get("unit") if col == "target" else None
    if ct.is_number(v):
        return ct.value_text(v, unit, lang)
    return "" if is_nan(v) else str(def_word(rec, col, lang))
