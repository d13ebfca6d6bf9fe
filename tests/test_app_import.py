"""AppTest of the Import page: upload, detected mapping, mapping and value edits, validation
report, confirmation, YAML mappings, and readable errors for bad files (never a traceback)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpis import format as fmt
from kpis.engine import compute

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `ui` sits beside app.py (Streamlit puts that folder on the path)
    sys.path.insert(0, str(ROOT))
from ui.errors import md_escape  # noqa: E402

APP = str(ROOT / "app.py")
IMPORT = "pages/1_Import.py"
N_ROWS = 40
BAD_DATE_ROW = 5


def _calls_csv() -> bytes:
    """40 calls in a French export: one unreadable date; the recall date is empty every other
    row; channels written Tel / Mail / Tchat; one call in four not answered."""
    lines = ["Date d'appel;Date de rappel;Canal;Motif;Décroché;Temps d'attente;Id client"]
    for i in range(N_ROWS):
        day = 1 + i % 28
        date = f"{day:02d}/03/2026 09:{i:02d}:00" if i != BAD_DATE_ROW else "32/13/2026 25:00:00"
        recall = f"{day:02d}/03/2026 10:00:00" if i % 2 == 0 else ""
        canal = ["Tel", "Mail", "Tchat"][i % 3]
        motif = ["Facturation", "Livraison"][i % 2]
        answered = "oui" if i % 4 else "non"
        lines.append(f"{date};{recall};{canal};{motif};{answered};{10 + i};C{i % 7}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.run()
    app.switch_page(IMPORT).run()
    assert not app.exception
    return app


def _upload(at: AppTest, *files) -> AppTest:
    at.file_uploader(key="uploads").set_value(list(files))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_upload_shows_format_mapping_and_report(at):
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    assert not at.error
    assert any("Format détecté" in c.value and "CSV" in c.value for c in at.caption)
    mapping = at.data_editor(key="map_0_contacts").value.set_index("field")
    assert mapping.loc["started_at", "column"] == "Date d'appel"
    assert mapping.loc["canal", "column"] == "Canal"
    assert 0 < mapping.loc["customer_id", "confidence"] <= 1
    assert _metric(at, "Lignes lues") == "40"
    assert _metric(at, "Lignes retenues") == "39"
    assert _metric(at, "Lignes écartées") == "1"
    reasons = next(d.value for d in at.dataframe if "Motif de rejet" in d.value.columns)
    assert reasons.to_dict("records") == [{"Motif de rejet": "date illisible", "Nombre": 1}]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Télécharger les lignes écartées (CSV)", "Enregistrer le mapping (YAML)"} <= labels


def test_mapping_edit_changes_the_result(at):
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    # started_at from the recall date instead: the 20 rows without one are set aside
    at.session_state["map_0_contacts"] = {
        "edited_rows": {0: {"column": "Date de rappel"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert _metric(at, "Lignes retenues") == "20"
    assert _metric(at, "Lignes écartées") == "20"


def test_value_normalisation_edit_and_confirm(at):
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    values = at.data_editor(key="val_0_contacts").value
    canal = values[values["field"] == "canal"].set_index("source")["value"].to_dict()
    assert canal == {"Tel": "telephone", "Mail": "email", "Tchat": "chat"}
    row = int(values.index[(values["field"] == "canal") & (values["source"] == "Mail")][0])
    at.session_state["val_0_contacts"] = {
        "edited_rows": {row: {"value": "courrier"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="confirm").click().run()
    assert not at.exception
    data = at.session_state["dataset"]
    assert data.kind == "user"
    contacts = data.tables["contacts"]
    assert len(contacts) == N_ROWS - 1
    assert set(contacts["canal"].astype("str")) == {"telephone", "courrier", "chat"}
    assert any("Données chargées" in s.value for s in at.success)
    # every page now reads the import; the dashboard shows the engine's value on it
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    assert not at.exception and not at.error
    expected = compute(data.tables, ["answer_rate"])["value"].iloc[0]
    shown = next(m.value for m in at.metric if m.label == "Taux de décroché")
    assert shown == fmt.value(expected, "%")
    assert not any("exemple" in w.value for w in at.sidebar.warning)
    # back to the sample data from the sidebar
    next(b for b in at.sidebar.button if b.label == "Revenir aux données d'exemple").click().run()
    assert "dataset" not in at.session_state
    assert any("exemple" in w.value for w in at.sidebar.warning)


def test_yaml_mapping_load(at):
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    yaml_text = (
        "table: contacts\n"
        "columns:\n  started_at: Date de rappel\n  canal: Canal\n  answered: Décroché\n"
    )
    at.file_uploader(key="yaml_0").set_value(("m.yaml", yaml_text.encode(), "application/x-yaml"))
    at.run()
    assert not at.exception
    mapping = at.data_editor(key="map_0_contacts").value.set_index("field")
    assert mapping.loc["started_at", "column"] == "Date de rappel"
    assert mapping.loc["motif", "column"] == ""
    assert _metric(at, "Lignes retenues") == "20"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vide.csv", b"", "vide.csv"),
        ("classeur.xlsx", b"PK\x03\x04 not really a workbook", "classeur.xlsx"),
        ("m.yaml", None, "YAML"),  # a broken mapping file
    ],
)
def test_bad_input_is_a_readable_message_and_the_data_stays(at, name, content, expected):
    if content is None:
        _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
        at.file_uploader(key="yaml_0").set_value((name, b"columns: [unclosed", "text/yaml"))
        at.run()
    else:
        _upload(at, (name, content, "text/csv"))
    assert not at.exception
    assert at.error, "an error message is expected"
    text = " ".join(e.value for e in at.error)
    assert expected in text.replace("\\", "")
    assert "Traceback" not in text
    assert "dataset" not in at.session_state  # still the sample data
    at.switch_page("pages/2_Tableau_de_bord.py").run()  # the app keeps working
    assert not at.exception and at.metric


def test_two_files_one_failing_keeps_the_good_one(at):
    _upload(
        at,
        ("appels.csv", _calls_csv(), "text/csv"),
        ("vide.csv", b"", "text/csv"),
    )
    assert len(at.error) == 1
    at.button(key="confirm").click().run()
    assert at.session_state["dataset"].files == ["appels.csv"]


def test_provider_label_is_applied(at):
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    at.text_input(key="provider_0").input("Prestataire Z").run()
    at.button(key="confirm").click().run()
    contacts = at.session_state["dataset"].tables["contacts"]
    assert set(contacts["provider"].astype("str")) == {"Prestataire Z"}


def test_user_strings_are_not_rendered_as_markup(at):
    """File names, headers and values with HTML or markdown stay inert text."""
    name = "<img src=x onerror=alert(1)>**gras**.csv"
    csv = (
        b"Date d'appel;<b>Motif</b>;Canal\n"
        b"01/03/2026 09:00:00;<script>alert(1)</script>;Tel\n"
        b"01/03/2026 09:05:00;:red[rouge];Mail\n"
    )
    _upload(at, (name, csv, "text/csv"))
    assert not at.exception and not at.error
    heading = next(s.value for s in at.subheader)
    assert heading == md_escape(name) and "\\<img" in heading and "\\*\\*gras" in heading
    assert md_escape(":red[rouge]") == "\\:red\\[rouge\\]"


def test_loaded_workspace_mapping_applies_to_a_file_of_the_same_name(at):
    # the workspace maps started_at to the recall date: only the 20 rows with one are kept
    at.session_state["nb_mappings"] = {
        "appels.csv": "table: contacts\ncolumns:\n  started_at: Date de rappel\n  motif: Motif\n"
    }
    _upload(at, ("appels.csv", _calls_csv(), "text/csv"))
    assert any("espace de travail" in c.value for c in at.caption)
    mapping = at.data_editor(key="map_0_contacts").value.set_index("field")
    assert mapping.loc["started_at", "column"] == "Date de rappel"
    assert _metric(at, "Lignes retenues") == "20"
    assert _metric(at, "Lignes écartées") == "20"


def test_value_editor_never_shows_raw_lines_with_personal_data():
    # after a separator mistake a column holds whole lines: they are not labels and may carry a
    # customer id, an e-mail or a phone number, so the value editor leaves them out
    import pandas as pd

    from kpis.io.readers import RawTable
    from ui.importer import _distinct

    lines = ["02/01/2026 09:15:00;CT0000002;CLI-125412;Email"] * 3 + ["Email"] * 2
    lines += ["jean.dupont@example.fr", "+33 6 12 34 56 78", "Téléphone"]
    raw = RawTable(pd.DataFrame({"_row": range(2, 10), "Canal": lines}), "x.csv")
    shown = _distinct("digest-x", None, ("Canal",), _raw=raw)
    assert shown == ["Email", "Téléphone"]
