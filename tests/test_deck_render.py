"""The PowerPoint deck as a client sees it: built on the sample, every box inside the slide, a
visible title on every slide, every finding whole, labels instead of ids, no agent named outside
agent slides, then rendered by LibreOffice (one PDF page per slide). Also the layout estimates,
the pseudonyms, the Excel key numbers as numbers and the chart images' caption."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.util import Emu

from kpis.deliverables import layout as ly
from kpis.deliverables.agents import pseudonymise, pseudonyms
from kpis.deliverables.audit import main_findings, write_report
from kpis.deliverables.images import caption, image_spec, panel_grid, row_panels
from kpis.deliverables.labels import VALUE_LABELS, rule_title
from kpis.deliverables.pptx import write_pptx
from kpis.engine import registry_records
from kpis.io.sample import load_sample, sample_engine_params
from kpis.rules.catalogue import RULES_BY_ID
from kpis.schema import TABLES
from kpis.views.runner import run_cell, standard_audit

PERIOD = "1 janv. 2024 → 30 juin 2024"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tables, reports = load_sample()
    settings = {"params": sample_engine_params(), "lang": "fr"}
    results = [run_cell(c, tables, settings) for c in standard_audit(tables, settings)]
    findings = main_findings(tables, settings, results)
    out = tmp_path_factory.mktemp("deck")
    deck = write_report(
        results, out / "audit.pptx", reports, registry_records("fr"), findings, period=PERIOD
    )
    agents = {str(a) for a in tables["contacts"]["agent_id"].dropna().unique()}
    return {
        "deck": deck,
        "results": results,
        "findings": findings,
        "agents": agents,
        "out": out,
        "tables": tables,
        "settings": settings,
    }


def slide_texts(slide) -> list[str]:
    out = []
    for sh in slide.shapes:
        if sh.has_text_frame:
            out.append(sh.text_frame.text)
        if sh.has_table:
            out += [c.text for row in sh.table.rows for c in row.cells]
    return out


def named_in(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def test_every_box_inside_the_slide_and_every_title_visible(sample):
    prs = Presentation(sample["deck"])
    sw, sh = prs.slide_width, prs.slide_height
    for k, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text.strip(), k
        assert title.height > Emu(0) and title.width > Emu(0), k  # not a zero-height box
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (k, shape.name)
            assert shape.left + shape.width <= sw, (k, shape.name)
            assert shape.top + shape.height <= sh, (k, shape.name)


def test_every_finding_is_in_the_deck_whole(sample):
    prs = Presentation(sample["deck"])
    text = "\n".join(t for s in prs.slides for t in slide_texts(s))
    flat = re.sub(r"\s+", " ", text)
    for f in sample["findings"]:
        assert rule_title(f.get("rule"), "fr", f) in text
        last = ly.sentences(f["text_fr"])[-1]  # the end of the finding: nothing cut
        last = re.sub(r"\s+", " ", last[-40:].replace("agent_id", "conseiller"))
        assert last in flat, f["rule"]
    titles = [s.shapes.title.text for s in prs.slides]
    main = [t for t in titles if t.startswith("Constats principaux")]
    assert len(main) > 1 and main[0] == f"Constats principaux (1/{len(main)})"


def test_no_rule_id_raw_field_or_agent_outside_agent_slides(sample):
    prs = Presentation(sample["deck"])
    ids = set(RULES_BY_ID) | {"provider_comparison", "alert", "warning"}
    ids |= {f.name for t in TABLES.values() for f in t.fields if "_" in f.name}
    ids |= {v for v in VALUE_LABELS if "_" in v} | {"ci_low", "ci_high", "std_value"}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    for k, slide in enumerate(prs.slides, start=1):
        text = "\n".join(slide_texts(slide))
        assert not pattern.search(text), (k, pattern.search(text))
        if not slide.shapes.title.text.startswith("Constats par conseiller"):
            named = [
                a for a in sample["agents"] if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", text)
            ]
            assert not named, (k, slide.shapes.title.text, named)


def test_pseudonymised_deck_names_no_agent(sample):
    path = write_report(
        sample["results"],
        sample["out"] / "pseudo.pptx",
        None,
        None,
        sample["findings"],
        pseudonymise_agents=True,
    )
    prs = Presentation(path)
    text = "\n".join(
        t + "\n" + s.notes_slide.notes_text_frame.text for s in prs.slides for t in slide_texts(s)
    )
    assert re.search(r"Conseiller \d\d", text)  # the agent finding now names a pseudonym
    for a in sample["agents"]:
        assert not named_in(a, text), a


def test_deck_renders_one_pdf_page_per_slide(sample, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed here; CI installs it (.ci/run)")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), sample["deck"]],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "audit.pdf"
    raw = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", raw))
    assert pages == len(Presentation(sample["deck"]).slides)
    if shutil.which("pdftoppm"):  # pages as images, to look at (kept in the test's tmp folder)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
            check=True,
            timeout=120,
        )
        assert len(list(tmp_path.glob("page-*.png"))) == pages


def test_comparison_chart_is_a_readable_grid_on_one_slide(sample):
    """The providers' comparison (one panel per KPI) is drawn as a 2-column grid across the
    slide, not a stack of thin panels beside the text: each panel row gets ≥ 1.5 in."""
    from PIL import Image

    prs = Presentation(sample["deck"])
    (cmp,) = [r for r in sample["results"] if r.view == "comparison"]
    panels = row_panels(cmp.chart)
    assert panels == 6  # CSAT, DMT, FCR measured, service level, recontact, transfer
    slides = [s for s in prs.slides if s.shapes.title.text == cmp.title]
    assert len(slides) == 1
    (pic,) = [sh for sh in slides[0].shapes if sh.shape_type == 13]  # PICTURE
    assert pic.width >= Emu(914400 * 9)  # most of the 12.3 in body width
    rows = -(-panels // 2)
    assert pic.height / rows >= Emu(914400 * 1.5)
    with Image.open(io.BytesIO(pic.image.blob)) as im:
        assert im.width > 1.3 * im.height  # wider than tall: the grid, not the stack
    texts = [
        sh.text_frame.text
        for s in prs.slides
        for sh in s.shapes
        if s.shapes.title.text.startswith(cmp.title + " — ") and sh.has_text_frame
    ]
    assert any("Classement pondéré" in x for x in texts)  # its figures and findings follow


def test_panel_grid_by_hand():
    spec = {
        "data": {"values": [{"k": "A", "v": 1}, {"k": "B", "v": 2}, {"k": "C", "v": 3}]},
        "facet": {"row": {"field": "k", "type": "nominal", "header": {"labelAngle": 0}}},
        "spec": {"mark": "point", "encoding": {"x": {"field": "v"}}, "height": 120},
    }
    assert row_panels(spec) == 3
    assert row_panels({"mark": "bar"}) == 0
    g = panel_grid(spec, columns=2, width=400)
    assert g["columns"] == 2 and g["facet"]["field"] == "k" and "row" not in g["facet"]
    assert g["facet"]["header"]["labelOrient"] == "top"
    assert g["spec"]["width"] == 400 and g["spec"]["height"] == 120
    assert spec["facet"]["row"]["header"] == {"labelAngle": 0}  # the input is left as it was


# --- the pieces, on small hand-made inputs -------------------------------------------------------


def test_layout_estimates_and_pagination():
    # (4.2 - 2 × 0.1) in × 72 pt ÷ (0.5 × 12 pt) = 288 / 6 = 48 characters per line
    assert ly.chars_per_line(4.2, 12) == 48
    assert ly.lines("x" * 100, 4.2, 12) == 3  # 48 + 48 + 4
    assert ly.lines("a\nb", 4.2, 12) == 2
    assert ly.paginate([2, 2, 2, 1], 5) == [[0, 1], [2, 3]]
    assert ly.paginate([6, 1], 5) == [[0], [1]]  # too tall: a page of its own
    assert ly.numbered("Constats", 2, 3) == "Constats (2/3)" and ly.numbered("C", 1, 1) == "C"
    text = " ".join(f"Phrase numéro {k} se termine ici." for k in range(60))
    pieces = ly.split_text(text, 12.3, 14, 1.0)
    assert len(pieces) > 1 and " ".join(pieces) == text
    assert all(p.endswith("ici.") and p.startswith("Phrase") for p in pieces)


def test_fourteen_long_findings_all_present_over_numbered_slides(tmp_path):
    long = " ".join(
        f"Constat {{k}} phrase {j} avec un peu de texte pour remplir." for j in range(9)
    )
    findings = [
        {
            "rule": "qos_below_nf345",
            "severity": "alert",
            "segment": {"canal": "reseaux_sociaux"},
            "text_fr": long.format(k=k) + f" Action proposée numéro {k}.",
        }
        for k in range(14)
    ]
    prs = Presentation(write_pptx([], tmp_path / "f.pptx", findings=findings))
    titles = [s.shapes.title.text for s in prs.slides][1:]
    n = len(titles)
    assert n > 1 and titles == [f"Constats principaux ({k}/{n})" for k in range(1, n + 1)]
    text = "\n".join(t for s in prs.slides for t in slide_texts(s))
    for k in range(14):
        assert f"Action proposée numéro {k}." in text  # every finding, to its last sentence
    assert text.count("Alerte — Qualité de service sous le seuil NF 345 (Canal : Réseaux sociaux)")
    assert "reseaux_sociaux" not in text and "alert\n" not in text


def test_pseudonyms_are_stable_and_reach_tables_and_texts(sample):
    assert pseudonyms(["Zoé B.", "Anne A.", "Zoé B."]) == {
        "Anne A.": "Conseiller 01",
        "Zoé B.": "Conseiller 02",
    }
    agent = [f for f in sample["findings"] if "agent_id" in (f.get("segment") or {})][0]
    name = agent["segment"]["agent_id"]
    _, found = pseudonymise([], [agent])
    assert name not in found[0]["text_fr"] and found[0]["segment"]["agent_id"] == "Conseiller 01"


def test_excel_key_numbers_are_numbers_with_formats(sample):
    path = write_report(sample["results"][:2], sample["out"] / "a.xlsx", lang="fr")
    ws = openpyxl.load_workbook(path)["Synthèse"]
    rows = {ws.cell(r, 3).value: ws.cell(r, 4) for r in range(1, ws.max_row + 1)}
    volume = rows["Volume de contacts"]
    assert volume.data_type == "n" and volume.value == 30064 and volume.number_format == "#,##0"
    csat = rows["CSAT (satisfaction client)"]
    assert csat.data_type == "n" and csat.number_format == '0.0" %"'
    dmt = rows["DMT (durée moyenne de traitement)"]
    assert dmt.data_type == "n" and dmt.number_format == '#,##0" s"'


def test_chart_image_states_title_n_period_and_filters():
    import vl_convert as vlc

    from kpis.views.base import ViewResult

    res = ViewResult(title="Taux de décroché par canal", table=None)
    res.n, res.filters = 1234, {"canal": ["reseaux_sociaux"]}
    lines = caption(res, "fr", PERIOD)
    assert lines == [f"n = 1\u202f234 · Période : {PERIOD} · Filtres : Canal = Réseaux sociaux"]
    spec = {
        "data": {"values": [{"c": "telephone", "v": 1}]},
        "mark": "bar",
        "encoding": {"x": {"field": "v", "type": "quantitative"}, "y": {"field": "c"}},
    }
    svg = vlc.vegalite_to_svg(image_spec(spec, "fr", res.title, lines))  # what chart_png draws
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert res.title in texts and lines[0] in texts
    assert "Téléphone" in texts and "telephone" not in texts  # the value's label, not its code


def test_cli_report_passes_pseudonymise_agents(monkeypatch, tmp_path):
    import kpis.deliverables.audit as audit
    from kpis import cli

    seen: dict = {}
    monkeypatch.setattr(audit, "cli_report", lambda *a, **k: seen.update(k) or 0)
    contacts = Path(__file__).resolve().parents[1] / "sample_data" / "contacts.csv"
    out = str(tmp_path / "a.pptx")
    assert cli.main(["report", str(contacts), "--pseudonymise-agents", "--out", out]) == 0
    assert seen["pseudonymise_agents"] is True
    assert cli.main(["report", str(contacts), "--out", out]) == 0
    assert seen["pseudonymise_agents"] is False


def test_notebook_download_option_pseudonymises_the_deck(sample):
    import io
    import sys

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:  # `ui` sits beside app.py
        sys.path.insert(0, root)
    from ui.notebook import deliverable

    quality = [r for r in sample["results"] if r.view == "quality"]
    kw = {"tables": sample["tables"], "settings": sample["settings"]}
    for pseudo in (True, False):
        data = deliverable(quality, ".pptx", pseudonymise_agents=pseudo, **kw)
        prs = Presentation(io.BytesIO(data))
        text = "\n".join(t for s in prs.slides for t in slide_texts(s))
        named = [a for a in sample["agents"] if named_in(a, text)]
        # the agent finding is on its own slide: a pseudonym with the option, the name without
        assert (not named and re.search(r"Conseiller \d\d", text)) if pseudo else named
