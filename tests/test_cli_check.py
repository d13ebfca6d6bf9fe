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


def test_check_text_shows_derived_fields_and_detected_formats(tmp_path, capsys):
    # compact dates (YYMMDD) and per-stage times: started_at, wait_s, talk_s are computed;
    # the outcome column is read from its words
    acd = _write(
        tmp_path,
        "acd.txt",
        b"date\tq_start\tq_exit\tser_start\tser_exit\toutcome\tserver\n"
        b"990101\t0:00:36\t0:03:09\t0:00:00\t0:00:00\tHANG\tNO_SERVER\n"
        b"990101\t0:34:12\t0:34:23\t0:34:23\t0:37:47\tAGENT\tMICHAL\n"
        b"990102\t8:03:20\t8:03:30\t8:03:30\t8:08:00\tAGENT\tKAZAV\n",
    )
    assert main(["check", acd]) == 0
    out = capsys.readouterr().out
    assert "  champs calculés :" in out
    assert "wait_s                   = q_exit − q_start (secondes)" in out
    assert "talk_s                   = ser_exit − ser_start (secondes)" in out
    assert "started_at               = date + première heure parmi q_start" in out
    assert "started_at : date compacte AAMMJJ" in out
    assert "outcome : issue d'appel (HANG → non décroché, AGENT → décroché)" in out
    assert main(["--lang", "en", "check", acd]) == 0
    out = capsys.readouterr().out
    assert "  derived fields :" in out and "started_at : compact date YYMMDD" in out
    # a placeholder column, a seed survey scale, a date-only field
    rows = "".join(
        f"T{i};0{1 + i % 9}/03/2026 10:00;{'?' if i else 'Acme'};Box\n" for i in range(40)
    )
    it = _write(tmp_path, "it.csv", ("Ticket ID;Created at;Vendor;Category\n" + rows).encode())
    survey = _write(
        tmp_path,
        "s.csv",
        "Date de réponse;Id client;Note CSAT\n01/03/2026;C1;Oui, tout à fait\n"
        "02/03/2026;C2;Plutôt non\n".encode(),
    )
    assert main(["check", it, survey]) == 0
    out = capsys.readouterr().out
    assert "valeurs de remplissage lues comme vides : Vendor" in out
    assert (
        "csat_score : échelle d'enquête « oui tout à fait … non pas du tout » "
        "(Oui, tout à fait → 4, Plutôt non → 2)" in out
    )
    assert "  dates sans heure : answered_at" in out
    it_part = out.split("Fichier : s.csv")[0]
    assert "dates sans heure" not in it_part  # the tickets' Created at has a time of day
