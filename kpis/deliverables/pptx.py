"""The PowerPoint audit, handed over as it is: a title slide, every main finding (paginated,
"Constats principaux (1/3)"), the findings about agents on their own slides, then one slide per
cell (chart, key numbers, the findings that fit; long tables split with the header repeated).

Layout rules: every box lies inside the 16:9 slide; titles are real title placeholders with a
position and a height; text is sized by ``layout`` estimates and paginated, never cut nor shrunk
below 12 pt; a finding longer than a slide is split between sentences. Labels, not ids (rule
titles, severities, field and value labels: ``labels``). Agent names appear only on agent-level
slides (findings about an agent, cells by agent); ``pseudonymise`` replaces them everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from kpis.deliverables import content as ct
from kpis.deliverables import labels as lb
from kpis.deliverables import layout as ly
from kpis.deliverables.agents import agent_names, agent_of, replacer
from kpis.deliverables.images import result_pngs, row_panels
from kpis.deliverables.text import clean_text

W, H = 13.333, 7.5  # slide, inches
MARGIN = 0.5
TITLE_TOP, TITLE_H = 0.3, 0.95
BODY_TOP = 1.4
BODY_H = H - BODY_TOP - 0.25
BODY_W = W - 2 * MARGIN
SIDE_W = 4.1
TEXT_PT, SMALL_PT, HEAD_PT, TABLE_PT = 14, 12, 16, 12
ROW_PAD = 0.2  # inches of cell margins per table row (LibreOffice draws rows taller)
MAX_COLS = 7


def _t2(fr: str, en: str, lang: str) -> str:
    return fr if lang == "fr" else en


class Deck:
    """A presentation with helpers that place every box inside the slide."""

    def __init__(self):
        from pptx import Presentation
        from pptx.util import Inches

        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(W), Inches(H)

    def slide(self, title: str, layout: int = 5):
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        s = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        t = s.shapes.title
        top, h = (TITLE_TOP, TITLE_H) if layout != 0 else (1.9, 1.6)
        t.left, t.top, t.width, t.height = Inches(MARGIN), Inches(top), Inches(BODY_W), Inches(h)
        title = clean_text(title)
        size = 36 if layout == 0 else 26
        while size > 18 and ly.lines(title, BODY_W, size) * ly.LINE * size / 72 > h - 0.1:
            size -= 2
        t.text = title
        t.text_frame.word_wrap = True
        t.text_frame.auto_size = MSO_AUTO_SIZE.NONE
        for p in t.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(size)
        return s

    def text(self, s, left, top, width, paragraphs, height=None):
        """A text box; ``paragraphs``: ``(text, size, bold)``; height estimated when not given."""
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        if height is None:
            height = ly.height([(t, pt) for t, pt, _ in paragraphs], width, 6)
        height = min(height, H - top - 0.05)
        box = s.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for k, (text, pt, bold) in enumerate(paragraphs):
            p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            if k:
                p.space_before = Pt(6)
            run = p.add_run()
            run.text = clean_text(text)
            run.font.size = Pt(pt)
            run.font.bold = bold
        return box

    def picture(self, s, png: bytes, left, top, max_w, max_h) -> float:
        """The image scaled into the box; returns its width in inches."""
        from PIL import Image as PILImage
        from pptx.util import Inches

        with PILImage.open(io.BytesIO(png)) as im:
            w, h = im.size
        ratio = min(max_w / w, max_h / h)
        s.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(w * ratio))
        return w * ratio


# Findings -------------------------------------------------------------------------------------


def finding_blocks(f: Mapping, lang: str, width: float, budget: float, sub=None) -> list[list]:
    """A finding as one or more blocks of paragraphs (title line, then its text), split between
    sentences when it is taller than ``budget``."""
    head = f"{lb.severity_label(f.get('severity'), lang)} — {lb.rule_title(f.get('rule'), lang, f)}"
    seg = lb.segment_text(f.get("segment"), lang)
    if seg:
        head += f" ({seg})"
    body = lb.words(ct.finding_text(f, lang), lang)
    if sub is not None:
        head, body = sub(head), sub(body)
    head_h = ly.height([(head, HEAD_PT)], width)
    pieces = ly.split_text(body, width, TEXT_PT, budget - head_h - 0.1) or [""]
    cont = _t2(" (suite)", " (continued)", lang)
    return [
        [(head + (cont if k else ""), HEAD_PT, True), (p, TEXT_PT, False)]
        for k, p in enumerate(pieces)
    ]


def findings_slides(deck: Deck, findings, title: str, lang: str, sub=None, note: str = "") -> None:
    """Every finding, whole, over as many slides as needed ("title (k/n)")."""
    blocks = [b for f in findings for b in finding_blocks(f, lang, BODY_W, BODY_H - 0.3, sub)]
    if note:
        blocks.append([(note, SMALL_PT, False)])
    heights = [ly.height([(t, pt) for t, pt, _ in b], BODY_W, 6) for b in blocks]
    pages = ly.paginate(heights, BODY_H, 0.15)
    for k, page in enumerate(pages, start=1):
        s = deck.slide(ly.numbered(title, k, len(pages)))
        top = BODY_TOP
        for i in page:
            deck.text(s, MARGIN, top, BODY_W, blocks[i], heights[i])
            top += heights[i] + 0.15


# Tables ---------------------------------------------------------------------------------------


def table_texts(table: pd.DataFrame, view: str, lang: str, sub) -> tuple[list[str], list[list]]:
    """Headers and cell texts of a result table, with labels instead of ids."""
    shown = ct.display_table(ct.with_references(table, lang))
    units = ct.row_units(shown)  # the unit codes, before the unit column is in words
    table = ct.table_words(shown, lang)
    if view == "findings":  # the full texts are on the "Constats principaux" slides
        table = table.drop(
            columns=[c for c in ("kind", "constat", "finding") if c in table.columns]
        )
    cols = [str(c) for c in table.columns][:MAX_COLS]
    rows = []
    for i, u in enumerate(units):
        row = []
        for c in cols:
            v = table[c].iloc[i]
            if c == "rule":
                text = lb.rule_title(v, lang)
            elif c == "severity":
                text = lb.severity_label(v, lang)
            elif c == "segment":
                text = lb.segment_text(v, lang)
            elif c in ("kpi", "indicateur") and isinstance(v, str):
                from kpis.views.base import kpi_name

                text = kpi_name(v, lang)
            elif isinstance(v, str):
                text = lb.words(lb.value_label(v, lang), lang)
            else:
                text = ct.cell_text(c, v, u, lang)
            row.append(sub(clean_text(text)))
        rows.append(row)
    return [lb.field_label(c, lang) for c in cols], rows


def column_widths(heads: list[str], rows: list[list], total: float) -> list[float]:
    """Column widths (inches) in proportion to their longest text (capped), summing to total."""
    want = []
    for j, h in enumerate(heads):
        longest = max([len(h)] + [len(r[j]) for r in rows[:200]])
        want.append(min(max(longest, 6), 60))
    scale = total / sum(want)
    return [w * scale for w in want]


def row_height(texts: list[str], widths: list[float], pt: float = TABLE_PT) -> float:
    """Inches a table row needs: its tallest cell's lines, plus the cell margins."""
    return (
        max(ly.lines(t, w, pt) for t, w in zip(texts, widths, strict=True)) * ly.LINE * pt / 72
        + ROW_PAD
    )


def table_slides(deck: Deck, title: str, heads, rows, lang: str, intro: str = "") -> int:
    """The table over as many slides as needed, header repeated; returns the slide count."""
    from pptx.util import Inches, Pt

    widths = column_widths(heads, rows, BODY_W)
    head_h = row_height(heads, widths)
    heights = [row_height(r, widths) for r in rows]
    intro_h = ly.height([(intro, SMALL_PT)], BODY_W) if intro else 0
    pages = ly.paginate(heights, BODY_H - head_h - intro_h - 0.1) or [[]]
    for k, page in enumerate(pages, start=1):
        s = deck.slide(ly.numbered(title, k, len(pages)))
        top = BODY_TOP
        if intro:
            deck.text(s, MARGIN, top, BODY_W, [(intro, SMALL_PT, False)], intro_h)
            top += intro_h + 0.1
        total_h = head_h + sum(heights[i] for i in page)
        shape = s.shapes.add_table(
            len(page) + 1, len(heads), Inches(MARGIN), Inches(top), Inches(BODY_W), Inches(total_h)
        )
        tbl = shape.table
        for j, w in enumerate(widths):
            tbl.columns[j].width = Inches(w)
        tbl.rows[0].height = Inches(head_h)
        for j, h in enumerate(heads):
            tbl.cell(0, j).text = h
        for r, i in enumerate(page, start=1):
            tbl.rows[r].height = Inches(heights[i])
            for j, text in enumerate(rows[i]):
                tbl.cell(r, j).text = text
        for row in tbl.rows:
            for cell in row.cells:
                cell.text_frame.word_wrap = True
                for p in cell.text_frame.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(TABLE_PT)
    return len(pages)


# Cells ----------------------------------------------------------------------------------------


def agent_level(res) -> bool:
    """A cell about agents (by agent, or an agent view): agent names may appear on it."""
    by = (res.params or {}).get("by") or []
    by = [by] if isinstance(by, str) else list(by)
    return "agent_id" in by or "agent" in (res.view or "")


def side_paragraphs(
    res, lang: str, sub, height: float, width: float = SIDE_W
) -> list[tuple[str, float, bool]]:
    """Key numbers, then the cell's findings that fit whole (in ``width`` × ``height``
    inches), then how many more there are."""
    paras = []
    for k, v in (res.numbers or {}).items():
        paras.append(
            (f"{lb.words(k, lang)} : {v}" if lang == "fr" else f"{k}: {v}", SMALL_PT, False)
        )
        if ref := ct.key_number_reference(k, lang):  # beside the value, never judging it
            sep = " : " if lang == "fr" else ": "
            paras.append((f"    {ct.reference_label(lang)}{sep}{ref}", SMALL_PT, False))
    paras = [(sub(t), pt, b) for t, pt, b in paras]
    if res.error:
        paras.insert(0, (ct.not_computable(res.error, lang), SMALL_PT, False))
    found = sorted(
        [f for f in res.findings or [] if f.get("kind", "finding") == "finding"],
        key=lambda f: not (f.get("evidence") or {}).get("key"),
    )
    found = list({ct.finding_text(f, lang): f for f in reversed(found)}.values())[::-1]
    if found:
        paras.append((_t2("Constats", "Findings", lang), SMALL_PT, True))
    shown = 0
    for f in found:
        trial = paras + [("• " + sub(lb.words(ct.finding_text(f, lang), lang)), SMALL_PT, False)]
        more = (_t2("… et 99 autres", "… and 99 more", lang), SMALL_PT, False)
        if ly.height([(t, pt) for t, pt, _ in trial + [more]], width, 6) > height:
            break
        paras, shown = trial, shown + 1
    if len(found) > shown:
        rest = len(found) - shown
        paras.append(
            (
                _t2(
                    f"… et {rest} autre(s) constat(s) : voir le classeur Excel ou le rapport HTML.",
                    f"… and {rest} more finding(s): see the Excel workbook or the HTML report.",
                    lang,
                ),
                SMALL_PT,
                False,
            )
        )
    return paras


def notes_text(res, lang: str, period: str) -> str:
    from kpis.deliverables.images import caption

    return "\n".join(x for x in (res.comment, *caption(res, lang, period)) if x)


def cell_slides(deck: Deck, res, png, lang: str, sub, period: str) -> None:
    if png and row_panels(res.chart) > 2:  # a grid of panels: the slide's whole width
        s = deck.slide(res.title)
        deck.picture(s, png, MARGIN, BODY_TOP, BODY_W, BODY_H)
        slides = [s]
        paras = side_paragraphs(res, lang, sub, BODY_H, BODY_W)
        if paras:
            s = deck.slide(
                f"{res.title} — {_t2('chiffres et constats', 'figures and findings', lang)}"
            )
            deck.text(s, MARGIN, BODY_TOP, BODY_W, paras)
            slides.append(s)
    elif png:
        s = deck.slide(res.title)
        deck.picture(s, png, MARGIN, BODY_TOP, BODY_W - SIDE_W - 0.3, BODY_H)
        paras = side_paragraphs(res, lang, sub, BODY_H)
        if paras:
            deck.text(s, W - MARGIN - SIDE_W, BODY_TOP, SIDE_W, paras)
        slides = [s]
    else:
        intro = "  ·  ".join(
            sub(f"{k} : {v}" if lang == "fr" else f"{k}: {v}")
            for k, v in (res.numbers or {}).items()
        )
        if res.view == "findings":
            intro = (intro + "  ·  " if intro else "") + _t2(
                "Texte complet de chaque constat : diapositives « Constats principaux ».",
                "Full text of each finding: the “Main findings” slides.",
                lang,
            )
        if res.error:
            intro = ct.not_computable(res.error, lang)
        heads, rows = ([], [])
        if res.table is not None and len(res.table):
            heads, rows = table_texts(res.table, res.view, lang, sub)
        before = len(deck.prs.slides)
        if heads:
            table_slides(deck, res.title, heads, rows, lang, intro)
        else:
            s = deck.slide(res.title)
            if intro:
                deck.text(s, MARGIN, BODY_TOP, BODY_W, [(intro, TEXT_PT, False)])
        slides = list(deck.prs.slides)[before:]
        if res.view != "findings":
            found = [f for f in res.findings or [] if f.get("kind", "finding") == "finding"]
            if found:
                findings_slides(
                    deck, found, f"{res.title} — {_t2('constats', 'findings', lang)}", lang, sub
                )
    notes = notes_text(res, lang, period)
    for s in slides:
        if notes:
            s.notes_slide.notes_text_frame.text = clean_text(sub(notes))


def write_pptx(
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
    """The deck: title, main findings (every one, paginated), agent findings, one slide per cell
    (more when a table or the findings need them)."""
    deck = Deck()
    s = deck.slide(ct.title(title, lang), layout=0)
    sub_ph = s.placeholders[1]
    from pptx.util import Inches, Pt

    sub_ph.left, sub_ph.top = Inches(MARGIN), Inches(3.7)
    sub_ph.width, sub_ph.height = Inches(BODY_W), Inches(1.6)
    lines = [ct.subtitle(import_reports, lang)]
    if period:
        lines.append(_t2("Période : ", "Period: ", lang) + period)
    sub_ph.text = clean_text("\n".join(lines))
    sub_ph.text_frame.word_wrap = True
    for p in sub_ph.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(18)

    names = agent_names(results, findings or [])
    hide = replacer({n: _t2("un conseiller", "an agent", lang) for n in names})
    key = [f for f in findings or [] if f.get("kind", "finding") == "finding"]
    about_agents = [f for f in key if agent_of(f)]
    general = [f for f in key if not agent_of(f)]
    if general or about_agents:
        note = ""
        if about_agents:
            note = _t2(
                f"{len(about_agents)} constat(s) portant sur des conseillers : "
                "diapositives « Constats par conseiller ».",
                f"{len(about_agents)} finding(s) about agents: the “Findings by agent” slides.",
                lang,
            )
        findings_slides(
            deck, general, _t2("Constats principaux", "Main findings", lang), lang, hide, note
        )
    if about_agents:
        findings_slides(
            deck, about_agents, _t2("Constats par conseiller", "Findings by agent", lang), lang
        )
    pngs = result_pngs(results, lang, period=period, grid=True)
    for res, png in zip(results, pngs, strict=True):
        cell_slides(deck, res, png, lang, (lambda x: x) if agent_level(res) else hide, period)
    path = Path(path)
    deck.prs.save(path)
    return path
