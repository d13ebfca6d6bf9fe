"""AppTest of the Import page's mapping screen: blank un-maps a field, date formats with a live
preview, a date + time from two columns, constants, value maps, missing markers, the shared-column
warning, the reset button, re-upload and YAML resets, no confirmation without a row, and the saved
YAML giving back the same import."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `ui` sits beside app.py (Streamlit puts that folder on the path)
    sys.path.insert(0, str(ROOT))

from kpis import format as fmt  # noqa: E402
from kpis.io.mapping import Mapping, load_mapping  # noqa: E402
from kpis.io.pipeline import apply_mapping  # noqa: E402
from kpis.io.readers import read_any  # noqa: E402

APP = str(ROOT / "app.py")
IMPORT = "pages/1_Import.py"
EDIT = {"added_rows": [], "deleted_rows": []}


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


# 6 calls: full timestamps; motif written two ways; "inconnu" twice
CALLS = _csv(
    [
        "Date d'appel;Canal;Motif;Décroché",
        "05/03/2026 09:15:00;Tel;Fact.;oui",
        "05/03/2026 10:00:00;Mail;Livraison;oui",
        "06/03/2026 11:30:00;Tel;inconnu;non",
        "06/03/2026 14:00:00;Tchat;Fact.;oui",
        "07/03/2026 08:45:00;Tel;inconnu;oui",
        "09/03/2026 16:20:00;Mail;Livraison;non",
    ]
)
# the same 4 calls dated "05.03.26 09:15": no format the detection knows
DOTTED = _csv(
    [
        "Date d'appel;Motif",
        "05.03.26 09:15;Facturation",
        "06.03.26 10:00;Livraison",
        "17.03.26 11:30;Facturation",
        "31.03.26 16:20;Livraison",
    ]
)
# a date and a time of day in two columns whose header says nothing of time
SPLIT = _csv(
    [
        "Date d'appel;Créneau;Motif",
        "05/03/2026;09:15:00;Facturation",
        "06/03/2026;14:30:05;Livraison",
        "17/03/2026;08:00:00;Facturation",
    ]
)


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.run()
    app.switch_page(IMPORT).run()
    assert not app.exception
    return app


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _upload(at: AppTest, *files) -> AppTest:
    at.file_uploader(key="uploads").set_value(list(files))
    return _run(at)


def _grid_row(at: AppTest, field: str) -> int:
    grid = at.data_editor(key="map_0_contacts").value
    return int(grid.index[grid["field"] == field][0])


def _edit(at: AppTest, key: str, rows: dict) -> AppTest:
    at.session_state[key] = {"edited_rows": rows, **EDIT}
    return _run(at)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _plain(text: str) -> str:
    return text.replace("\\", "")


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "info", "caption") for e in getattr(at, kind)]
    return _plain(" ".join(parts))


def _confirm(at: AppTest):
    at.button(key="confirm").click()
    _run(at)
    return at.session_state["dataset"]


def _editor_row(at: AppTest, key: str, **match) -> int:
    frame = at.data_editor(key=key).value
    hit = pd.Series(True, index=frame.index)
    for col, v in match.items():
        hit &= frame[col] == v
    return int(frame.index[hit][0])


# ---------------------------------------------------------------- un-mapping


def test_blank_choice_unmaps_the_field_without_nan(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    assert at.data_editor(key="map_0_contacts").value.set_index("field").loc["motif", "column"] == (
        "Motif"
    )
    # the grid sends None for the blank option (NaN once in a text column)
    _edit(at, "map_0_contacts", {_grid_row(at, "motif"): {"column": None}})
    assert not at.error
    assert "Champs non reliés à une colonne (laissés vides) : Motif." in _texts(at)
    assert "nan" not in _texts(at).lower().split()
    assert _metric(at, "Lignes retenues") == "6"
    data = _confirm(at)
    rep = data.results[0].report
    assert "motif" not in rep["mapping"] and "Motif" in rep["unmapped_columns"]
    assert "motif" not in data.tables["contacts"].columns
    assert "motif" not in data.results[0].mapping.to_yaml()


def test_required_field_left_blank_says_which_and_why(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    _edit(at, "map_0_contacts", {_grid_row(at, "started_at"): {"column": None}})
    errors = _plain(" ".join(e.value for e in at.error))
    assert "Le champ obligatoire « Date du contact » n'est relié à aucune colonne" in errors
    assert "sans lui les lignes ne peuvent pas être retenues" in errors
    assert "(colonnes les plus proches : « Date d'appel »" in errors
    assert "nan" not in errors and "Traceback" not in errors and "started_at" not in errors
    confirm = at.button(key="confirm")
    assert confirm.disabled
    assert "Aucun fichier n'a pu être importé" in _texts(at)


# ---------------------------------------------------------------- dates


def test_free_text_date_format_reads_the_column(at):
    _upload(at, ("points.csv", DOTTED, "text/csv"))
    # no known format reads "05.03.26 09:15": the detection leaves the date unmapped
    assert "« Date du contact » n'est relié à aucune colonne" in _texts(at)
    _edit(at, "map_0_contacts", {_grid_row(at, "started_at"): {"column": "Date d'appel"}})
    assert _metric(at, "Lignes retenues") == "0"
    all_bad = f"4 valeur(s) illisible(s) sur 4 renseignée(s) dans la colonne ({fmt.percent(100)})"
    assert all_bad in _texts(at)
    assert "Aucune ligne ne serait retenue" in _texts(at)
    assert at.button(key="confirm").disabled
    at.selectbox(key="fmt_0_started_at").set_value("other")
    _run(at)
    at.text_input(key="fmtx_0_started_at").input("%d.%m.%y %H:%M")
    _run(at)
    assert at.selectbox(key="fmt_0_started_at").value == "other"
    assert at.text_input(key="fmtx_0_started_at").value == "%d.%m.%y %H:%M"
    preview = next(d.value for d in at.dataframe if list(d.value.columns) == ["source", "value"])
    assert preview["source"].tolist()[:2] == ["05.03.26 09:15", "06.03.26 10:00"]
    assert preview["value"].tolist()[:2] == [
        pd.Timestamp("2026-03-05 09:15"),
        pd.Timestamp("2026-03-06 10:00"),
    ]
    assert "0 valeur(s) illisible(s) sur 4" in _texts(at)
    assert _metric(at, "Lignes retenues") == "4"
    assert not at.button(key="confirm").disabled
    started = _confirm(at).tables["contacts"]["started_at"]
    assert started.iloc[3] == pd.Timestamp("2026-03-31 16:20")


def test_listed_month_first_format_replaces_the_detected_day_first(at):
    # 05/03 and 06/03 fit both orders: the detection reads day-first (5 March)
    csv = _csv(["Date d'appel;Motif", "05/03/2026 09:00:00;A", "06/03/2026 10:00:00;B"])
    _upload(at, ("us.csv", csv, "text/csv"))
    assert (
        "Automatique (détecté : %d/%m/%Y %H:%M:%S)" in at.selectbox(key="fmt_0_started_at").options
    )
    at.selectbox(key="fmt_0_started_at").set_value("%m/%d/%Y %H:%M:%S")
    _run(at)
    assert at.selectbox(key="fmt_0_started_at").value == "%m/%d/%Y %H:%M:%S"
    started = _confirm(at).tables["contacts"]["started_at"]
    assert started.tolist() == [pd.Timestamp("2026-05-03 09:00"), pd.Timestamp("2026-06-03 10:00")]


def test_date_and_time_from_two_columns(at):
    _upload(at, ("jours.csv", SPLIT, "text/csv"))
    grid = at.data_editor(key="map_0_contacts").value.set_index("field")
    assert grid.loc["started_at", "column"] == "Date d'appel"
    assert at.selectbox(key="time_0_started_at").value == ""  # nothing joined yet
    at.selectbox(key="time_0_started_at").set_value("Créneau")
    _run(at)
    assert at.selectbox(key="time_0_started_at").value == "Créneau"
    preview = next(d.value for d in at.dataframe if list(d.value.columns) == ["source", "value"])
    assert preview["source"].iloc[1] == "06/03/2026 14:30:05"
    data = _confirm(at)
    # row 2 by hand: 06/03/2026 + 14:30:05
    assert data.tables["contacts"]["started_at"].iloc[1] == pd.Timestamp("2026-03-06 14:30:05")
    assert data.results[0].report["mapping"]["started_at"] == ["Date d'appel", "Créneau"]


# ---------------------------------------------------------------- constants, values, missing


def test_constant_gives_every_row_the_value(at):
    _upload(at, ("jours.csv", SPLIT, "text/csv"))
    _edit(
        at,
        "const_0_contacts",
        {_editor_row(at, "const_0_contacts", field="canal"): {"value": "Téléphone"}},
    )
    data = _confirm(at)
    assert data.tables["contacts"]["canal"].astype("str").tolist() == ["telephone"] * 3
    assert data.results[0].mapping.constants == {"canal": "Téléphone"}


def test_value_map_for_any_category_field(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    row = _editor_row(at, "valx_0_contacts", field="motif", source="Fact.")
    _edit(at, "valx_0_contacts", {row: {"value": "Facturation"}})
    motifs = _confirm(at).tables["contacts"]["motif"].astype("str").tolist()
    assert motifs == ["Facturation", "Livraison", "inconnu", "Facturation", "inconnu", "Livraison"]


def test_missing_marker_empties_the_cells(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    row = _editor_row(at, "miss_0_contacts", field="motif")
    _edit(at, "miss_0_contacts", {row: {"markers": "inconnu, NC"}})
    data = _confirm(at)
    motif = data.tables["contacts"]["motif"]
    assert motif.isna().tolist() == [False, False, True, False, True, False]
    assert data.results[0].mapping.missing == {"motif": ["inconnu", "NC"]}


def test_one_column_feeding_two_fields_is_warned(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    _edit(at, "map_0_contacts", {_grid_row(at, "sous_motif"): {"column": "Motif"}})
    warnings = _plain(" ".join(w.value for w in at.warning))
    assert "La colonne « Motif » alimente plusieurs champs : « Motif », « Sous-motif »" in warnings


# ---------------------------------------------------------------- resets


def test_reset_button_goes_back_to_the_detected_mapping(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    _edit(at, "map_0_contacts", {_grid_row(at, "motif"): {"column": None}})
    assert "non reliés" in _texts(at)
    at.button(key="reset_0").click()
    _run(at)
    assert "non reliés" not in _texts(at)
    assert not at.session_state["map_0_contacts"]["edited_rows"]
    assert "motif" in _confirm(at).results[0].report["mapping"]


@pytest.mark.parametrize("how", ["remove_then_add", "same_name_other_file"])
def test_reupload_resets_the_grid(at, how):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    at.selectbox(key="table_0").set_value("contacts")
    _run(at)
    assert at.selectbox(key="table_0").value == "contacts"
    _edit(at, "map_0_contacts", {_grid_row(at, "motif"): {"column": None}})
    assert "non reliés" in _texts(at)
    if how == "remove_then_add":
        _upload(at)
        _upload(at, ("appels.csv", CALLS, "text/csv"))
    else:
        other = CALLS.replace(b"Livraison", b"Colis")
        _upload(at, ("appels.csv", other, "text/csv"))
    assert "non reliés" not in _texts(at)
    assert not at.session_state["map_0_contacts"]["edited_rows"]
    assert at.selectbox(key="table_0").value == "auto"  # a new file: detected afresh
    assert "motif" in _confirm(at).results[0].report["mapping"]


def test_loading_a_yaml_replaces_the_grid_edits(at):
    _upload(at, ("appels.csv", CALLS, "text/csv"))
    _edit(at, "map_0_contacts", {_grid_row(at, "motif"): {"column": None}})
    # the file's own mapping: the same columns as detected (so the same grid), plus a marker
    yaml_text = (
        "table: contacts\ncolumns:\n  started_at: Date d'appel\n  canal: Canal\n"
        "  motif: Motif\n  answered: Décroché\nmissing:\n  motif: [inconnu]\n"
    )
    at.file_uploader(key="yaml_0").set_value(("m.yaml", yaml_text.encode(), "application/x-yaml"))
    _run(at)
    assert "non reliés" not in _texts(at)
    data = _confirm(at)
    assert data.results[0].report["mapping"] == {
        "started_at": "Date d'appel",
        "canal": "Canal",
        "motif": "Motif",
        "answered": "Décroché",
    }
    assert data.tables["contacts"]["motif"].isna().sum() == 2


# ---------------------------------------------------------------- zero rows


def test_a_file_with_no_row_used_is_left_out(at):
    broken = _csv(["Date d'appel;Motif", "pas une date;A", "jamais;B"])
    _upload(at, ("appels.csv", CALLS, "text/csv"), ("vide.csv", broken, "text/csv"))
    # the second file: its date column is not detected, then mapped by hand: no row reads
    grid = at.data_editor(key="map_1_contacts").value
    row = int(grid.index[grid["field"] == "started_at"][0])
    _edit(at, "map_1_contacts", {row: {"column": "Date d'appel"}})
    assert "Aucune ligne retenue dans « vide.csv »" in _texts(at)
    assert not at.button(key="confirm").disabled
    assert _confirm(at).files == ["appels.csv"]


# ---------------------------------------------------------------- saved YAML


def test_saved_yaml_gives_the_same_import(at):
    """Everything chosen on screen (time column, format, constant, value map, missing marker)
    goes into the saved YAML; loading it on a fresh upload gives the same rows."""
    _upload(at, ("jours.csv", SPLIT, "text/csv"))
    at.selectbox(key="time_0_started_at").set_value("Créneau")
    _run(at)
    at.selectbox(key="fmt_0_started_at").set_value("other")
    _run(at)
    at.text_input(key="fmtx_0_started_at").input("%d/%m/%Y %H:%M:%S")
    _run(at)
    const_row = _editor_row(at, "const_0_contacts", field="canal")
    _edit(at, "const_0_contacts", {const_row: {"value": "Téléphone"}})
    _edit(
        at,
        "miss_0_contacts",
        {_editor_row(at, "miss_0_contacts", field="motif"): {"markers": "Livraison"}},
    )
    val_row = _editor_row(at, "valx_0_contacts", field="motif", source="Facturation")
    _edit(at, "valx_0_contacts", {val_row: {"value": "Factures"}})
    first = _confirm(at)
    saved = first.results[0].mapping.to_yaml()
    m = load_mapping(saved)
    assert m.columns["started_at"] == ["Date d'appel", "Créneau"]
    assert m.formats == {"started_at": "%d/%m/%Y %H:%M:%S"}
    assert m.constants == {"canal": "Téléphone"}
    assert m.values["motif"] == {"Facturation": "Factures"}
    assert m.missing == {"motif": ["Livraison"]}

    fresh = AppTest.from_file(APP, default_timeout=90)
    fresh.run()
    fresh.switch_page(IMPORT).run()
    _upload(fresh, ("jours.csv", SPLIT, "text/csv"))
    fresh.file_uploader(key="yaml_0").set_value(("m.yaml", saved.encode(), "application/x-yaml"))
    _run(fresh)
    assert fresh.selectbox(key="time_0_started_at").value == "Créneau"
    # the format typed as free text is one of the listed ones: the list shows it
    assert fresh.selectbox(key="fmt_0_started_at").value == "%d/%m/%Y %H:%M:%S"
    second = _confirm(fresh)
    cols = ["started_at", "canal", "motif"]
    a, b = first.tables["contacts"][cols], second.tables["contacts"][cols]
    pd.testing.assert_frame_equal(a, b)
    assert a["motif"].astype("object").where(a["motif"].notna(), None).tolist() == [
        "Factures",
        None,
        "Factures",
    ]


def test_mapping_yaml_round_trip_is_the_same_import():
    """Pure: a mapping with a join, a format, a constant, a value map and a missing marker →
    YAML text → load_mapping → the same canonical rows."""
    raw = read_any(SPLIT, "jours.csv")
    m = Mapping(
        table="contacts",
        columns={"started_at": ["Date d'appel", "Créneau"], "motif": "Motif"},
        formats={"started_at": "%d/%m/%Y %H:%M:%S"},
        constants={"canal": "Téléphone"},
        values={"motif": {"Facturation": "Factures"}},
        missing={"motif": ["Livraison"]},
    )
    back = load_mapping(m.to_yaml())
    one, two = apply_mapping(raw, m).data, apply_mapping(raw, back).data
    pd.testing.assert_frame_equal(one.drop(columns="_file"), two.drop(columns="_file"))
    # by hand: 17/03/2026 + 08:00:00; "Livraison" is a missing marker
    assert one["started_at"].iloc[2] == pd.Timestamp("2026-03-17 08:00:00")
    assert one["motif"].isna().tolist() == [False, True, False]
    assert set(one["canal"].astype("str")) == {"telephone"}


def test_the_mapping_screen_speaks_english_too():
    app = AppTest.from_file(APP, default_timeout=90)
    app.run()
    app.sidebar.radio(key="lang").set_value("en")
    _run(app)
    assert app.sidebar.radio(key="lang").value == "en"
    app.switch_page(IMPORT).run()
    _upload(app, ("appels.csv", CALLS, "text/csv"))
    labels = [s.label for s in app.selectbox]
    assert "Time column (optional)" in labels and "Date format" in labels
    assert app.button(key="reset_0").label == "Reset to the detected mapping"
    _edit(app, "map_0_contacts", {_grid_row(app, "started_at"): {"column": None}})
    errors = _plain(" ".join(e.value for e in app.error))
    assert "Required field 'Contact start' has no source column" in errors
    assert "No file could be imported" in _texts(app)
