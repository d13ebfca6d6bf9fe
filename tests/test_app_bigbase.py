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
    at.sidebar.multiselect(key="f_canal").set_value(["telephone", "email"]).run()
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="bb_period").value == "month"
    assert at.sidebar.multiselect(key="f_canal").value == ["telephone", "email"]
    banner = "Canal \\= Téléphone, E\\-mail" if lang == "fr" else "Channel \\= Phone, Email"
    assert [e.value for e in at.info] == [
        ("Filtres actifs \\: " if lang == "fr" else "Active filters\\: ") + banner
    ]
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


# ---------------------------------------------------------------- global filters, Spark, download


def _spy_downloads(monkeypatch) -> dict:
    """{key: (file name, bytes)} of every st.download_button the page draws."""
    import streamlit

    seen: dict = {}
    real = streamlit.download_button

    def spy(label, data, *args, **kwargs):
        seen[kwargs.get("key")] = (kwargs.get("file_name"), data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return seen


def _open_base(at: AppTest, db) -> AppTest:
    at.radio(key="bb_kind").set_value("duckdb").run()
    at.text_input(key="bb_path").set_value(str(db)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_sidebar_offers_the_base_values_when_no_file_is_imported(base):
    """The sample (no imported file) has four channels, agents and providers; the base has
    three channels, one motif, no agent: the sidebar offers the base's values and dates."""
    import datetime as dt

    _, _, db = base
    at = _open_base(_page(), db)
    canal = at.sidebar.multiselect(key="f_canal")
    assert canal.options == ["Chat", "E-mail", "Téléphone"]
    assert at.sidebar.multiselect(key="f_motif").options == ["facture"]
    shown = {m.key for m in at.sidebar.multiselect}
    assert "f_agent_id" not in shown and "f_provider" not in shown, shown
    # rows 1..40 on days i % 28 + 1 of January 2026 (the two set-aside rows are not in the base)
    assert at.sidebar.date_input(key="f_date").value == (dt.date(2026, 1, 1), dt.date(2026, 1, 28))


def test_global_filter_gives_what_both_executors_give(base, monkeypatch):
    from kpis.relational.connect import connect
    from kpis.relational.executor import compute as on_base

    csv, mapping, db = base
    downloads = _spy_downloads(monkeypatch)
    at = _open_base(_page(), db)
    at.sidebar.multiselect(key="f_canal").set_value(["telephone"]).run()
    at.multiselect(key="bb_kpis").set_value(KPIS).run()
    assert at.sidebar.multiselect(key="f_canal").value == ["telephone"]
    assert at.multiselect(key="bb_kpis").value == KPIS
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Filtres actifs" in e.value and "Canal \\= Téléphone" in e.value for e in at.info)
    shown = at.dataframe[-1].value

    filters = {"canal": ["telephone"]}
    res = import_file(csv.read_bytes(), csv.name, mapping=str(mapping), key=default_key())
    memory = compute({"contacts": res.data}, KPIS, filters=filters)
    source = connect(str(db))
    try:
        relational = on_base(source, KPIS, filters=filters)
        unfiltered = on_base(source, KPIS)
    finally:
        source.con.disconnect()
    assert list(memory["kpi"]) == list(relational["kpi"]) == KPIS
    for col in ("value", "numerator", "denominator", "ci_low", "ci_high", "n"):
        assert relational[col].to_numpy() == pytest.approx(memory[col].to_numpy(), rel=1e-9)
    assert len(shown) == 2
    for got, exp in zip(shown.to_dict("records"), memory.to_dict("records"), strict=True):
        unit = REGISTRY.get(exp["kpi"]).unit
        assert got["Indicateur"] == REGISTRY.get(exp["kpi"]).name("fr")
        assert got["Valeur"] == fmt.value(exp["value"], unit, "fr")
        assert got["Numérateur"] == fmt.value(exp["numerator"], "count", "fr")
        assert got["Dénominateur"] == fmt.value(exp["denominator"], "count", "fr")
        assert got["IC 95 %"] == fmt.interval(exp["ci_low"], exp["ci_high"], unit, "fr")
        assert got["n"] == fmt.integer(exp["n"], "fr")
    # by hand: 13 phone calls (rows 3, 6, …, 39), rows 12, 24, 36 not answered → 10 / 13 (the
    # answer rate counts phone calls only: the same unfiltered)
    rate = shown[shown["Indicateur"] == "Taux de décroché"].iloc[0]
    assert [rate["Numérateur"], rate["Dénominateur"]] == ["10", "13"]
    assert rate["Valeur"] == fmt.value(100 * 10 / 13, "%", "fr")
    # DMC (every channel): the 10 answered phone calls are rows 3, 6, 9, 15, 18, 21, 27, 30,
    # 33, 39 (sum 201), talk 100 + 11 i → 100 + 11 × 20.1 = 321.1 s; unfiltered, the 30
    # answered rows (i not a multiple of 4, sum 600) → 100 + 11 × 20 = 320 s
    dmc = shown[shown["Indicateur"] != "Taux de décroché"].iloc[0]
    assert [dmc["n"], dmc["Valeur"]] == ["10", fmt.value(321.1, "s", "fr")]
    assert unfiltered["n"].tolist() == [13, 30]
    assert unfiltered["value"].iloc[1] == pytest.approx(320.0)
    assert dmc["Valeur"] != fmt.value(unfiltered["value"].iloc[1], "s", "fr")

    # the download: the same numbers, French headers, ';' and a dot, UTF-8 with BOM
    import io

    import pandas as pd

    name, data = downloads["bb_download"]
    assert name == "pilote_grande_base.csv" and data.startswith(b"\xef\xbb\xbf")
    got = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig")
    assert list(got.columns) == [
        "Indicateur",
        "Valeur",
        "Unité",
        "Numérateur",
        "Dénominateur",
        "IC 95 % bas",
        "IC 95 % haut",
        "n",
        "Population",
        "Statut",
        "Détail",
    ]
    row = got[got["Indicateur"] == "Taux de décroché"].iloc[0]
    assert [row["Numérateur"], row["Dénominateur"], row["n"]] == [10, 13, 13]
    assert row["Valeur"] == pytest.approx(100 * 10 / 13)
    assert row["Unité"] == "%"
    assert [row["IC 95 % bas"], row["IC 95 % haut"]] == pytest.approx(
        [memory["ci_low"].iloc[0], memory["ci_high"].iloc[0]]
    )
    assert row["Population"] == rate["Population"]
    dmc = got[got["Indicateur"] != "Taux de décroché"].iloc[0]
    assert dmc["Valeur"] == pytest.approx(memory["value"].iloc[1])
    assert dmc["Unité"] == "secondes"

    # another filter: the result shown before is not shown under it
    tables_and_result = len(at.dataframe)
    at.sidebar.multiselect(key="f_canal").set_value(["email"]).run()
    assert at.sidebar.multiselect(key="f_canal").value == ["email"]
    assert len(at.dataframe) == tables_and_result - 1
    assert "Taux de décroché" not in at.dataframe[-1].value.to_csv()
    assert not [b for b in at.get("download_button") if "résultat" in b.label]
    assert any("ont changé depuis le dernier calcul" in c.value for c in at.caption)


def test_date_filter_of_the_sidebar_applies_on_the_base(base):
    import datetime as dt

    from kpis.relational.connect import connect
    from kpis.relational.executor import compute as on_base

    csv, mapping, db = base
    at = _open_base(_page(), db)
    days = (dt.date(2026, 1, 1), dt.date(2026, 1, 10))
    at.sidebar.date_input(key="f_date").set_value(days).run()
    at.multiselect(key="bb_kpis").set_value(["answer_rate"]).run()
    assert at.sidebar.date_input(key="f_date").value == days
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    shown = at.dataframe[-1].value.iloc[0]
    filters = {"date": (pd_ts("2026-01-01"), pd_ts("2026-01-10"))}
    res = import_file(csv.read_bytes(), csv.name, mapping=str(mapping), key=default_key())
    memory = compute({"contacts": res.data}, ["answer_rate"], filters=filters)
    source = connect(str(db))
    try:
        relational = on_base(source, ["answer_rate"], filters=filters)
    finally:
        source.con.disconnect()
    assert relational["value"].iloc[0] == pytest.approx(memory["value"].iloc[0], rel=1e-9)
    # by hand: days 1..10 are rows i with i % 28 + 1 <= 10: i = 1..9 and 28..37; the phone
    # calls among them: 3, 6, 9, 30, 33, 36; not answered: 36 → 5 / 6 (all January: 10 / 13)
    assert [shown["Numérateur"], shown["Dénominateur"]] == ["5", "6"]
    assert shown["Valeur"] == fmt.value(100 * 5 / 6, "%", "fr")


def pd_ts(text: str):
    import pandas as pd

    return pd.Timestamp(text)


def test_filter_a_table_cannot_take_makes_its_kpis_not_computable(base):
    """Imported files with a provider column: the sidebar offers their providers and the
    base's channels together; the base's contacts have no provider, so its KPIs say why they
    are not computed, in French."""
    from ui.state import Dataset

    csv, mapping, db = base
    res = import_file(csv.read_bytes(), csv.name, mapping=str(mapping), key=default_key())
    files = res.data.head(6).copy()
    files["provider"] = "Prestataire Nord"
    files["canal"] = "courrier"
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["dataset"] = Dataset("user:bb-test", "user", [res], {"contacts": files}, {})
    at.run()
    at.switch_page(PAGE).run()
    _open_base(at, db)
    # the files' channel and the base's three
    assert at.sidebar.multiselect(key="f_canal").options == [
        "Chat",
        "Courrier",
        "E-mail",
        "Téléphone",
    ]
    at.sidebar.multiselect(key="f_provider").set_value(["Prestataire Nord"]).run()
    assert at.sidebar.multiselect(key="f_provider").value == ["Prestataire Nord"]
    at.multiselect(key="bb_kpis").set_value(KPIS).run()
    at.button(key="bb_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    shown = at.dataframe[-1].value
    assert shown["Statut"].tolist() == ["non calculable", "non calculable"]
    assert all("Prestataire" in x and "Contacts" in x for x in shown["Remarque"]), shown
    assert shown["Valeur"].tolist() == ["—", "—"]  # no value


@pytest.mark.parametrize("present", [True, False])
def test_spark_is_offered_only_where_it_can_start(monkeypatch, present):
    from ui import bigbase_data

    monkeypatch.setattr(bigbase_data, "pyspark_present", lambda: True)
    monkeypatch.setattr(bigbase_data, "java_present", lambda: present)
    at = _page()
    kinds = at.radio(key="bb_kind").options
    captions = [c.value for c in at.caption]
    if present:
        assert kinds[-1] == "Spark (local)", kinds
        assert not any("Spark indisponible" in c for c in captions)
    else:
        assert "Spark (local)" not in kinds, kinds
        assert "Spark indisponible : Java absent" in captions, captions


def test_spark_said_absent_when_pyspark_is_missing(monkeypatch):
    from ui import bigbase_data

    monkeypatch.setattr(bigbase_data, "pyspark_present", lambda: False)
    at = _page()
    assert "Spark (local)" not in at.radio(key="bb_kind").options
    assert "Spark indisponible : pyspark absent" in [c.value for c in at.caption]


def test_saved_spark_source_where_spark_cannot_start_falls_back(monkeypatch):
    from ui import bigbase_data

    monkeypatch.setattr(bigbase_data, "java_present", lambda: False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["bb_source"] = "spark"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="bb_kind").value == "files"
    assert "Spark indisponible : Java absent" in [c.value for c in at.caption]


def test_spark_with_an_empty_catalogue_says_so_in_french(monkeypatch):
    """Spark present, its catalogue without any Pilote table (``spark_tables`` stubbed: no JVM
    started here): a French sentence saying what Spark reads and what to do, no table id."""
    from ui import bigbase_data

    monkeypatch.setattr(bigbase_data, "pyspark_present", lambda: True)
    monkeypatch.setattr(bigbase_data, "java_present", lambda: True)
    monkeypatch.setattr(bigbase_data, "spark_tables", lambda: [])
    at = _page()
    at.radio(key="bb_kind").set_value("spark").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="bb_kind").value == "spark"
    assert at.session_state["bb_source"] == "spark"
    warned = [w.value for w in at.warning if "Spark" in w.value]
    assert len(warned) == 1 and "aucune table de Pilote" in warned[0], warned
    assert "surveys" not in warned[0]
    assert not at.error, [e.value for e in at.error]


def test_base_values_bounded_and_merged_with_the_files():
    """``base_values``: distinct text values of each field over the tables holding it, empty
    text and nulls left out, at most ``limit``; ``merged``: the base's alone with no imported
    file, else the union of the values and the hull of the dates."""
    import datetime as dt

    import pandas as pd

    from kpis.relational.source import from_frames
    from ui.bigbase_data import base_bounds, base_values, merged

    contacts = pd.DataFrame(
        {
            "canal": ["telephone", "email", "telephone", None, ""],
            "started_at": pd.to_datetime(["2026-03-02", "2026-03-05", None, "2026-03-01", None]),
        }
    )
    surveys = pd.DataFrame({"canal": ["chat"], "answered_at": pd.to_datetime(["2026-04-30 10:00"])})
    source = from_frames({"contacts": contacts, "surveys": surveys}, "duckdb")
    values = base_values(source, ["canal", "motif"])
    assert values == {"canal": ["chat", "email", "telephone"], "motif": []}
    assert base_values(source, ["canal"], limit=2) == {"canal": ["chat", "email"]}
    bounds = base_bounds(source, {"contacts": "started_at", "surveys": "answered_at"})
    assert bounds == (dt.date(2026, 3, 1), dt.date(2026, 4, 30))

    files = (
        {"canal": ["courrier", "email"], "team": ["A"]},
        (dt.date(2026, 2, 1), dt.date(2026, 3, 3)),
    )
    assert merged(files, (values, bounds), only_base=True) == (values, bounds)
    got_values, got_bounds = merged(files, (values, bounds), only_base=False)
    assert got_values == {
        "canal": ["chat", "courrier", "email", "telephone"],
        "motif": [],
        "team": ["A"],
    }
    assert got_bounds == (dt.date(2026, 2, 1), dt.date(2026, 4, 30))
