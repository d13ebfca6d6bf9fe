"""Detection on real-export shapes: compact dates, per-stage call times, outcome words, row ids
that repeat, placeholders, seed survey scales, small survey files, duplicate ids (by hand)."""

from __future__ import annotations

import pandas as pd

from kpis.io.detect import is_date_only
from kpis.io.parsers import is_missing, parse_datetime
from kpis.io.pipeline import import_file

ACD_HEAD = [
    "vru.line", "call_id", "customer_id", "type", "date", "vru_entry", "vru_exit",
    "q_start", "q_exit", "outcome", "ser_start", "ser_exit", "server",
]  # fmt: skip
ACD_ROWS = [
    ["AA0101", "33116", "9664491", "PS", "990101", "0:00:31", "0:00:36", "0:00:36", "0:03:09",
     "HANG", "0:00:00", "0:00:00", "NO_SERVER"],
    ["AA0101", "33117", "27997683", "PS", "990101", "0:34:12", "0:34:23", "0:00:00", "0:00:00",
     "AGENT", "0:34:23", "0:37:47", "MICHAL"],
    ["AA0101", "33116", "27997683", "PS", "990101", "6:55:20", "6:55:26", "6:55:26", "6:55:43",
     "AGENT", "6:55:43", "6:56:37", "BASCH"],
    ["AA0102", "33118", "0", "NW", "990102", "7:41:16", "7:41:26", "7:41:26", "7:44:53",
     "PHANTOM", "0:00:00", "0:00:00", "NO_SERVER"],
    ["AA0102", "33119", "12345", "PS", "990102", "8:03:14", "8:03:20", "8:03:20", "8:03:30",
     "AGENT", "8:03:30", "8:08:00", "KAZAV"],
    ["AA0102", "33119", "12345", "PS", "990102", "9:00:00", "9:00:05", "9:00:05", "9:00:25",
     "AGENT", "9:00:25", "9:01:25", "KAZAV"],
]  # fmt: skip


def _tsv(head, rows) -> bytes:
    return ("\t".join(head) + "\n" + "".join("\t".join(r) + "\n" for r in rows)).encode()


def test_acd_log_with_compact_dates_and_stage_times_is_read_without_a_mapping():
    res = import_file(_tsv(ACD_HEAD, ACD_ROWS), "acd.txt")
    rep = res.report
    assert res.table == "contacts"
    # every row used except the phantom call; the repeated call id sets nothing aside
    assert rep["rows_used"] == 5
    assert rep["set_aside"] == {"dropped_by_mapping": 1}
    assert "contact_id" not in rep["mapping"]  # 33116 and 33119 repeat: no contact id
    assert rep["detected"]["not_unique"] == {"call_id": round(4 / 6, 4)}
    assert rep["parsing"]["started_at"]["compact"] == "YYMMDD"
    got = res.data[["started_at", "wait_s", "talk_s", "answered"]]
    assert list(got["started_at"]) == [
        pd.Timestamp("1999-01-01 00:00:31"),
        pd.Timestamp("1999-01-01 00:34:12"),
        pd.Timestamp("1999-01-01 06:55:20"),
        pd.Timestamp("1999-01-02 08:03:14"),
        pd.Timestamp("1999-01-02 09:00:00"),
    ]
    assert list(got["wait_s"]) == [153.0, 0.0, 17.0, 10.0, 20.0]
    assert list(got["talk_s"]) == [0.0, 204.0, 54.0, 270.0, 60.0]
    assert list(got["answered"]) == [False, True, True, True, True]


def test_compact_dates_read_on_the_whole_column():
    p = parse_datetime(pd.Series(["990101", "991231", "000229"]))
    assert list(p.values) == [
        pd.Timestamp("1999-01-01"),
        pd.Timestamp("1999-12-31"),
        pd.Timestamp("2000-02-29"),
    ]
    assert p.info["compact"] == "YYMMDD"
    p = parse_datetime(pd.Series(["20240115083000", "20240301000102"]))
    assert list(p.values) == [
        pd.Timestamp("2024-01-15 08:30:00"),
        pd.Timestamp("2024-03-01 00:01:02"),
    ]
    assert p.info["compact"] == "YYYYMMDDHHMMSS"


def test_placeholders_are_missing_and_a_placeholder_column_is_not_mapped():
    cells = pd.Series(["?", "-", "N/A", "#N/A", "NULL", "(vide)", "none", "n/a", "nan", "-5", "x"])
    assert is_missing(cells).tolist() == [True] * 9 + [False, False]
    rows = [f"T{i};0{1 + i % 9}/03/2026 10:00;{'?' if i else 'Acme'};{'?' if i == 3 else 'Box'}"
            for i in range(40)]  # fmt: skip
    text = "Ticket ID;Created at;Vendor;Category\n" + "\n".join(rows) + "\n"
    res = import_file(text.encode(), "it.csv")
    assert "provider" not in res.report["mapping"]  # 39 / 40 "?" = 97.5 %
    assert res.report["detected"]["placeholder_columns"] == ["Vendor"]
    assert res.report["rows_used"] == 40
    assert res.data["motif"].isna().sum() == 1  # "?" read as missing, not as a motif "?"
    assert "?" not in set(res.data["motif"].dropna())


def test_seed_survey_scales_are_read_with_their_value_map():
    text = (
        "Date de réponse;Id client;Note CSAT\n"
        "01/03/2026;C1;Oui, tout à fait\n02/03/2026;C2;Plutôt non\n"
        "03/03/2026;C3;non pas du tout\n04/03/2026;C4;plutôt oui\n"
    )
    res = import_file(text.encode(), "s.csv")
    assert res.table == "surveys"  # a small survey file: its "Note CSAT" header decides
    assert res.report["rows_used"] == 4
    assert list(res.data["csat_score"]) == [4.0, 2.0, 1.0, 3.0]
    scale = res.report["detected"]["survey_scales"]["csat_score"]
    assert scale["range"] == [1, 4] and scale["values"]["Plutôt non"] == 2
    for answers, expected in (
        (["Bonne", "Mauvaise", "Correcte"], [3.0, 1.0, 2.0]),
        (["oui", "non", "Oui"], [1.0, 0.0, 1.0]),
        (["Très satisfait", "insatisfait", "très insatisfait"], [4.0, 2.0, 1.0]),
    ):
        body = "".join(f"0{i + 1}/03/2026;C{i};{a}\n" for i, a in enumerate(answers))
        res = import_file(("Date;Client;Satisfaction\n" + body).encode(), "s.csv")
        assert res.table == "surveys"
        assert list(res.data["csat_score"]) == expected, answers


def test_small_nps_file_is_a_survey_file():
    text = "Date;Id client;NPS\n01/03/2026;C1;9\n02/03/2026;C2;3\n"
    res = import_file(text.encode(), "nps.csv")
    assert res.table == "surveys" and list(res.data["nps_score"]) == [9.0, 3.0]


def test_duplicate_ids_keep_the_most_complete_row():
    text = (
        "Call ID;Date;Agent;Durée;Motif\n"
        "A1;01/03/2026 10:00;;;\n"  # row 2: the first A1, almost empty
        "A2;01/03/2026 11:00;Zoé;120;Box\n"
        "A1;01/03/2026 10:00;Léa;300;Facture\n"  # row 4: the most complete A1
        "A1;01/03/2026 10:00;Léa;;\n"
        "A3;01/03/2026 12:00;Léa;;\n"
        "A3;01/03/2026 12:00;Léa;;\n"  # tie: the first A3 (row 6) is kept
    )
    mapping = (
        "table: contacts\ncolumns:\n  contact_id: Call ID\n  started_at: Date\n"
        "  agent_id: Agent\n  talk_s: Durée\n  motif: Motif\n"
    )
    res = import_file(text.encode(), "c.csv", mapping=mapping)
    assert list(res.data["_row"]) == [3, 4, 6]
    assert list(res.data["talk_s"].fillna(-1)) == [120.0, 300.0, -1]
    aside = res.set_aside
    assert list(aside["_row"]) == [2, 5, 7]
    assert set(aside["reason"]) == {"duplicate_contact_id"}
    assert list(aside["detail"].str.extract(r"kept row (\d+)")[0]) == ["4", "4", "6"]
    assert res.report["duplicates"] == {"kept": "most_complete", "set_aside": 3}


def test_date_only_columns_are_reported():
    text = "Date;Agent;Durée\n01/03/2026;A;10\n02/03/2026;B;20\n"
    res = import_file(text.encode(), "d.csv")
    assert res.report["date_only"] == ["started_at"]
    text = "Date;Agent;Durée\n01/03/2026 10:15;A;10\n02/03/2026;B;20\n"
    assert import_file(text.encode(), "d.csv").report["date_only"] == []
    assert is_date_only(pd.Series(pd.to_datetime(["2026-03-01", "2026-03-02"])))


def test_label_normalisation_merges_case_accents_and_spaces():
    text = (
        "Date;Agent;Motif\n01/03/2026 10:00;A;Comcast\n01/03/2026 11:00;A;comcast\n"
        "01/03/2026 12:00;B;COMCAST \n01/03/2026 13:00;B;Résiliation\n"
        "01/03/2026 14:00;B;resiliation\n01/03/2026 15:00;B;Comcast\n"
    )
    mapping = (
        "table: contacts\ncolumns:\n  started_at: Date\n  agent_id: Agent\n  motif: Motif\n"
        "normalise: [motif]\n"
    )
    res = import_file(text.encode(), "m.csv", mapping=mapping)
    assert res.data["motif"].value_counts().to_dict() == {"Comcast": 4, "Résiliation": 2}
    merged = res.report["normalised_labels"]["motif"]
    assert sorted(merged["Comcast"]) == ["COMCAST", "comcast"]
    without = import_file(
        text.encode(), "m.csv", mapping=mapping.replace("normalise: [motif]\n", "")
    )
    assert without.data["motif"].nunique() == 5
