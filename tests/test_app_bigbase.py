"""The large-base page (pages/11_Grande_base.py): a DuckDB file written by ``pilote load`` from
a CSV written here, opened by its path; the KPIs computed there equal ``kpis.engine.compute`` on
the same CSV imported in memory (to the displayed precision); the load counts and the rows set
aside; an ``env:NAME`` with no variable and a pasted URL with a password are refused in French,
the password never shown; the source saved in a workspace only as ``storable``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpis import format as fmt  # noqa: E402
from kpis.definitions import REGISTRY  # noqa: E402
from kpis.engine import compute  # noqa: E402
from kpis.io.pipeline import import_file  # noqa: E402
from kpis.io.pseudonym import default_key  # noqa: E402
from kpis.labels import category_label  # noqa: E402

APP = str(ROOT / "app.py")
PAGE = "pages/11_Grande_base.py"
MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id"\n  started_at: "Date"\n  canal: "Canal"\n  customer_id: "Client"\n'
    '  direction: "Sens"\n  offered: "Présenté"\n  answered: "Répondu"\n  wait_s: "Attente"\n'
    '  talk_s: "Durée"\n  motif: "Motif"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M:%S"\n'
)
HEAD = "Id;Date;Canal;Client;Sens;Présenté;Répondu;Attente;Durée;Motif"
KPIS = ["answer_rate", "dmc"]
SECRET = "S3cr3t-pw"


def _rows() -> list[str]:
    rows = []
    for i in range(1, 41):
        canal = ("téléphone", "email", "chat")[i % 3]
        answered = "oui" if i % 4 else "non"
        rows.append(
            f"C{i};{i % 28 + 1:02d}/01/2026 {i % 24:02d}:15:00;{canal};CLI-{i % 7};entrant;oui;"
            f"{answered};{i * 3 % 50};{100 + i * 11};facture"
        )
    rows.append("C41;31/02/2026 10:00:00;chat;CLI-3;entrant;oui;oui;12;90;facture")  # bad date
    rows.append("C42;;email;CLI-4;entrant;oui;oui;12;90;facture")  # missing date
    return rows


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("bigbase")
    csv, mapping, db = d / "export.csv", d / "export.mapping.yaml", d / "pilote.duckdb"
    csv.write_text("\n".join([HEAD, *_rows()]) + "\n", encoding="utf-8")
    mapping.write_text(MAPPING, encoding="utf-8")
    cmd = [sys.executable, "-m", "kpis", "load", str(csv), "--mapping", str(mapping)]
    subprocess.run([*cmd, "--db", str(db)], check=True, cwd=ROOT, capture_output=True)
    return csv, mapping, db


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    out = [
        str(e.value)
        for kind in ("title", "caption", "markdown", "info", "error", "warning")
        for e in getattr(at, kind)
    ]
    for w in at.text_input:
        out.append(str(w.value))
    for df in at.dataframe:
        out.append(df.value.to_csv())
    return out


def test_duckdb_base_computes_what_the_engine_computes(base):
    csv, mapping, db = base
    at = _page()
    at.radio(key="bb_kind").set_value("duckdb").run()
    at.text_input(key="bb_path").set_value(str(db)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.text_input(key="bb_path").value == str(db)
    assert at.session_state["bb_source"] == str(db)  # storable: a .duckdb path

    # tables found, load counts: 42 rows read = 40 used + 2 set aside (one per reason)
    tables = at.dataframe[0].value
    assert tables.iloc[0].tolist() == ["Contacts", "40"]
    load = at.dataframe[1].value
    assert load[["Lignes lues", "Utilisées", "Écartées"]].iloc[0].tolist() == ["42", "40", "2"]
    reasons = at.dataframe[2].value
    assert dict(zip(reasons.iloc[:, 0], reasons.iloc[:, 1], strict=True)) == {
        "date illisible": "1",
        "champ obligatoire vide": "1",
    }
    assert any("2 premières sur 2" in c.value for c in at.caption), [c.value for c in at.caption]

    at.multiselect(key="bb_kpis").set_value(KPIS).run()
    at.multiselect(key="bb_by").set_value(["canal"]).run()
    assert at.multiselect(key="bb_kpis").value == KPIS
    assert at.multiselect(key="bb_by").value == ["canal"]
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    shown = at.dataframe[-1].value

    res = import_file(csv.read_bytes(), csv.name, mapping=str(mapping), key=default_key())
    expected = compute({"contacts": res.data}, KPIS, by=["canal"])
    assert len(shown) == len(expected) > 0
    names = {"answer_rate": "Taux de décroché", "dmc": shown["Indicateur"].iloc[-1]}
    assert set(shown["Indicateur"]) == {names["answer_rate"], names["dmc"]}
    assert list(shown.columns[:2]) == ["Indicateur", "Canal"]
    for got, exp in zip(shown.to_dict("records"), expected.to_dict("records"), strict=True):
        unit = REGISTRY.get(exp["kpi"]).unit
        assert got["Canal"] == category_label("canal", exp["canal"], "fr")
        assert got["Valeur"] == fmt.value(exp["value"], unit, "fr")
        assert got["Numérateur"] == fmt.value(exp["numerator"], "count", "fr")
        assert got["Dénominateur"] == fmt.value(exp["denominator"], "count", "fr")
        assert got["IC 95 %"] == fmt.interval(exp["ci_low"], exp["ci_high"], unit, "fr")
        assert got["n"] == fmt.integer(exp["n"], "fr")
    # by hand: phone calls are rows 3, 6, …, 39 (13), rows 12, 24, 36 not answered → 10 / 13
    phone = shown[(shown["Indicateur"] == "Taux de décroché") & (shown["Canal"] == "Téléphone")]
    assert phone[["Numérateur", "Dénominateur", "n"]].iloc[0].tolist() == ["10", "13", "13"]
    assert phone["Valeur"].iloc[0] == fmt.value(100 * 10 / 13, "%", "fr")


def test_not_declared_kpi_says_memory_only_in_french(base, monkeypatch):
    # every KPI is now declared (the last ones of two tables too): one is made plain here
    monkeypatch.setattr(REGISTRY.get("eval_coverage").compute, "declaration", None)
    _, _, db = base
    at = _page()
    at.radio(key="bb_kind").set_value("duckdb").run()
    at.text_input(key="bb_path").set_value(str(db)).run()
    at.multiselect(key="bb_kpis").set_value(["eval_coverage"]).run()
    at.button(key="bb_run").click().run()
    shown = at.dataframe[-1].value
    assert shown["Statut"].tolist() == ["calculé en mémoire seulement"]
    assert "relational" not in shown.to_csv()


def test_missing_file_and_empty_env_variable_are_said_in_french(monkeypatch, tmp_path):
    monkeypatch.delenv("PILOTE_BB_ABSENT", raising=False)
    at = _page()
    at.radio(key="bb_kind").set_value("duckdb").run()
    missing = tmp_path / "absente.duckdb"
    at.text_input(key="bb_path").set_value(str(missing)).run()
    assert not at.exception
    assert any("introuvable" in e.value and "absente" in e.value for e in at.error)
    at.radio(key="bb_kind").set_value("connection").run()
    at.text_input(key="bb_env").set_value("env:PILOTE_BB_ABSENT").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("PILOTE\\_BB\\_ABSENT" in e and "vide ou absente" in e for e in errors), errors


def test_pasted_url_with_password_is_refused_and_never_shown():
    at = _page()
    at.radio(key="bb_kind").set_value("connection").run()
    at.text_input(key="bb_env").set_value(f"postgres://alice:{SECRET}@db.example:5432/cs").run()
    assert not at.exception
    assert any("jamais saisie ni enregistrée en clair" in e.value for e in at.error)
    assert at.text_input(key="bb_env").value == ""
    assert "bb_source" not in at.session_state
    assert not any(SECRET in x for x in _texts(at))


def _save_workspace():
    """A page that shows the workspace the notebook would save from this session."""
    import streamlit as st

    from ui.notebook import current_workspace
    from ui.state import Ctx, sample_dataset

    ctx = Ctx("fr", sample_dataset(), {}, None, {}, {})
    st.code(current_workspace(ctx).to_json())


def test_workspace_keeps_the_source_as_storable_only(base):
    from kpis.workspace import Workspace

    _, _, db = base
    at = AppTest.from_function(_save_workspace, default_timeout=120)
    at.session_state["bb_source"] = str(db)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    doc = Workspace.from_json(at.code[0].value)
    assert doc.settings["source"] == str(db)
    # a connection text in clear never reaches the workspace: saving refuses it
    at.session_state["bb_source"] = f"postgres://alice:{SECRET}@db.example/cs"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "source" not in Workspace.from_json(at.code[0].value).settings
    assert SECRET not in at.code[0].value


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_with_a_result_speaks_the_language(base, lang):
    """The French test's checks (tests/test_app_french.py) on the page with a base, its load
    counts, rows set aside and a result by canal and month, with KPIs that cannot be computed
    (no surveys; not declared for the relational executor)."""
    from test_app_french import collect, offences

    _, _, db = base
    at = _page()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    at.radio(key="bb_kind").set_value("duckdb").run()
    at.text_input(key="bb_path").set_value(str(db)).run()
    at.multiselect(key="bb_kpis").set_value(["answer_rate", "dmc", "csat", "backlog"]).run()
    at.multiselect(key="bb_by").set_value(["canal"]).run()
    at.selectbox(key="bb_period").set_value("month").run()
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="bb_period").value == "month"
    shown = at.dataframe[-1].value
    month = "janvier 2026" if lang == "fr" else fmt.date("2026-01-01", "en", "month")
    assert month in set(shown.iloc[:, 2]), shown.iloc[:, 2].tolist()
    assert offences(collect(at, lang), lang) == []


def test_unreadable_base_is_said_in_french_naming_the_file(tmp_path):
    bad = tmp_path / "abimee.duckdb"
    bad.write_text("pas une base DuckDB\n", encoding="utf-8")
    at = _page()
    at.radio(key="bb_kind").set_value("duckdb").run()
    at.text_input(key="bb_path").set_value(str(bad)).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "source illisible" in errors[0] and "abimee" in errors[0], errors
    assert "Traceback" not in errors[0]


def _restore_workspace():
    import streamlit as st

    from kpis.workspace import Workspace
    from ui.notebook import apply_workspace

    apply_workspace(Workspace(settings={"source": "env:PILOTE_BB_SAVED"}))
    st.text(st.session_state["bb_source"])


def test_loaded_workspace_gives_the_page_its_source():
    at = AppTest.from_function(_restore_workspace, default_timeout=60)
    at.session_state["bb_kind"] = "duckdb"  # a choice made before loading the workspace
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.text[0].value == "env:PILOTE_BB_SAVED"
    assert "bb_kind" not in at.session_state  # the page starts again from the saved source


def test_page_opens_on_the_session_source(monkeypatch):
    monkeypatch.delenv("PILOTE_BB_SAVED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["bb_source"] = "env:PILOTE_BB_SAVED"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="bb_kind").value == "connection"
    assert at.text_input(key="bb_env").value == "env:PILOTE_BB_SAVED"
    assert any("vide ou absente" in e.value for e in at.error)
