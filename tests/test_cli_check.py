"""`pilote check`: the import report on stdout, exit 0 when read, 2 with a message when not."""

from __future__ import annotations

import json

from conftest import french_csv

from kpis.cli import main


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_check_json_report(tmp_path, capsys):
    path = _write(
        tmp_path,
        "appels.csv",
        french_csv(
            [
                ["Date d'appel", "Canal", "Temps d'attente", "Id client"],
                ["02/01/2026 09:15:00", "Téléphone", "12", "CLI-001"],
                ["31/02/2026 10:00:00", "Mail", "95", "CLI-002"],
            ],
            "cp1252",
        ),
    )
    assert main(["check", path, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rep = doc["import"]
    assert rep["rows_in"] == 2 and rep["rows_used"] == 1
    assert rep["set_aside"] == {"unparseable_date": 1}  # 31 February does not exist
    assert rep["format"]["encoding"] == "cp1252" and rep["format"]["separator"] == ";"
    assert rep["mapping"]["started_at"] == "Date d'appel"
    assert rep["parsing"]["started_at"]["order"] == "dayfirst"
    assert 0 < rep["confidence"]["wait_s"] <= 1
    assert "CLI-001" not in json.dumps(doc)


def test_check_text_report_in_french(tmp_path, capsys):
    path = _write(tmp_path, "a.csv", b"date;motif\n01/02/2026;A\n")
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert "lignes lues : 1" in out and "séparateur point-virgule" in out


def test_check_unreadable_file_exits_2_with_message(tmp_path, capsys):
    path = _write(tmp_path, "vide.csv", b"")
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert "vide.csv" in err and "vide" in err
    assert "Traceback" not in err


def test_check_missing_required_field_exits_2(tmp_path, capsys):
    path = _write(tmp_path, "x.csv", b"motif,canal\nA,phone\n")
    assert main(["--lang", "en", "check", path, "--table", "contacts"]) == 2
    err = capsys.readouterr().err
    assert "x.csv" in err and "started_at" in err


def test_check_bad_mapping_exits_2(tmp_path, capsys):
    data = _write(tmp_path, "x.csv", b"date,motif\n2026-01-01,A\n")
    mapping = _write(tmp_path, "m.yaml", b"table: contacts\ncolumns: {started_at: Jour}\n")
    assert main(["check", data, "--mapping", mapping]) == 2
    assert "Jour" in capsys.readouterr().err
