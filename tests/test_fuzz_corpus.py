"""A fuzz corpus built in the test from the bundled sample (and ../shared/data when present):
truncations, random bytes, wrong encodings, unbalanced quotes, long fields, blank-line runs, odd
Parquet types, control characters and formula-like labels. Each file goes through `check`,
`compute`, `findings` and `report` (one subprocess per file, with a timeout): exit 0 or 2 only,
never "Erreur inattendue", rows in = used + set aside, no raw customer id and no live formula in
any output."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "contacts.csv"
DRIVER = Path(__file__).parent / "fuzz" / "driver.py"
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+33 6 12 34 56 78", "-1+2", "\x07=1"]
CONTROL = ["\x01", "\x0b", "\x1b", "\x7f", "\ufffe"]


def _sample_lines(n: int = 120) -> list[str]:
    with SAMPLE.open(encoding="utf-8") as f:
        return [next(f).rstrip("\n") for _ in range(n + 1)]


def _with_motif(lines: list[str], labels: list[str]) -> list[str]:
    header = lines[0].split(";")
    i = header.index("Motif")
    out = [lines[0]]
    for k, line in enumerate(lines[1:]):
        cells = line.split(";")
        cells[i] = labels[k % len(labels)]
        out.append(";".join(cells))
    return out


def _corpus() -> dict[str, bytes]:
    rng = random.Random(20261201)
    lines = _sample_lines()
    text = "\n".join(lines) + "\n"
    raw = text.encode("utf-8")
    c: dict[str, bytes] = {
        "truncated_mid_line.csv": raw[: len(raw) // 2],
        "truncated_header.csv": raw[:40],
        "random_bytes.csv": bytes(rng.getrandbits(8) for _ in range(4000)),
        "cp1252.csv": text.encode("cp1252", errors="replace"),
        "utf16.csv": text.encode("utf-16"),
        "lone_quote.csv": "\n".join(
            lines[:5] + [lines[5].replace(";", ';"', 1)] + lines[6:]
        ).encode(),
        "long_field.csv": "\n".join(
            lines[:3] + [lines[3].replace(";", ';"' + "x" * 200_000 + '";', 1)] + lines[4:]
        ).encode(),
        "blank_runs.csv": (
            "\n" * 250 + lines[0] + "\n" + "  \n" * 120 + "\n".join(lines[1:])
        ).encode(),
        "formula_labels.csv": "\n".join(_with_motif(lines, HOSTILE)).encode(),
        "control_labels.csv": "\n".join(
            _with_motif(lines, [f"Motif{ch}{i}" for i, ch in enumerate(CONTROL)])
        ).encode(),
        "header_only.csv": (lines[0] + "\n").encode(),
        "empty.csv": b"",
    }
    flipped = bytearray(raw)
    for _ in range(60):
        flipped[rng.randrange(len(flipped))] = rng.getrandbits(8)
    c["bit_flips.csv"] = bytes(flipped)
    c["nested.parquet"] = _parquet(lines)
    if SHARED_DATA.is_dir():
        for f in sorted(SHARED_DATA.rglob("*.csv"))[:3]:
            data = f.read_bytes()[:60_000]
            c[f"shared_trunc_{f.stem}.csv"] = data[: data.rfind(b"\n") // 2 * 2 + 1]
    return c


def _parquet(lines: list[str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = lines[0].split(";")
    rows = [ln.split(";") for ln in lines[1:]]
    cols = {h: pa.array([r[i] for r in rows]) for i, h in enumerate(header)}
    cols["Motif"] = pa.array([[1, 2]] * len(rows))  # a list column where a text is expected
    cols["Pièce jointe"] = pa.array([b"\xff\x00"] * len(rows), pa.binary())
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    return buf.getvalue()


def _customer_ids() -> set[str]:
    lines = _sample_lines()
    i = lines[0].split(";").index("Id client")
    return {ln.split(";")[i] for ln in lines[1:] if ln.split(";")[i]}


CORPUS = _corpus()
RAW_IDS = _customer_ids()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_command_ends_cleanly_on_hostile_input(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(CORPUS[name])
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,  # a hang fails the test, never the run
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]  # no abort of the process
    results = {r["cmd"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(results) == {"check", "compute", "findings", "report"}
    for cmd, r in results.items():
        assert r["code"] in (0, 2), (cmd, r["code"], r["err"][-500:])
        assert "Erreur inattendue" not in r["err"] + r["out"], (cmd, r["err"][-800:])
        leaked = [i for i in RAW_IDS if i in r["out"]]
        assert not leaked, (cmd, leaked[:3])
    check = results["check"]
    if check["code"] == 0:
        rep = json.loads(check["out"])["import"]
        assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    if results["compute"]["code"] == 0:
        for line in results["compute"]["out"].splitlines():
            for cell in line.split(","):
                assert not cell.lstrip(' "\t').startswith(("=", "@", "+")), (line, cell)
    xlsx = tmp_path / "audit.xlsx"
    if results["report"]["code"] == 0:
        book = openpyxl.load_workbook(xlsx)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not any(i in cell.value for i in RAW_IDS), cell.value


def test_the_corpus_covers_every_family():
    names = " ".join(CORPUS)
    for family in (
        "truncated",
        "random",
        "cp1252",
        "utf16",
        "lone_quote",
        "long_field",
        "blank_runs",
        "parquet",
        "control",
        "formula",
    ):
        assert family in names
