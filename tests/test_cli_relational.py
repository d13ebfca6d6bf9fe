"""`pilote load` and `pilote compute --engine`: the export loaded into a DuckDB file gives the
import's counts; compute reads the file's tables through the relational executor; connection
strings are never stored in a workspace in clear."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

import kpis.relational.executor as relational
from kpis.cli import main
from kpis.relational.connect import EngineError, connect, resolve, storable
from kpis.workspace import Workspace, WorkspaceDataError

KEY_HEX = "ab" * 32
HEAD = "Id;Date;Canal;Client;Répondu;Attente"
ROWS = [
    "C1;02/01/2026 09:00:00;téléphone;CLI-1;oui;10",
    "C2;02/01/2026 10:00:00;email;CLI-2;non;20",
    "C3;pas une date;chat;CLI-1;oui;30",
    "C4;03/01/2026 11:00:00;téléphone;CLI-3;oui;40",
    "C5;03/01/2026 12:00:00;chat;CLI-2;non;50",
]
MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id"\n  started_at: "Date"\n  canal: "Canal"\n'
    '  customer_id: "Client"\n  answered: "Répondu"\n  wait_s: "Attente"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M:%S"\n'
)


@pytest.fixture
def export(tmp_path, monkeypatch):
    monkeypatch.setenv("PILOTE_WORKSPACE_KEY", KEY_HEX)
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join([HEAD, *ROWS]) + "\n", encoding="utf-8")
    (tmp_path / "contacts.mapping.yaml").write_text(MAPPING, encoding="utf-8")
    return path


def _json(capsys, argv) -> dict:
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_load_command_counts_and_tables(export, tmp_path, capsys):
    db = tmp_path / "pilote.duckdb"
    doc = _json(
        capsys, ["load", str(export), "--db", str(db), "--block-rows", "2", "--format", "json"]
    )
    load = doc["load"]
    # 5 records: 4 used, 1 set aside (unparseable date), 3 blocks of 2 records
    assert (load["rows_in"], load["rows_used"], load["rows_set_aside"]) == (5, 4, 1)
    assert load["blocks"] == 3 and load["table"] == "contacts"
    assert load["set_aside"] == {"unparseable_date": 1}
    check = _json(capsys, ["check", str(export), "--format", "json"])["import"]
    assert (check["rows_in"], check["rows_used"]) == (5, 4)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [
            r[0] for r in con.execute("SELECT contact_id FROM contacts ORDER BY _pos").fetchall()
        ]
        aside = con.execute("SELECT _row, reason FROM set_aside").fetchall()
    finally:
        con.close()
    assert ids == ["C1", "C2", "C4", "C5"]
    assert aside == [(4, "unparseable_date")]


def test_load_text_report_in_french(export, tmp_path, capsys):
    db = tmp_path / "p.duckdb"
    assert main(["load", str(export), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "lignes lues : 5" in out and "utilisées : 4" in out and "mises de côté : 1" in out


@pytest.mark.parametrize("form", ["path", "url"])
def test_compute_engine_passes_the_request_to_the_executor(
    export, tmp_path, capsys, monkeypatch, form
):
    """The executor gets a Source on the file's tables and the request (ids, by, period,
    params); its table is printed as the in-memory path prints its own."""
    db = tmp_path / "pilote.duckdb"
    assert main(["load", str(export), "--db", str(db)]) == 0
    seen = {}

    def fake_compute(source, kpi_ids, by=None, period=None, filters=None, params=None):
        seen.update(
            tables=dict(source.tables),
            rows=source.table("contacts").count().execute(),
            ids=kpi_ids,
            by=by,
            period=period,
            params=params,
        )
        return pd.DataFrame(
            [{"kpi": "volume", "canal": "email", "value": 1.0, "n": 1}],
        )

    monkeypatch.setattr(relational, "compute", fake_compute, raising=False)
    engine = str(db) if form == "path" else f"duckdb://{db}"
    argv = ["compute", "--engine", engine, "--kpi", "volume", "--by", "canal"]
    doc = _json(capsys, [*argv, "--period", "month", "--param", "x=2", "--format", "json"])
    assert seen == {
        "tables": {"contacts": "contacts"},
        "rows": 4,
        "ids": ["volume"],
        "by": ["canal"],
        "period": "month",
        "params": {"x": 2},
    }
    assert doc["results"] == [
        {"kpi": "volume", "segment": {"canal": "email", "period": None}, "value": 1.0, "n": 1}
    ]
    assert doc["import"]["tables"] == {"contacts": "contacts"}


def test_compute_needs_a_file_or_an_engine(capsys):
    assert main(["--lang", "en", "compute", "--format", "json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["message"] == "give a file or --engine."
    assert main(["compute"]) == 2
    assert "donnez un fichier ou --engine" in capsys.readouterr().err


def test_compute_engine_equals_in_memory(export, tmp_path, capsys):
    db = tmp_path / "pilote.duckdb"
    assert main(["load", str(export), "--db", str(db)]) == 0
    # KPIs declared for the relational executor that this small table can feed
    kpis = "offered,handled,abandoned,answer_rate,abandon_rate,service_level,asa,avg_wait,dmc"
    args = ["--kpi", kpis, "--by", "canal", "--format", "json"]
    on_file = _json(capsys, ["compute", str(export), *args])["results"]
    on_db = _json(capsys, ["compute", "--engine", str(db), *args])["results"]
    assert len(on_db) == len(on_file)
    assert {r["kpi"] for r in on_db} == set(kpis.split(","))
    assert any(r["value"] is not None for r in on_db)
    for a, b in zip(on_db, on_file, strict=True):
        assert a["kpi"] == b["kpi"] and a["segment"] == b["segment"]
        assert a["status"] == b["status"]
        for k in ("value", "n", "numerator", "denominator", "ci_low", "ci_high"):
            if b.get(k) is None:
                assert a.get(k) is None
            else:
                assert a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-12)


def test_compute_engine_volume(export, tmp_path, capsys):
    db = tmp_path / "pilote.duckdb"
    assert main(["load", str(export), "--db", str(db)]) == 0
    argv = ["--kpi", "volume", "--format", "json"]
    on_db = _json(capsys, ["compute", "--engine", str(db), *argv])["results"]
    assert on_db[0]["value"] == 4


def test_connect_reads_the_canonical_tables(export, tmp_path):
    db = tmp_path / "pilote.duckdb"
    assert main(["load", str(export), "--db", str(db)]) == 0
    src = connect(str(db))
    assert src.tables == {"contacts": "contacts"} and src.backend == "duckdb"
    assert "set_aside" not in src.tables and "_load" not in src.tables
    assert src.table("contacts").count().execute() == 4
    assert connect(f"duckdb://{db}", {"contacts": "contacts"}).tables == {"contacts": "contacts"}
    with pytest.raises(EngineError, match="not found"):
        connect(str(tmp_path / "absent.duckdb"))
    with pytest.raises(EngineError, match="missing"):
        connect(str(db), {"contacts": "nope"})
    with pytest.raises(EngineError, match="not recognised"):
        connect("contacts.csv")


def test_engine_from_an_environment_variable(monkeypatch):
    monkeypatch.setenv("PILOTE_TEST_ENGINE", "postgres://u:secret@host/db")
    assert resolve("env:PILOTE_TEST_ENGINE") == "postgres://u:secret@host/db"
    monkeypatch.delenv("PILOTE_TEST_ENGINE")
    with pytest.raises(EngineError, match="PILOTE_TEST_ENGINE"):
        resolve("env:PILOTE_TEST_ENGINE")


def test_connection_strings_never_stored_in_clear(tmp_path):
    assert storable("spark") == "spark"
    assert storable("env:PILOTE_PG") == "env:PILOTE_PG"
    assert storable("/data/pilote.duckdb") == "/data/pilote.duckdb"
    assert storable("duckdb:///data/pilote.duckdb") == "duckdb:///data/pilote.duckdb"
    for url in ("postgres://u:secret@host/db", "snowflake://u:pw@acct/db", "env:bad name"):
        with pytest.raises(EngineError):
            storable(url)
    ws = Workspace(settings={"source": "postgres://u:secret@host/db"})
    with pytest.raises(WorkspaceDataError, match="never saved in clear"):
        ws.save(tmp_path / "w.json")
    assert not (tmp_path / "w.json").exists()
    ok = Workspace(settings={"source": "env:PILOTE_PG"})
    ok.save(tmp_path / "w.json")
    text = (tmp_path / "w.json").read_text("utf-8")
    assert '"source": "env:PILOTE_PG"' in text
    assert Workspace.load(tmp_path / "w.json").settings["source"] == "env:PILOTE_PG"
    (tmp_path / "w2.json").write_text(
        text.replace("env:PILOTE_PG", "mysql://root:pw@db/x"), "utf-8"
    )
    with pytest.raises(WorkspaceDataError):
        Workspace.load(tmp_path / "w2.json")


@pytest.mark.skipif(
    __import__("shutil").which("java") is None,
    reason="Java absent: Spark cannot start (CI installs a JDK in .ci/run)",
)
def test_connect_spark_reads_the_catalogue():
    from kpis.relational.source import spark_session

    spark = spark_session()
    for name in ("contacts", "surveys", "evaluations"):  # left by other tests of this session
        spark.catalog.dropTempView(name)
    frame = spark.createDataFrame([("C1", 1.0), ("C2", 2.0)], ["contact_id", "wait_s"])
    frame.createOrReplaceTempView("contacts")
    try:
        src = connect("spark")
        assert src.backend == "spark" and src.tables == {"contacts": "contacts"}
        assert src.table("contacts").wait_s.sum().execute() == 3.0
    finally:
        spark.catalog.dropTempView("contacts")


# ------------------------------------------- findings and report --engine (the sample in a base)


def _sample_exports() -> list[str]:
    from kpis.io.sample import SAMPLE_DIR

    return [str(SAMPLE_DIR / f) for f in ("contacts.csv", "enquetes.csv", "evaluations.csv")]


SAMPLE_EXPORTS = _sample_exports()


@pytest.fixture
def sample_base(tmp_path, monkeypatch, capsys):
    """The bundled sample's three exports loaded into one DuckDB file by ``pilote load``."""
    monkeypatch.setenv("PILOTE_WORKSPACE_KEY", KEY_HEX)
    db = tmp_path / "sample.duckdb"
    for f in SAMPLE_EXPORTS:
        assert main(["load", f, "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def _same_findings(a: list, b: list) -> None:
    assert [(f["rule"], f["kind"], f["severity"]) for f in a] == [
        (f["rule"], f["kind"], f["severity"]) for f in b
    ]
    for x, y in zip(a, b, strict=True):
        assert (x["segment"], x["text_fr"], x["text_en"]) == (
            y["segment"],
            y["text_fr"],
            y["text_en"],
        )
        _same_numbers(x["evidence"], y["evidence"])


def _same_numbers(x, y) -> None:
    if isinstance(x, dict):
        assert set(x) == set(y)
        for k in x:
            _same_numbers(x[k], y[k])
    elif isinstance(x, list):
        assert len(x) == len(y)
        for u, v in zip(x, y, strict=True):
            _same_numbers(u, v)
    elif isinstance(x, float):
        assert x == pytest.approx(y, rel=1e-9, abs=1e-12)
    else:
        assert x == y


def test_findings_engine_equals_findings_on_the_files(sample_base, capsys):
    on_files = _json(capsys, ["findings", *SAMPLE_EXPORTS, "--format", "json"])["findings"]
    doc = _json(capsys, ["findings", "--engine", str(sample_base), "--format", "json"])
    names = {"contacts": "contacts", "surveys": "surveys", "evaluations": "evaluations"}
    assert doc["import"] == {"engine": str(sample_base), "tables": names}
    assert sum(f["kind"] == "finding" for f in on_files) >= 15  # the sample's planted findings
    _same_findings(doc["findings"], on_files)


def test_findings_engine_beyond_the_bound_says_why(sample_base, capsys, monkeypatch):
    import kpis.relational.rows as rows

    monkeypatch.setattr(rows, "MAX_ROWS", 1000)  # contacts 30 064, surveys 7 613, evaluations 715
    doc = _json(
        capsys, ["--lang", "en", "findings", "--engine", str(sample_base), "--format", "json"]
    )
    kinds = {}
    for f in doc["findings"]:
        kinds.setdefault(f["rule"], set()).add(f["kind"])
    note = next(f for f in doc["findings"] if f["rule"] == "motifs_concentrated")
    assert note["kind"] == "insufficient_data"
    assert "'Contacts' (30,064 rows): more than the bound of 1,000 rows read out" in note["text_en"]
    assert "« Contacts » (30 064 lignes) : plus que la limite de 1 000 lignes" in (
        note["text_fr"].replace("\u202f", " ")
    )
    # KPI tables only: computed in the base, they still fire; evaluations are within the bound
    for rule in ("service_level_far_below", "fcr_ok_recontact_rising", "quality_items_weak"):
        assert kinds[rule] == {"finding"}, rule
    assert kinds["nps_csat_disagree"] == {"insufficient_data"}  # reads survey rows


def test_findings_and_report_engine_requests(sample_base, capsys):
    assert main(["--lang", "en", "findings", "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["message"] == "give a file or --engine."
    assert main(["findings", "--engine", str(sample_base), SAMPLE_EXPORTS[0]]) == 2
    assert "ne donnez pas aussi de fichier" in capsys.readouterr().err
    assert main(["report", "--out", "x.xlsx"]) == 2
    assert "donnez un fichier ou --engine" in capsys.readouterr().err


def _sheets(path) -> dict[str, list]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_report_engine_equals_report_from_the_files(sample_base, tmp_path, capsys):
    mem, rel = tmp_path / "files.xlsx", tmp_path / "base.xlsx"
    assert main(["report", *SAMPLE_EXPORTS, "--out", str(mem)]) == 0
    assert main(["report", "--engine", str(sample_base), "--out", str(rel)]) == 0
    a, b = _sheets(mem), _sheets(rel)
    assert list(a) == list(b) and len(a) >= 10
    for name in a:
        if name == "Import":  # files there, the base's tables here
            assert [r[:4] for r in b[name][1:]] == [
                (f"{sample_base} — {t}", word, n, n)
                for t, word, n in (
                    ("contacts", "Contacts", 30064),
                    ("surveys", "Enquêtes", 7613),
                    ("evaluations", "Évaluations qualité", 715),
                )
            ]
            continue
        rows_a, rows_b = a[name], b[name]
        if name == list(a)[0]:  # the summary's subtitle names the files / the base
            rows_a, rows_b = rows_a[:1] + rows_a[2:], rows_b[:1] + rows_b[2:]
        assert rows_b == rows_a, name  # every value, interval and finding of every section


def test_report_engine_beyond_the_bound_names_the_missing_sections(
    sample_base, tmp_path, capsys, monkeypatch
):
    import kpis.relational.rows as rows

    monkeypatch.setattr(rows, "MAX_ROWS", 1000)
    out = tmp_path / "base.xlsx"
    assert main(["report", "--engine", str(sample_base), "--out", str(out)]) == 0
    err = capsys.readouterr().err.replace("\u202f", " ")
    assert "Tables laissées dans la base, « Contacts » (30 064 lignes), « Enquêtes » (7 613" in err
    sheets = _sheets(out)
    sections = [n for n in sheets if n[:2].isdigit()]
    assert len(sections) >= 10  # the cells the base can feed are all listed, none dropped
    (found,) = [n for n in sections if n.endswith("Constats")]  # the rules, run on the base
    for name in sections:  # the others read contacts rows: said, not silently left out
        text = " ".join(str(x) for r in sheets[name] for x in r if x).replace("\u202f", " ")
        if name == found:
            assert "Niveau de service sur l'ensemble" in text  # a KPI-table rule fires
            assert "impossible de trancher" in text and "« Contacts » (30 064 lignes)" in text
            continue
        assert "section non produite" in text and "« Contacts » (30 064 lignes)" in text, name
    summary = " ".join(str(x) for r in sheets[list(sheets)[0]] for x in r if x)
    assert "Constats partiels" in summary and "« Quelques motifs portent l'essentiel" in summary
    assert "Niveau de service sur l'ensemble" in summary  # a KPI-table rule, computed in the base
