"""The PowerPoint audit: a title slide, the main findings, one slide per cell (chart or table,
key numbers, findings; comment and settings in the notes). Text is cleaned (``clean_text``) and
XML-escaped by python-pptx."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from kpis.deliverables import content as ct
from kpis.deliverables.images import result_pngs
from kpis.deliverables.text import clean_text


def _text(frame, lines: Sequence[tuple[str, bool]], size: int = 14) -> None:
    from pptx.util import Pt

    frame.word_wrap = True
    for k, (text, bold) in enumerate(lines):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = clean_text(text)
        run.font.size = Pt(size)
        run.font.bold = bold


def _short(text: str, n: int = 260) -> str:
    text = clean_text(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _key_findings(findings) -> list[Mapping]:
    return [f for f in (findings or []) if f.get("kind", "finding") == "finding"]


def _picture(slide, png: bytes, max_w, max_h) -> None:
    from PIL import Image as PILImage
    from pptx.util import Emu, Inches

    with PILImage.open(io.BytesIO(png)) as im:
        w, h = im.size
    ratio = min(max_w / w, max_h / h)
    slide.shapes.add_picture(
        io.BytesIO(png), Inches(0.4), Inches(1.5), Emu(int(w * ratio)), Emu(int(h * ratio))
    )


def _side_lines(res, lang: str) -> list[tuple[str, bool]]:
    fr = lang == "fr"
    lines: list[tuple[str, bool]] = []
    if res.error:
        lines.append((ct.not_computable(res.error, lang), False))
    for k, v in list((res.numbers or {}).items())[:8]:
        lines.append((ct.number_line(k, v, lang), False))
    shown = _key_findings(res.findings)[:3]
    if shown:
        lines.append(("Constats" if fr else "Findings", True))
        lines += [("• " + _short(ct.finding_text(f, lang), 180), False) for f in shown]
    if res.comment:
        lines.append(("Commentaire" if fr else "Comment", True))
        lines.append((_short(res.comment, 300), False))
    return lines


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
    from pptx.util import Inches, Pt

    fr = lang == "fr"
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)

    def slide(layout: int):  # the default layouts are drawn for 4:3; stretch their boxes to 16:9
        s = prs.slides.add_slide(prs.slide_layouts[layout])
        for shape in s.placeholders:
            shape.left, shape.width = Inches(0.5), prs.slide_width - Inches(1.0)
        return s

    s = slide(0)
    s.shapes.title.text = clean_text(ct.title(title, lang))
    s.placeholders[1].text = clean_text(ct.subtitle(import_reports, lang))
    key = _key_findings(findings)
    if key:
        s = slide(5)
        s.shapes.title.text = "Constats principaux" if fr else "Main findings"
        box = s.shapes.add_textbox(Inches(0.6), Inches(1.5), Inches(12.1), Inches(5.6))
        lines = [("• " + _short(ct.finding_text(f, lang), 220), False) for f in key[:8]]
        _text(box.text_frame, lines, 14)
    for res, png in zip(results, result_pngs(results, lang), strict=True):
        s = slide(5)
        s.shapes.title.text = clean_text(res.title)
        s.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(26)
        if png:
            _picture(s, png, Inches(8.2), Inches(5.6))
        elif res.table is not None and len(res.table):
            _table(s, ct.display_table(res.table), lang)
        lines = _side_lines(res, lang)
        if lines:
            box = s.shapes.add_textbox(Inches(8.8), Inches(1.5), Inches(4.2), Inches(5.6))
            _text(box.text_frame, lines, 11)
        notes = "\n".join(x for x in (res.comment, ct.filters_text(res, lang)) if x)
        if notes:
            s.notes_slide.notes_text_frame.text = clean_text(notes)
    path = Path(path)
    prs.save(path)
    return path


def _table(slide, table: pd.DataFrame, lang: str, max_rows: int = 12, max_cols: int = 6):
    from pptx.util import Inches, Pt

    t = table.iloc[:max_rows, :max_cols]
    cols = [str(c) for c in t.columns]
    shape = slide.shapes.add_table(
        len(t) + 1, len(cols), Inches(0.4), Inches(1.5), Inches(8.2), Inches(0.3) * (len(t) + 1)
    )
    tbl = shape.table
    for j, c in enumerate(cols):
        tbl.cell(0, j).text = clean_text(ct.label(c, lang))
    units = ct.row_units(table.iloc[:max_rows])  # the unit column may lie beyond max_cols
    for i, u in enumerate(units):
        for j, c in enumerate(cols):
            tbl.cell(i + 1, j).text = clean_text(ct.cell_text(c, t.iloc[i, j], u, lang))
    for row in tbl.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(10)
