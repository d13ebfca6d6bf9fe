"""Hostile labels through every export and deliverable.

- Formula-like motifs and agents (``=HYPERLINK(…)``, ``@SUM(1)``, a phone number, ``-1+2``, and the
  same hidden behind a bell, a tab, a CR or spaces) come out of ``csv_bytes``, ``xlsx_bytes``,
  ``write_report`` and ``pilote compute --format csv`` as plain text: no formula cell, no text that
  starts (after whitespace and control characters) with ``=``, ``+``, ``-`` or ``@``; numbers stay
  numeric cells.
- Control characters in labels (``\\x01``, ``\\x0b``, ``\\x1b``, DEL, NUL, tab, U+FFFE) no longer
  abort the process inside vl-convert (exit code 134): ``chart_png`` and ``pilote report`` run in a
  subprocess, so a regression fails one test instead of killing the test run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from kpis.deliverables.audit import write_report
from kpis.deliverables.export import csv_bytes, xlsx_bytes
from kpis.deliverables.text import clean_text, safe_cell_text
from kpis.engine import registry_records
from kpis.format import KeyNumber
from kpis.views.base import ViewResult as CellResult
from kpis.views.runner import run_cell
from kpis.workspace import Cell, Workspace
from sample_data.generator import generate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
MAPPING = SAMPLE / "contacts.mapping.yaml"
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+33 6 12 34 56 78",
    "-1+2",
    "\x07=1",
    "\t=1",
    "\r=1",
    "  =1",
]
CONTROL_LABELS = ["a\x01b", "c\x0bd", "e\x1bf", "g\x7fh", "i\x00j", "k\tl", "m\ufffen"]
LEAD = re.compile(r"^[\s\x00-\x1f\x7f-\x9f\ufffe\uffff]*")
BAD = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\ufffe\uffff]")


def formula_like(text: str) -> bool:
    """What a spreadsheet could take for a formula: = + - @ after whitespace and controls."""
    return LEAD.sub("", text).startswith(("=", "+", "-", "@"))


def workbook_texts(data: bytes | Path) -> list[str]:
    """Every string cell of a workbook; fails on any formula or formula-like text."""
    wb = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {ws.title}!{c.coordinate}: {c.value!r}"
                if isinstance(c.value, str):
                    assert not formula_like(c.value), f"{ws.title}!{c.coordinate}: {c.value!r}"
                    texts.append(c.value)
    return texts


def frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "motif": pd.Categorical(HOSTILE),
            "agent": pd.array(HOSTILE[::-1], dtype="string"),
            "comment": pd.Series(HOSTILE, dtype=object),
            "value": [-1.5 + i for i in range(n)],
            "n": list(range(-2, n - 2)),
            "day": pd.date_range("2026-01-01", periods=n, freq="D"),
            "period": [dt.date(2026, 1, i + 1) for i in range(n)],
            "ok": [i % 2 == 0 for i in range(n)],
            "=SUM(A1)": ["x"] * n,  # a hostile header too
        }
    )


# --- the export path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\x07=HYPERLINK(1)", "'=HYPERLINK(1)"),  # cleaned first, then tested: no live formula
        ("\x01\x0b@SUM(1)", "'@SUM(1)"),
        ("\ufffe-1", "'-1"),
        ("  =1", "'  =1"),
        ("\n+1", "'\n+1"),
        ("a\x00b\x7fc\x85d\ud800e", "abcde"),
        ("x=1", "x=1"),
    ],
)
def test_safe_cell_text_cleans_before_it_tests(text, expected):
    assert safe_cell_text(text) == expected


def test_csv_bytes_neutralises_text_and_keeps_numbers():
    raw = csv_bytes(frame(), "fr")
    assert raw.startswith("\ufeff".encode())  # utf-8-sig, as the pages wrote it
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[-1] == "'=SUM(A1)"
    for col in ("motif", "agent", "comment"):
        j = header.index(col)
        values = [r[j] for r in body]
        assert not any(formula_like(v) for v in values), values
        assert '\'=HYPERLINK("http://x","y")' in values and "'=1" in values
    back = pd.read_csv(io.BytesIO(raw), sep=";", encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(back["value"]) and back["value"].iloc[0] == -1.5
    assert pd.api.types.is_integer_dtype(back["n"]) and back["n"].iloc[0] == -2
    assert back["day"].iloc[0] == "2026-01-01" and back["period"].iloc[0] == "2026-01-01"


def test_xlsx_bytes_has_no_formula_and_numbers_stay_numbers():
    df = frame()
    data = xlsx_bytes({"=evil": df, "Autre": df.head(2)}, "fr")
    texts = workbook_texts(data)
    assert '\'=HYPERLINK("http://x","y")' in texts and "'=SUM(A1)" in texts
    assert "'+33 6 12 34 56 78" in texts and "'-1+2" in texts and "'@SUM(1)" in texts
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    heads = {c.value: c.column for c in ws[1]}
    for i in range(len(df)):
        value, n = ws.cell(i + 2, heads["value"]), ws.cell(i + 2, heads["n"])
        assert value.data_type == "n" and value.value == df["value"].iloc[i]
        assert n.data_type == "n" and n.value == df["n"].iloc[i]
        assert ws.cell(i + 2, heads["day"]).is_date
        assert ws.cell(i + 2, heads["period"]).is_date
        assert ws.cell(i + 2, heads["ok"]).data_type == "b"


# --- audit deliverables ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_tables():
    t = generate(seed=5, n_contacts=1200, start="2024-01-01", months=1)
    t.pop("truth", None)
    for name in ("contacts", "surveys", "evaluations"):
        df = t[name]
        for col in ("motif", "agent_id"):
            if col in df.columns:
                cats = list(df[col].cat.categories)
                names = HOSTILE + CONTROL_LABELS
                df[col] = df[col].cat.rename_categories(
                    {c: names[i] for i, c in enumerate(cats) if i < len(names)}
                )
    return t


@pytest.fixture(scope="module")
def charts_safe():
    """The chart renderer survives control characters (checked in a subprocess): otherwise the
    in-process tests below would abort the whole test run instead of failing."""
    proc = run_python(["-c", CHART_SCRIPT], input=json.dumps(CONTROL_LABELS).encode())
    if proc.returncode != 0:
        pytest.fail(f"chart_png aborts on control characters (exit code {proc.returncode})")


@pytest.fixture(scope="module")
def hostile_results(hostile_tables, charts_safe):
    cells = [
        Cell("explorer", {"kpi": "fcr", "by": ["motif"]}),
        Cell("explorer", {"kpi": "volume", "by": ["agent_id"]}),
        Cell("dashboard"),
    ]
    return [run_cell(c, hostile_tables, {}) for c in cells]


def test_excel_audit_with_hostile_labels(hostile_results, tmp_path):
    path = write_report(hostile_results, tmp_path / "a.xlsx", None, registry_records("fr"))
    texts = workbook_texts(path)
    assert '\'=HYPERLINK("http://x","y")' in texts and "'=1" in texts
    assert not any(BAD.search(t) for t in texts)
    # the motif and agent tables' values and counts are numbers
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[1:3]:
        hrow = next(c.row for row in ws.iter_rows() for c in row if c.value == "Valeur")
        heads = {ws.cell(hrow, j).value: j for j in range(1, ws.max_column + 1)}
        assert ws.cell(hrow + 1, heads["Valeur"]).data_type == "n"
        assert ws.cell(hrow + 1, heads["n"]).data_type == "n"


def test_excel_key_numbers_are_numbers(hostile_tables, charts_safe, tmp_path):
    dash = run_cell(Cell("dashboard"), hostile_tables, {})
    key = {k: v for k, v in dash.numbers.items() if isinstance(v, KeyNumber)}
    assert key  # the dashboard's key figures carry their numbers
    path = write_report([dash], tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in (wb["Synthèse"], wb.worksheets[1]):
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value in key and c.value not in found:  # the key block comes first
                    found[c.value] = ws.cell(c.row, c.column + 1)
        assert set(found) == set(key), ws.title
        for label, cell in found.items():
            assert cell.data_type == "n", (ws.title, label, cell.value)
            assert cell.value == pytest.approx(key[label].value)
            assert cell.number_format != "General"


def test_html_and_pptx_audits_with_hostile_labels(hostile_results, tmp_path):
    html = write_report(hostile_results, tmp_path / "a.html").read_text(encoding="utf-8")
    assert not BAD.search(html.replace("\t", ""))  # no control character reaches the page
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in html  # shown, escaped
    assert html.count("<img ") == 3  # every chart rendered despite the labels
    prs = Presentation(write_report(hostile_results, tmp_path / "a.pptx"))
    body = "\n".join(
        shape.text_frame.text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "\x07" not in body and "\ufffe" not in body
    assert sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13) == 3


# --- charts and the command line, in subprocesses -------------------------------------------------


def run_python(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, timeout=300, **kw
    )


CHART_SCRIPT = """
import json, sys
from kpis.deliverables.images import chart_png
labels = json.loads(sys.stdin.read())
out = []
for label in labels:
    spec = {
        "title": "t" + label,
        "data": {"values": [{"m": label, "v": 1}, {"m": "z", "v": 2}]},
        "mark": "bar",
        "encoding": {"x": {"field": "m", "type": "nominal", "title": label},
                     "y": {"field": "v", "type": "quantitative"}},
    }
    png = chart_png(spec)
    out.append(png is not None and png[:4] == b"\\x89PNG")
print(json.dumps(out))
"""


def test_chart_png_survives_control_characters():
    labels = [*CONTROL_LABELS, "o\ud800p", "q\uffffr"]  # JSON carries the lone surrogate
    proc = run_python(["-c", CHART_SCRIPT], input=json.dumps(labels).encode())
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert json.loads(proc.stdout) == [True] * len(labels)


def hostile_csv(tmp_path: Path, labels: list[str]) -> Path:
    """~30 sample contacts whose motif and agent are ``labels``."""
    lines = (SAMPLE / "contacts.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    head, body = rows[0], rows[1:31]
    motif, agent = head.index("Motif"), head.index("Conseiller")
    for i, r in enumerate(body):
        r[motif] = labels[i % len(labels)]
        r[agent] = labels[(i + 3) % len(labels)]
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL)
        w.writerows([head, *body])
    return path


def test_pilote_compute_csv_is_neutralised(tmp_path):
    path = hostile_csv(tmp_path, HOSTILE)
    args = ["-m", "kpis", "compute", str(path), "--mapping", str(MAPPING), "--kpi", "volume"]
    proc = run_python([*args, "--by", "motif", "--format", "csv"])
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = proc.stdout.decode("utf-8")
    assert out.startswith("kpi,motif,value")  # the CLI keeps "," and no BOM
    back = pd.read_csv(io.StringIO(out), keep_default_na=False)
    motifs = list(back["motif"])
    assert not any(formula_like(m) for m in motifs), motifs
    assert '\'=HYPERLINK("http://x","y")' in motifs and "'=1" in motifs
    assert pd.api.types.is_numeric_dtype(back["value"]) and back["value"].sum() == 30
    assert pd.api.types.is_numeric_dtype(back["n"])


@pytest.mark.parametrize("suffix", [".xlsx", ".html", ".pptx"])
def test_pilote_report_survives_control_characters(tmp_path, suffix):
    path = hostile_csv(tmp_path, [x for x in CONTROL_LABELS if "\x00" not in x] + HOSTILE[:2])
    ws = Workspace()
    ws.add(Cell("explorer", {"kpi": "volume", "by": ["motif"]}))
    ws.add(Cell("explorer", {"kpi": "volume", "by": ["agent_id"]}))
    ws.save(tmp_path / "w.json")
    out = tmp_path / f"audit{suffix}"
    args = ["-m", "kpis", "report", str(path), "--mapping", str(MAPPING)]
    proc = run_python([*args, "--workspace", str(tmp_path / "w.json"), "--out", str(out)])
    assert proc.returncode == 0, (proc.returncode, proc.stderr.decode(errors="replace")[-2000:])
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(out)
        assert [len(wb.worksheets[i]._images) for i in (1, 2)] == [1, 1]  # both charts drawn
        texts = workbook_texts(out)
        assert not any(BAD.search(t) for t in texts)
        assert "ab" in texts and "mn" in texts  # the labels, cleaned
    elif suffix == ".html":
        raw = out.read_text(encoding="utf-8")
        assert raw.count("<img ") == 2 and not BAD.search(raw.replace("\t", ""))
    else:
        prs = Presentation(out)
        assert sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13) == 2


def test_key_number_is_text_everywhere_else():
    k = KeyNumber.of(312, "s", "fr")
    assert k == "5 min 12 s" and k.value == 312.0 and k.unit == "s"
    assert f"DMT : {k}" == "DMT : 5 min 12 s" and clean_text(k) == "5 min 12 s"
    cell = CellResult(title="x", table=pd.DataFrame(), numbers={"DMT": k})
    assert cell.numbers["DMT"].value == 312.0


# --- the Explorer page's downloads ----------------------------------------------------------------


def test_explorer_downloads_have_no_live_formula(monkeypatch):
    """The bytes handed to the Explorer's CSV button and built by its (deferred) XLSX button."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest

    if str(ROOT) not in sys.path:  # `ui` sits beside app.py
        sys.path.insert(0, str(ROOT))
    from ui.state import Dataset, sample_dataset

    eager: dict[str, bytes] = {}
    deferred: dict[str, object] = {}
    store, defer = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def record(self, data, mimetype, kind, filename=None):
        if isinstance(data, bytes) and filename:
            eager[filename] = data
        return store(self, data, mimetype, kind, filename)

    def record_deferred(self, fn, mimetype, coordinates, file_name=None, **kw):
        deferred[file_name] = fn
        return defer(self, fn, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    ds = sample_dataset()
    tables = dict(ds.tables)
    for name in ("contacts", "surveys"):
        df = tables[name].copy()
        cats = list(df["motif"].cat.categories)
        df["motif"] = df["motif"].cat.rename_categories(dict(zip(cats, HOSTILE, strict=False)))
        tables[name] = df
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.session_state["dataset"] = Dataset("hostile", "user", ds.results, tables, ds.period_inputs)
    at.switch_page("pages/3_Explorer.py").run()
    at.multiselect(key="ex_kpis").set_value(["volume"]).run()
    at.selectbox(key="ex_by1").set_value("motif").run()
    assert not at.exception, [e.message for e in at.exception]
    shown = at.dataframe[0].value
    assert '=HYPERLINK("http://x","y")' in set(shown.iloc[:, 1])  # the screen shows the label
    texts = workbook_texts(deferred["pilote_explorer.xlsx"]())
    assert '\'=HYPERLINK("http://x","y")' in texts and "'@SUM(1)" in texts
    wb = openpyxl.load_workbook(io.BytesIO(deferred["pilote_explorer.xlsx"]()))
    ws = wb.worksheets[0]
    col = next(c.column for c in ws[1] if c.value == "n")
    assert all(ws.cell(r, col).data_type == "n" for r in range(2, ws.max_row + 1))
    text = eager["pilote_explorer.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert '\'=HYPERLINK("http://x","y")' in {r[1] for r in rows}
    assert not any(formula_like(v) for r in rows for v in r[:2])


def test_the_apps_excel_download_survives_control_characters(tmp_path):
    # the button "Télécharger l'audit (Excel)" calls ui.notebook.deliverable: a label with a
    # control character once aborted the Streamlit server there; run it in a child process
    path = hostile_csv(tmp_path, [x for x in CONTROL_LABELS if "\x00" not in x] + HOSTILE[:2])
    script = (
        "import sys\n"
        "from kpis.io.pipeline import import_file\n"
        "from kpis.views.runner import run_cell\n"
        "from kpis.workspace import Cell\n"
        "from ui.notebook import deliverable\n"
        f"res = import_file({str(path)!r}, mapping={str(MAPPING)!r})\n"
        "tables = {'contacts': res.data}\n"
        "cells = [Cell('explorer', {'kpi': 'volume', 'by': ['motif']}), Cell('dashboard')]\n"
        "results = [run_cell(c, tables, {}) for c in cells]\n"
        "data = deliverable(results, '.xlsx', tables=tables, settings={})\n"
        "assert data[:2] == b'PK', data[:20]\n"
        f"open({str(tmp_path / 'app.xlsx')!r}, 'wb').write(data)\n"
    )
    proc = run_python(["-c", script])
    assert proc.returncode == 0, (proc.returncode, proc.stderr.decode(errors="replace")[-2000:])
    texts = workbook_texts(tmp_path / "app.xlsx")
    assert not any(BAD.search(t) for t in texts)
