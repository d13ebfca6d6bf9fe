"""AppTest of the provider comparison page on the bundled sample data: the values on screen are
``kpis.compare`` called directly on the same tables and settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from kpis import format as fmt
from kpis.compare import compare_providers, scorecard

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `ui` sits beside app.py (Streamlit puts that folder on the path)
    sys.path.insert(0, str(ROOT))
from kpis.compare import default_kpis  # noqa: E402
from ui.compare_view import N_BOOT, score_key  # noqa: E402
from ui.state import Dataset, sample_dataset  # noqa: E402

APP = str(ROOT / "app.py")
PAGE = "pages/9_Comparaison_prestataires.py"


def _page(at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _tables() -> dict:
    ds = sample_dataset()
    return {**ds.tables, **ds.period_inputs}


def _text(table, col: str) -> list[str]:
    """A column of ``kpis.compare``'s table as the page shows it: French text in the row's unit
    ("" where there is no value)."""
    return [
        "" if v != v else fmt.value(v, u) for v, u in zip(table[col], table["unit"], strict=True)
    ]


def _number(text: str) -> float:
    return float(text.replace("\u202f", "").replace("%", "").replace(",", ".").strip())


def _table(at: AppTest):
    return next(d.value for d in at.dataframe if "Ajusté mix" in d.value.columns)


def test_page_shows_raw_and_standardised_values_as_compare_providers():
    at = _page()
    page_kpis = default_kpis(_tables())  # the one default set, shared with the CLI and audit
    assert at.multiselect(key="cmp_kpis").value == page_kpis
    comp = compare_providers(_tables(), page_kpis)
    shown = _table(at)  # numbers as French text (kpis.format), in each KPI's unit
    assert list(shown["Prestataire"]) == list(comp.table["provider"])
    assert list(shown["Ajusté mix"]) == _text(comp.table, "std_value")
    assert list(shown["Ajusté : IC bas"]) == _text(comp.table, "std_ci_low")
    assert list(shown["Brut"]) == _text(comp.table, "value")
    assert list(shown["n"]) == [fmt.integer(n) for n in comp.table["n"]]
    yes = {True: "oui", False: "non"}
    assert list(shown["Significatif"]) == [yes[bool(v)] for v in comp.table["std_significant"]]
    # the adjusted cells are stated, the tests are said in words, one chart per KPI
    assert any(c.value.startswith("Cellules ajustées") for c in at.caption)
    said = " ".join(m.value for m in at.markdown)
    assert "significativement" in said and "Holm" in said
    # one chart, one panel per KPI (the spec the deliverables draw too)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    assert json.loads(charts[0].proto.spec)["facet"]["row"]["field"] == "indicateur"
    data = pa.ipc.open_stream(charts[0].proto.datasets[0].data.data).read_all().to_pandas()
    assert data["indicateur"].nunique() == len(page_kpis)
    # scorecard: P(rank 1) from the bootstrap, as kpis.compare.scorecard says
    sc = scorecard(comp, {k: 1.0 for k in page_kpis}, None, n_boot=N_BOOT)  # targets
    ranking = next(d.value for d in at.dataframe if "P(1er) %" in d.value.columns)
    assert list(ranking["Prestataire"]) == list(sc.table["provider"])
    # P(1er) is a bootstrap estimate: the page's run (sidebar date filter, session params) and
    # this one may draw differently; its Monte-Carlo error at 1,000 draws is ≤ 1.6 points
    shown_p = [_number(p) for p in ranking["P(1er) %"]]
    assert shown_p == pytest.approx(list(100 * sc.table["p_first"]), abs=1.6)
    assert abs(sum(_number(p) for p in ranking["P(1er) %"]) - 100) < 0.5
    assert {b.label for b in at.button} >= {"Ajouter au carnet"}


def test_settings_and_weights_change_the_results():
    at = _page()
    kpis = ["fcr_measured", "dmt", "csat"]
    at.multiselect(key="cmp_kpis").set_value(kpis).run()
    at.number_input(key="cmp_min_cell").set_value(100).run()
    at.selectbox(key="cmp_correction").set_value("bh").run()
    assert not at.exception
    comp = compare_providers(_tables(), kpis, min_cell=100, correction="bh")
    assert list(_table(at)["Ajusté mix"]) == _text(comp.table, "std_value")
    # only CSAT weighted, with a contract threshold of 60 %
    at.session_state[score_key(kpis)] = {
        "edited_rows": {0: {"weight": 0.0}, 1: {"weight": 0.0}, 2: {"threshold": 60.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    sc = scorecard(comp, {"csat": 1.0}, {"csat": {"value": 60.0, "label": ""}}, n_boot=N_BOOT)
    ranking = next(d.value for d in at.dataframe if "P(1er) %" in d.value.columns)
    assert list(ranking["Score"]) == [fmt.number(x, "fr", 2) for x in sc.table["score"]]
    # P(1er) is a bootstrap estimate: the page's run (sidebar date filter, session params) and
    # this one may draw differently; its Monte-Carlo error at 1,000 draws is ≤ 1.6 points
    shown_p = [_number(p) for p in ranking["P(1er) %"]]
    assert shown_p == pytest.approx(list(100 * sc.table["p_first"]), abs=1.6)


def test_guards_without_provider_field_or_with_one_provider():
    at = _page()
    at.sidebar.multiselect(key="f_provider").set_value(["Interne"]).run()
    assert any("au moins deux prestataires" in i.value for i in at.info)
    ds = sample_dataset()
    tables = {k: v.drop(columns="provider", errors="ignore") for k, v in ds.tables.items()}
    at.session_state["dataset"] = Dataset("no-provider", "user", ds.results, tables)
    at.run()
    assert not at.exception
    assert any("pas de champ prestataire" in i.value for i in at.info)
