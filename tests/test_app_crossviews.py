"""AppTest of the cross-analyses page (page 8) on the bundled sample data: every option of the
analysis selector, in French and in English, renders without an exception, and what is rendered
is the analysis selected (its own title, chart key and numbers), not an "insufficient data"
message and not another analysis."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpis.io.sample import sample_engine_params
from kpis.views import REGISTRY
from kpis.views.charts import selection_of

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from ui.errors import md_escape  # noqa: E402
from ui.state import default_targets, sample_dataset  # noqa: E402

APP = str(ROOT / "app.py")
PAGE = "pages/8_Analyses_croisees.py"
OPTIONS = [k.split(".", 1)[1] for k in REGISTRY if k.startswith("cross.")]


def _page(lang: str = "fr") -> AppTest:
    """As the app helper's tests do: start on app.py, then switch to the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_selector_offers_the_nine_analyses_and_the_free_pairing():
    from kpis.crossviews import ANALYSES

    at = _page()
    radio = at.radio(key="cross_analysis")
    assert list(radio.options) == [ANALYSES[k][0] for k in ANALYSES] + [
        REGISTRY["cross.free"].title_fr
    ]
    assert OPTIONS == [*ANALYSES, "free"]


def test_page_runs_and_shows_findings():
    at = _page()
    assert at.title[0].value == "Analyses croisées"
    assert any("Constats" in s.value for s in at.subheader)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("option", OPTIONS)
def test_each_analysis_renders_itself(option, lang):
    at = _page(lang)
    radio = at.radio(key="cross_analysis")
    radio.set_value(option).run()
    assert not at.exception, [e.message for e in at.exception]
    assert radio.value == option
    view = REGISTRY[f"cross.{option}"]
    # the subheader is this analysis' own title (with its default segment)
    title = md_escape(view.full_title(None, lang))
    assert title in [s.value for s in at.subheader], [s.value for s in at.subheader]
    others = {
        md_escape(v.full_title(None, lang))
        for k, v in REGISTRY.items()
        if k.startswith("cross.") and k != view.id
    }
    assert not others & {s.value for s in at.subheader}
    # it was computed, not replaced by a message: its chart is drawn under its own key
    assert not [i.value for i in at.info if "Données insuffisantes" in i.value]
    assert not [i.value for i in at.info if "Not enough data" in i.value]
    # the numbers and the chart on screen are this view's result on the same data
    res = view.run(_tables(), None, _settings(lang))
    assert res.error is None and res.numbers and res.chart
    shown = {m.label: m.value for m in at.metric}
    assert shown == res.numbers
    # the chart drawn is the result's spec: its datasets are named by content (Altair hashes)
    drawn = [e.proto for e in at.get("vega_lite_chart")]
    mine = [c for c in drawn if set(res.chart["datasets"]) <= {d.name for d in c.datasets}]
    assert len(mine) == 1, [d.name for c in drawn for d in c.datasets]
    # a click is asked for only when the spec declares a selection (else Streamlit raises)
    assert bool(mine[0].selection_mode) == bool(selection_of(res.chart)) == bool(res.selection)


def _tables() -> dict:
    ds = sample_dataset()
    return {**ds.tables, **ds.period_inputs}


def _settings(lang: str) -> dict:
    """What the page passes to a view with no sidebar filter and the default settings."""
    return {
        "params": sample_engine_params(),  # the sample's own opening hours, as the app applies
        "targets": default_targets(),
        "lang": lang,
        "filters": {},
    }
