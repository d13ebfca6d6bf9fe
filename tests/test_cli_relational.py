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
