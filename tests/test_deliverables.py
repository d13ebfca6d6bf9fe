"""Deliverables: open the produced Excel, HTML and PowerPoint files and check their contents
against the engine's numbers; formula injection through motifs, providers and comments; the
HTML file is self-contained; ``cli_report`` end to end."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from pptx import Presentation

from kpis import format as fmt
from kpis.deliverables.audit import ReportError, cli_report, report_from_tables, write_report
from kpis.deliverables.text import clean_text, safe_cell_text
from kpis.engine import compute, registry_records
from kpis.views.runner import run_cell
from kpis.workspace import Cell, Workspace
from sample_data.generator import generate

HOSTILE = {
    "Facturation": '=HYPERLINK("http://evil.example/x","clic")',
    "Livraison": "@SUM(1)",
    "Remboursement": "+33 6 12 34",
    "Réclamation": "-1+2",
    "Résiliation": "\tTAB=1",
}
EVIL_COMMENT = '<script>alert(1)</script><img src="http://evil.example/p.png"> =1+1'
EVIL_PROVIDER = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def tables():
    t = generate(seed=11, n_contacts=2500, start="2024-01-01", months=2)
    t.pop("truth", None)
    for name in ("contacts", "surveys"):
        df = t[name]
        df["motif"] = df["motif"].cat.rename_categories(
            {k: v for k, v in HOSTILE.items() if k in df["motif"].cat.categories}
        )
        df["provider"] = df["provider"].cat.rename_categories({"Prestataire B": EVIL_PROVIDER})
    return t


@pytest.fixture(scope="module")
def results(tables):
    cells = [
        Cell("explorer", {"kpi": "fcr", "by": ["motif"]}, comment=EVIL_COMMENT),
        Cell("explorer", {"kpi": "dmt", "by": ["canal"]}),
        Cell("comparison", {"kpis": ["fcr", "dmt"], "n_boot": 200}),
        Cell("dashboard"),
    ]
    return [run_cell(c, tables, {}) for c in cells]


IMPORT_REPORT = {
    "file": "=export.csv",
    "table": "contacts",
    "rows_in": 2600,
    "rows_used": 2500,
    "rows_set_aside": 100,
    "set_aside": {"unparseable_date": 100},
    "mapping": {"motif": "@Motif", "started_at": ["date", "heure"]},
}
FINDINGS = [
    {
        "rule": "x",
        "severity": "warning",
        "segment": {"motif": "@SUM(1)"},
        "text_fr": "=Le motif @SUM(1) a un taux élevé.",
        "text_en": "=Motif @SUM(1) is high.",
        "evidence": {},
    }
]


def written(results, tmp_path: Path, suffix: str) -> Path:
    return write_report(
        results, tmp_path / f"audit{suffix}", IMPORT_REPORT, registry_records("fr"), FINDINGS
    )


# --- Excel ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+33", "'+33"),
        ("-2", "'-2"),
        ("\tx", "x"),  # tab and CR are removed before the test: plain text, nothing to quote
        ("\rx", "x"),
        ("\t=x", "'=x"),
        ("\x07=1", "'=1"),
        ("Facturation", "Facturation"),
        ("a=1", "a=1"),
        ("bell\x07", "bell"),
    ],
)
def test_safe_cell_text(text, expected):
    assert safe_cell_text(text) == expected


def sheet_table(ws, header: str):
    """Locate a table by a header cell; return (header row, {header: column index})."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == header:
                heads = {ws.cell(row=c.row, column=j).value: j for j in range(1, ws.max_column + 1)}
                return c.row, heads
    raise AssertionError(f"no header {header!r} in {ws.title}")


def test_excel_contents_match_the_engine(tables, results, tmp_path):
    path = written(results, tmp_path, ".xlsx")
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "Synthèse" and names[-2:] == ["Définitions", "Import"]
    assert len(names) == 2 + len(results) + 1
    # sheet 1: FCR by motif
    ws = wb[names[1]]
    assert ws["A1"].value == results[0].title
    hrow, heads = sheet_table(ws, "Valeur")
    eng = compute(tables, ["fcr"], by=["motif"])
    n = len(eng)
    values = [ws.cell(row=hrow + 1 + i, column=heads["Valeur"]).value for i in range(n)]
    counts = [ws.cell(row=hrow + 1 + i, column=heads["n"]).value for i in range(n)]
    np.testing.assert_allclose(values, eng["value"].to_numpy())
    np.testing.assert_allclose(counts, eng["n"].to_numpy())
    assert ws.cell(row=hrow + 1, column=heads["Valeur"]).number_format == '0.0" %"'
    assert ws.cell(row=hrow + 1, column=heads["IC 95 % bas"]).number_format == '0.0" %"'
    assert ws.cell(row=hrow + 1, column=heads["n"]).number_format == "#,##0"
    assert len(ws._images) == 1  # the chart
    # sheet 2: DMT in seconds
    ws = wb[names[2]]
    hrow, heads = sheet_table(ws, "Valeur")
    eng = compute(tables, ["dmt"], by=["canal"])
    assert ws.cell(row=hrow + 1, column=heads["Valeur"]).value == pytest.approx(
        eng["value"].iloc[0]
    )
    assert ws.cell(row=hrow + 1, column=heads["Valeur"]).number_format == '#,##0" s"'
    # comparison sheet: adjusted values, p-values and coverage formats
    ws = wb[names[3]]
    hrow, heads = sheet_table(ws, "Valeur ajustée (mix commun)")
    first = ws.cell(row=hrow + 1, column=heads["Valeur ajustée (mix commun)"])
    assert first.value == pytest.approx(results[2].table["std_value"].iloc[0])
    assert ws.cell(row=hrow + 1, column=heads["p ajusté"]).number_format == "0.0000"
    assert ws.cell(row=hrow + 1, column=heads["Part du mix couverte"]).number_format == "0.0%"
    # definitions from the registry, import report
    defs = wb["Définitions"]
    assert defs.max_row == 1 + len(registry_records("fr"))
    assert defs["A2"].value == registry_records("fr")[0]["name"]  # French: no KPI id (issue 14)
    imp = wb["Import"]
    assert imp["A2"].value == "'=export.csv"
    assert imp["D2"].value == 2500 and imp["E2"].value == 100
    summary = wb["Synthèse"]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=Le motif @SUM(1) a un taux élevé." in texts


def test_excel_neutralises_every_formula_like_text(results, tmp_path):
    path = written(results, tmp_path, ".xlsx")
    wb = openpyxl.load_workbook(path)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {ws.title}!{c.coordinate}: {c.value!r}"
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        f"{ws.title}!{c.coordinate}: {c.value!r}"
                    )
                    seen.add(c.value)
    assert "'" + HOSTILE["Facturation"] in seen
    assert "'@SUM(1)" in seen
    assert "'" + EVIL_PROVIDER in seen
    assert "TAB=1" in seen  # the tab is removed, the rest is plain text
    # the same file read back as values (no formula evaluated): no HYPERLINK object either
    wb2 = openpyxl.load_workbook(path, data_only=True)
    assert all(not ws._hyperlinks for ws in wb2.worksheets)


# --- HTML ----------------------------------------------------------------------------------------


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.cells = [], [], []
        self._in_td = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_td = tag in ("td", "th")
        if self._in_td:
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_td = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_td:
            self.cells[-1] += data


def test_html_is_self_contained_escaped_and_matches_the_engine(tables, results, tmp_path):
    path = written(results, tmp_path, ".html")
    raw = path.read_text(encoding="utf-8")
    p = Collect()
    p.feed(raw)
    tags = [t for t, _ in p.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs in p.tags:
        for key in ("src", "href"):
            v = attrs.get(key)
            if v is not None:
                assert v.startswith(("data:image/png;base64,", "#")), (tag, v)
    imgs = [a for t, a in p.tags if t == "img"]
    assert len(imgs) == sum(1 for r in results if r.chart)
    assert "@media print" in raw
    assert "http://evil" not in "".join(a.get("src", "") for a in imgs)
    text = "".join(p.text)
    assert EVIL_COMMENT in text  # shown as text...
    assert "<script>alert" not in raw  # ...because it was escaped
    assert "&lt;script&gt;" in raw
    # numbers as the engine computes them, formatted in French
    eng = compute(tables, ["fcr"], by=["motif"])
    for v in eng["value"]:
        assert fmt.value(v, "%", "fr") in p.cells
    assert HOSTILE["Facturation"] in p.cells  # the motif, as plain text
    dash = compute(tables, ["dmt"])
    assert fmt.value(float(dash["value"].iloc[0]), "s", "fr") in text


# --- PowerPoint ----------------------------------------------------------------------------------


def test_pptx_one_slide_per_cell_with_chart_numbers_and_findings(tables, results, tmp_path):
    path = written(results, tmp_path, ".pptx")
    prs = Presentation(path)
    slides = list(prs.slides)
    assert len(slides) == 1 + 1 + len(results)  # title, main findings, one per cell
    cell_slides = slides[2:]
    for slide, res in zip(cell_slides, results, strict=True):
        assert slide.shapes.title.text == res.title
        pics = [s for s in slide.shapes if s.shape_type == 13]  # PICTURE
        assert len(pics) == (1 if res.chart else 0)
        body = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for k, v in res.numbers.items():
            assert clean_text(f"{k} : {v}") in body  # a motif's tab is removed
    # key numbers are the engine's: the FCR explorer slide states the overall FCR
    overall = float(compute(tables, ["fcr"])["value"].iloc[0])
    body0 = "\n".join(s.text_frame.text for s in cell_slides[0].shapes if s.has_text_frame)
    assert fmt.value(overall, "%", "fr") in body0  # key numbers go through kpis.format
    assert EVIL_COMMENT in cell_slides[0].notes_slide.notes_text_frame.text
    # the comparison slide lists its findings
    body2 = "\n".join(s.text_frame.text for s in cell_slides[2].shapes if s.has_text_frame)
    assert "Constats" in body2
    assert "=Le motif @SUM(1) a un taux élevé." in "\n".join(
        s.text_frame.text for s in slides[1].shapes if s.has_text_frame
    )


def test_unknown_suffix_is_a_typed_error(results, tmp_path):
    with pytest.raises(ReportError) as err:
        write_report(results, tmp_path / "audit.pdf")
    assert ".xlsx" in err.value.message("fr")


# --- standard audit and the command-line body ----------------------------------------------------


def test_standard_audit_report_has_the_comparison_and_findings(tables, tmp_path):
    path = report_from_tables(tables, IMPORT_REPORT, None, tmp_path / "std.xlsx")
    wb = openpyxl.load_workbook(path)
    titles = [wb[n]["A1"].value for n in wb.sheetnames[1:-2]]
    assert titles[0] == "Tableau de bord"
    assert "Comparaison prestataires" in titles and "Constats" in titles


def test_cli_report_uses_the_workspace_mapping_and_cells(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    mapping_text = (sample / "contacts.mapping.yaml").read_text(encoding="utf-8")
    ws = Workspace(mappings={"contacts.csv": mapping_text}, targets={"fcr": 97.5})
    ws.add(Cell("explorer", {"kpi": "fcr", "by": ["provider"]}, title="FCR par prestataire"))
    ws.add(Cell("dashboard", comment="Pour le comité du mois"))
    wpath = tmp_path / "w.json"
    ws.save(wpath)
    out = tmp_path / "out.html"
    code = cli_report([sample / "contacts.csv"], out, workspace_path=wpath)
    assert code == 0
    raw = out.read_text(encoding="utf-8")
    assert "FCR par prestataire" in raw and "Pour le comité du mois" in raw
    assert "97,5\u202f%" in raw  # the workspace's target reached the dashboard
    assert "Rapport d’import" in raw and "contacts.csv" in raw


def test_cli_report_takes_the_key_file_and_refuses_another_workspaces_key(tmp_path, capsys):
    from kpis.cli import main
    from kpis.io.pseudonym import key_file_text, key_id

    key = bytes(range(32))
    ws = Workspace(settings={"pseudonym_key_id": key_id(key)})
    ws_path = tmp_path / "w.json"
    ws_path.write_text(ws.to_json(), encoding="utf-8")
    csv = tmp_path / "c.csv"
    lines = (Path(__file__).parents[1] / "sample_data" / "contacts.csv").read_text("utf-8")
    csv.write_text("\n".join(lines.splitlines()[:200]) + "\n", encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(key_file_text(bytes(32)), encoding="utf-8")
    code = main(["report", str(csv), "--workspace", str(ws_path), "--key-file", str(wrong),
                 "--out", str(tmp_path / "a.html")])  # fmt: skip
    assert code == 2 and "empreinte" in capsys.readouterr().err
    right = tmp_path / "right.txt"
    right.write_text(key_file_text(key), encoding="utf-8")
    code = main(["report", str(csv), "--workspace", str(ws_path), "--key-file", str(right),
                 "--out", str(tmp_path / "a.html")])  # fmt: skip
    assert code == 0 and (tmp_path / "a.html").exists()


def test_standard_audit_report_in_english_has_english_titles(tables, tmp_path):
    path = report_from_tables(tables, IMPORT_REPORT, None, tmp_path / "std_en.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    titles = [wb[n]["A1"].value for n in wb.sheetnames[1:-2]]
    assert titles[0] == "Dashboard"
    assert "Findings" in titles and "Constats" not in titles and "Tableau de bord" not in titles
