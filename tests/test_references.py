"""Public reference figures ("Repère public"): transcribed from ../shared/BENCHMARKS.md, shown
beside the target on cards, in the glossary and in deliverables, never as the target and never
judging the value."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from kpis.definitions import REGISTRY
from kpis.deliverables import content as ct
from kpis.deliverables.audit import write_report
from kpis.references import (
    REFERENCES,
    data_value,
    kpi_reference_text,
    reference_text,
    references_for,
)
from kpis.targets import target_of
from kpis.views.runner import run_cell
from kpis.workspace import Cell

if str(REPO) not in sys.path:  # `ui` sits beside app.py
    sys.path.insert(0, str(REPO))

BENCHMARKS = REPO.parent / "shared" / "BENCHMARKS.md"
BENCHMARKS_REASON = (
    "../shared/BENCHMARKS.md absent: the project docs live beside the repo only in the dev/CI "
    "workspace"
)
# what a verdict would say; none of it may sit in a "Repère public" text
VERDICT_WORDS = (
    "cible", "target", "conforme", "dehors", "au-dessus", "en dessous", "au-dessous",
    "supérieur", "inférieur", "above", "below", "meilleur", "better", "worse",
)  # fmt: skip
EASIWARE = (
    "85,0\u202f% (easiware/AMARC/Université Paris-Dauphine, 2020, déclaré par les entreprises"
)


# --- transcription -------------------------------------------------------------------------------


def benchmark_rows(text: str) -> list[dict]:
    """The markdown tables' rows: section, kpi, figure, year, method, source ("same" resolved
    to the row above's source)."""
    rows, section, last_source = [], "", ""
    for line in text.splitlines():
        if line.startswith("## "):
            section, last_source = line[3:].strip(), ""
            continue
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("KPI", "") or set(cells[0]) <= {"-"}:
            continue
        kpi, figure, year, method, source = cells
        source = last_source if source == "same" else source
        last_source = source
        rows.append(dict(section=section, kpi=kpi, figure=figure, year=year, method=method,
                         source=source))  # fmt: skip
    return rows


def test_benchmark_parser_on_a_small_table():
    md = (
        "## France\n| KPI | figure | year | method | source |\n|---|---|---|---|---|\n"
        "| a | 85 % handled | 2020 | D | Src A, 5th ed. |\n| b | 54 % | 2020 | D | same |\n"
    )
    rows = benchmark_rows(md)
    assert [r["source"] for r in rows] == ["Src A, 5th ed.", "Src A, 5th ed."]
    assert rows[1] == dict(section="France", kpi="b", figure="54 %", year="2020", method="D",
                           source="Src A, 5th ed.")  # fmt: skip


@pytest.mark.skipif(not BENCHMARKS.is_file(), reason=BENCHMARKS_REASON)
@pytest.mark.parametrize("ref", REFERENCES, ids=lambda r: f"{r.kpi}-{r.year}")
def test_every_figure_is_in_benchmarks_with_the_same_value_source_and_year(ref):
    rows = benchmark_rows(BENCHMARKS.read_text(encoding="utf-8"))
    assert len(rows) >= 19  # the two tables were read
    match = [
        r
        for r in rows
        if r["year"] == str(ref.year) and ref.source in r["source"] and ref.quote in r["figure"]
    ]
    assert len(match) == 1, (ref.source, ref.year, ref.quote)
    row = match[0]
    numbers = re.findall(r"\d+(?:\.\d+)?", ref.quote)
    assert f"{ref.value:g}" in numbers
    if ref.high is not None:
        assert f"{ref.high:g}" in numbers
    if ref.scale:
        assert f"/ {ref.scale[1]:g}" in ref.quote
    assert row["method"].split(",")[0].strip() == ref.method
    assert (row["section"] == "France") == (ref.scope == "France")


def test_every_figure_belongs_to_a_registered_kpi_in_its_unit():
    for ref in REFERENCES:
        kpi = REGISTRY.get(ref.kpi)
        assert ref.unit == kpi.unit, ref
        assert ref.note("fr") and ref.note("en")
        if ref.unit == "score":
            assert ref.scale is not None  # a score figure says its scale


# --- references_for and the text ---------------------------------------------------------------


def test_references_for_known_kpis():
    (ans,) = references_for("answer_rate")
    assert (ans.value, ans.unit, ans.year, ans.method, ans.scope) == (
        85.0,
        "%",
        2020,
        "D",
        "France",
    )
    assert ans.source == "easiware/AMARC/Université Paris-Dauphine"
    assert [r.year for r in references_for("asa")] == [2024, 2023]  # the newest first
    assert [r.value for r in references_for("asa")] == [116.0, 120.0]  # seconds
    assert references_for("abandon_rate")[0].value == 9.1
    assert references_for("nps") == [] and references_for("fcr") == []  # no matching definition
    assert reference_text(ans, "fr").startswith(EASIWARE)
    assert reference_text(ans, "en") == (
        "85.0% (easiware/AMARC/Université Paris-Dauphine, 2020, declared by companies, France)"
    )
    assert reference_text(references_for("asa")[0], "fr").startswith(
        "1 min 56 s (ContactBabel, 2024"
    )
    sqm = references_for("fcr_survey")[1]
    assert reference_text(sqm, "fr").startswith("de 70,0\u202f% à 79,0\u202f% (SQM Group, 2022")


def test_score_figure_moves_to_the_datas_scale_as_targets_do():
    (arcep,) = references_for("csat_mean")
    # 7.9 on 0–10: on 1–5, 1 + 7.9 × 4 ÷ 10 = 4.16; on 1–10, 1 + 7.9 × 9 ÷ 10 = 8.11
    assert data_value(arcep, (1.0, 5.0)) == pytest.approx((4.16,))
    assert data_value(arcep, (1.0, 10.0)) == pytest.approx((8.11,))
    assert data_value(arcep, None) == (7.9,)
    one_to_five = {"surveys": pd.DataFrame({"csat_score": [1, 2, 3, 4, 5, 5]})}
    assert kpi_reference_text("csat_mean", "fr", one_to_five).startswith(
        "4,16 (7,9 / 10 ramené à l’échelle 1–5 ; Arcep, 2025"
    )
    zero_to_ten = {"surveys": pd.DataFrame({"csat_score": [0, 3, 7, 9, 10]})}
    assert kpi_reference_text("csat_mean", "fr", zero_to_ten).startswith("7,9 / 10 (Arcep, 2025")
    assert kpi_reference_text("csat_mean", "en").startswith("7.9 / 10 (Arcep, 2025")
    assert kpi_reference_text("nps", "fr") == ""


def test_a_reference_is_never_the_target():
    # answer_rate: declared default 90 % without a source; its public figure is 85 %
    tg = target_of("answer_rate")
    assert (tg.value, tg.source, tg.judged) == (90.0, "none", False)


def test_reference_column_sits_beside_the_target():
    table = pd.DataFrame(
        {"kpi": ["answer_rate", "nps"], "value": [87.0, 12.0], "target": [90.0, None],
         "unit": ["%", "points"]}
    )  # fmt: skip
    out = ct.with_references(table, "fr")
    assert list(out.columns) == ["kpi", "value", "target", "reference", "unit"]
    assert out["reference"].iloc[0].startswith(EASIWARE) and out["reference"].iloc[1] == ""
    assert out["target"].tolist()[0] == 90.0  # untouched
    assert ct.with_references(table.drop(columns="target"), "fr").equals(
        table.drop(columns="target")
    )
    assert ct.key_number_reference("Taux de décroché", "fr").startswith(EASIWARE)
    assert ct.key_number_reference("Volume de contacts", "fr") == ""


# --- pages ---------------------------------------------------------------------------------------


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def ref_parts(at: AppTest) -> list[str]:
    return [p for c in at.caption for p in c.value.split(" · ") if p.startswith("Repère public")]


def test_dashboard_card_shows_the_reference_without_a_verdict():
    at = _open("pages/2_Tableau_de_bord.py")
    parts = ref_parts(at)
    for p in parts:
        assert not any(w in p.lower() for w in VERDICT_WORDS), p
    assert f"Repère public : {EASIWARE}, France)" in parts, parts
    # the answer rate's card: the default target has no source, so no gap and no "cible 85 %"
    card = next(m for m in at.metric if m.label == "Taux de décroché")
    assert card.delta is None or card.delta == ""
    caption = next(c.value for c in at.caption if f"Repère public : {EASIWARE}" in c.value)
    assert "cible 85,0\u202f%" not in caption.lower()
    # the CSAT mean's figure is on the sample's 1–5 scale
    assert any(p.startswith("Repère public : 4,16 (7,9 / 10 ramené à l’échelle 1–5") for p in parts)


def test_glossary_shows_a_figure_with_source_and_year():
    at = _open("pages/7_Glossaire.py")
    overview = at.dataframe[0].value.set_index("id")
    assert overview.loc["answer_rate", "Repère public"].startswith(EASIWARE)
    assert overview.loc["nps", "Repère public"] == ""
    lines = [m.value for m in at.markdown if m.value.startswith("**Repère public**")]
    line = next(v for v in lines if "ContactBabel" in v and "2024" in v)
    assert line.startswith("**Repère public** : 1 min 56 s (ContactBabel, 2024, déclaré")
    assert any(v.startswith(f"**Repère public** : {EASIWARE}") for v in lines)
    assert len(lines) == len(REFERENCES)


# --- deliverables --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard_results():
    from sample_data.generator import generate

    t = generate(seed=11, n_contacts=1500, start="2024-01-01", months=2)
    t.pop("truth", None)
    return [run_cell(Cell("dashboard"), t, {})]


def test_html_deliverable_shows_the_reference(dashboard_results, tmp_path):
    path = write_report(dashboard_results, tmp_path / "audit.html")
    html = path.read_text(encoding="utf-8")
    assert "<th>Repère public</th>" in html
    assert f"<td>{EASIWARE}, France)</td>" in html
    assert f"Repère public — Taux de décroché : {EASIWARE}" in html  # below the key numbers


def test_excel_summary_and_sheet_show_the_reference(dashboard_results, tmp_path):
    wb = openpyxl.load_workbook(write_report(dashboard_results, tmp_path / "audit.xlsx"))
    summary = wb["Synthèse"]
    rows = [[c.value for c in r] for r in summary.iter_rows()]
    head = next(r for r in rows if r[:4] == ["#", "Cellule", "Chiffre", "Valeur"])
    assert head[4] == "Repère public"
    row = next(r for r in rows if r[2] == "Taux de décroché")
    assert isinstance(row[3], float) and row[4].startswith(EASIWARE)
    ws = wb[wb.sheetnames[1]]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    h = next(i for i, r in enumerate(cells) if "Repère public" in r)
    header = cells[h]
    j = header.index("Repère public")
    assert header[j - 1] == "Cible"  # beside the target
    name = header.index("Indicateur")
    line = next(r for r in cells[h + 1 :] if r[name] == "Taux de décroché")
    assert line[j].startswith(EASIWARE)
    assert line[j - 1] is None  # the sourceless default is not shown, the figure is no target


def test_references_module_has_no_streamlit():
    text = (REPO / "kpis" / "references.py").read_text(encoding="utf-8")
    assert "streamlit" not in text
    assert Path(REPO / "kpis" / "references.py").stat().st_size < 40_000


def test_powerpoint_dashboard_slide_shows_the_reference(dashboard_results, tmp_path):
    from pptx import Presentation

    deck = Presentation(str(write_report(dashboard_results, tmp_path / "audit.pptx")))
    texts = [
        p.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
    ]
    # under the key number it belongs to, with its source, never in place of a target
    i = next(i for i, t in enumerate(texts) if t.startswith("Taux de décroché : "))
    assert texts[i + 1].strip() == f"Repère public : {EASIWARE}, France)"
