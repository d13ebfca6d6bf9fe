"""Charts people read: every category label drawn, top N + "autres" pooled as a rate of the
pooled rows, the hours-and-slots view (hand counts on small tables), the Explorer's opening KPI
and its reasons, the active-filters banner."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpis.stats import wilson_interval
from kpis.views import REGISTRY, charts

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXPLORER = REGISTRY["explorer"]
INTRADAY = REGISTRY["intraday"]


def _encodings(spec: dict):
    for layer in [spec, *(spec.get("layer") or [])]:
        yield from (layer.get("encoding") or {}).items()


def _rows(spec: dict) -> list[dict]:
    """The chart's data rows (the first dataset holding a segment column)."""
    for rows in spec["datasets"].values():
        if rows and ("_seg" in rows[0] or "_x" in rows[0]):
            return rows
    raise AssertionError("no segment dataset")


# ---------------------------------------------------------------- labels


def test_nominal_axes_draw_every_label_and_grow_with_categories():
    df = pd.DataFrame({"motif": [f"Motif numéro {i}" for i in range(40)], "value": range(40)})
    spec = charts.bars_ci(df, "motif", title="Volume")
    axes = [e for ch, e in _encodings(spec) if ch == "y" and e.get("type") == "nominal"]
    assert axes and all(e["axis"]["labelOverlap"] is False for e in axes)
    assert spec["height"] == 24 * 40  # one band of 24 px per category
    assert charts.bars_ci(df.head(3), "motif")["height"] == 160

    grid = pd.DataFrame({"day": [f"2025-10-{d:02d}" for d in range(1, 31)] * 2})
    grid["queue"] = ["File A"] * 30 + ["File B"] * 30
    grid["value"] = 1.0
    hm = charts.heatmap(grid, "day", "queue")
    enc = dict(_encodings(hm))
    assert enc["x"]["axis"]["labelOverlap"] is False
    assert enc["x"]["axis"]["labelAngle"] == -45  # 30 days: turned
    assert enc["y"]["axis"]["labelOverlap"] is False
    assert hm["width"] == 22 * 30


def test_many_series_over_time_become_one_panel_each():
    days = pd.date_range("2025-10-01", periods=30, freq="D")
    df = pd.DataFrame(
        [(d, f"File {q}", 1.0) for q in range(10) for d in days],
        columns=["period", "queue", "value"],
    )
    many = charts.lines(df, color="queue", title="Volume")
    assert many["facet"]["row"]["field"] == "queue"  # ten queues: ten panels, no legend
    assert many["facet"]["row"]["header"]["labelAngle"] == 0
    few = charts.lines(df[df["queue"].isin(["File 0", "File 1"])], color="queue")
    assert "facet" not in few and few["layer"][-1]["encoding"]["color"]["field"] == "queue"


# ---------------------------------------------------------------- top N + autres


def _forty_motifs() -> dict:
    """15 motifs of 20 calls (10 answered), 5 of 16 calls (all answered), 20 of 4 calls (none
    answered): the 25 small ones pool into 80 answered / 160 presented = 50 %, whereas the mean
    of their rates is (5 × 100 + 20 × 0) / 25 = 20 %."""
    rows = []
    for i in range(40):
        n, answered = (20, 10) if i < 15 else (16, 16) if i < 20 else (4, 0)
        rows += [(f"M{i:02d}", k < answered) for k in range(n)]
    df = pd.DataFrame(rows, columns=["motif", "answered"])
    df["canal"] = "telephone"
    df["started_at"] = pd.Timestamp("2025-10-06 10:00")
    return {"contacts": df}


def test_top_n_pools_the_rest_into_autres_as_the_rate_of_the_pooled_rows():
    res = EXPLORER.run(_forty_motifs(), {"kpi": "answer_rate", "by": ["motif"]}, {"lang": "fr"})
    assert res.error is None, res.error
    assert len(res.table) == 40  # the table keeps every motif
    rows = _rows(res.chart)
    assert [r["_seg"] for r in rows] == [f"M{i:02d}" for i in range(15)] + ["autres"]
    other = rows[-1]
    assert other["value"] == pytest.approx(50.0)  # 80 / 160, not 20 (mean of rates)
    assert other["n"] == 160
    lo, hi = wilson_interval(80, 160)
    assert (other["ci_low"], other["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    note = "15 premiers motifs sur 40 ; 25 regroupés dans « autres »"
    assert res.chart["title"]["subtitle"] == note
    assert {"kind": "note", "text": note} in res.sentences
    # settable N, and English
    res = EXPLORER.run(
        _forty_motifs(), {"kpi": "answer_rate", "by": ["motif"], "top": 5}, {"lang": "en"}
    )
    assert [r["_seg"] for r in _rows(res.chart)][-1] == "other"
    assert res.chart["title"]["subtitle"] == "top 5 motifs of 40; 35 pooled into 'other'"
    # 10 × 20 calls (10 answered each) + the 25 small motifs: (100 + 80) / (200 + 160) = 50 %
    assert _rows(res.chart)[-1]["value"] == pytest.approx(50.0)
    assert _rows(res.chart)[-1]["n"] == 360


def test_filtered_values_that_are_pooled_stay_counted():
    tables = _forty_motifs()
    keep = [f"M{i:02d}" for i in range(14, 22)]  # 8 motifs: M14 (20 calls), M15–M19, M20, M21
    res = EXPLORER.run(
        tables,
        {"kpi": "answer_rate", "by": ["motif"], "top": 2},
        {"lang": "fr", "filters": {"motif": keep}},
    )
    rows = _rows(res.chart)
    assert [r["_seg"] for r in rows] == ["M14", "M15", "autres"]
    # autres = M16–M19 (4 × 16 answered of 16) + M20, M21 (0 of 4): 64 / 72
    assert rows[-1]["value"] == pytest.approx(100 * 64 / 72)


def test_cross_view_tables_pool_from_their_counts():
    from kpis.views.topn import pool_frame

    # S15–S18: 10 calls, 10 transferred (100 %); S19: 60 calls, none (0 %) → 40 / 100 = 40 %
    df = pd.DataFrame(
        {
            "motif": [f"S{i:02d}" for i in range(20)],
            "n": [100.0] * 15 + [10.0] * 4 + [60.0],
            "value": [5.0] * 15 + [100.0] * 4 + [0.0],
        }
    )
    out, note = pool_frame(df, "motif", 15, "fr", kind="rate")
    assert list(out["motif"]) == [f"S{i:02d}" for i in range(15)] + ["autres"]
    assert out["value"].iloc[-1] == pytest.approx(40.0)  # not 80 (the mean of the rates)
    assert out["n"].iloc[-1] == 100
    assert note == "15 premiers motifs sur 20 ; 5 regroupés dans « autres »"
    # a mean (e.g. handling time): (4 × 10 × 100 s + 60 × 0 s) / 100 = 40 s
    assert pool_frame(df, "motif", 15, kind="mean")[0]["value"].iloc[-1] == pytest.approx(40.0)
    # a share of all contacts: 100 of 1 600
    share = pool_frame(df, "motif", 15, kind="share", total=1600.0)[0]
    assert share["value"].iloc[-1] == pytest.approx(100 * 100 / 1600)
    assert pool_frame(df, "motif", 20)[1] == ""  # 20 motifs fit: nothing pooled


# ---------------------------------------------------------------- hours and slots


def _calls() -> dict:
    """Monday 6 Oct 2025 09:10 (answered, 10 s), 09:20 (answered, 30 s), 09:50 (abandoned after
    40 s); Tuesday 7 Oct 14:05 (answered, 5 s)."""
    df = pd.DataFrame(
        {
            "started_at": pd.to_datetime(
                ["2025-10-06 09:10", "2025-10-06 09:20", "2025-10-06 09:50", "2025-10-07 14:05"]
            ),
            "canal": "telephone",
            "answered": [True, True, False, True],
            "wait_s": [10.0, 30.0, 40.0, 5.0],
        }
    )
    return {"contacts": df}


def _cells(res, *keys) -> dict:
    t = res.table
    key = (lambda r: tuple(r[k] for k in keys)) if len(keys) > 1 else (lambda r: r[keys[0]])
    return {key(r): r["value"] for _, r in t.iterrows()}


def test_hour_by_weekday_cells_are_the_hand_counts():
    res = INTRADAY.run(_calls(), {"measure": "volume", "layout": "week"}, {"lang": "fr"})
    assert res.error is None, res.error
    assert _cells(res, "weekday", "slot") == {("lundi", "09 h"): 3, ("mardi", "14 h"): 1}
    cells = {(r["_y"], r["_x"]): r["value"] for r in _rows(res.chart)}
    assert cells == {("lundi", "09 h"): 3, ("mardi", "14 h"): 1}


def test_intraday_slots_volume_wait_and_service_level_by_hand():
    run = lambda m, slot: INTRADAY.run(  # noqa: E731
        _calls(), {"measure": m, "layout": "intraday", "slot": slot}, {"lang": "fr"}
    )
    assert _cells(run("volume", 30), "slot") == {"09:00": 2, "09:30": 1, "14:00": 1}
    assert _cells(run("offered", 30), "slot") == {"09:00": 2, "09:30": 1, "14:00": 1}
    # answered within 20 s ÷ presented calls (the abandon counts): 1/2, 0/1, 1/1
    sl = run("service_level", 30)
    assert _cells(sl, "slot") == {"09:00": 50.0, "09:30": 0.0, "14:00": 100.0}
    assert sl.values["Niveau de service"] == (50.0, "%")  # 2 of 4, as on the dashboard
    assert _cells(run("avg_wait", 30), "slot") == {"09:00": 20.0, "09:30": 40.0, "14:00": 5.0}
    assert _cells(run("avg_wait", 15), "slot") == {
        "09:00": 10.0,
        "09:15": 30.0,
        "09:45": 40.0,
        "14:00": 5.0,
    }
    assert _cells(run("median_wait", 60), "slot") == {"09:00": 30.0, "14:00": 5.0}


def test_date_only_timestamps_say_hours_cannot_be_computed():
    tables = _calls()
    tables["contacts"]["started_at"] = tables["contacts"]["started_at"].dt.normalize()
    res = INTRADAY.run(tables, {}, {"lang": "fr"})
    assert res.chart is None and res.table.empty
    assert "ne portent pas d'heure (date seule)" in res.error
    # the import report's word is enough, even when the column has times
    res = INTRADAY.run(_calls(), {}, {"lang": "en", "date_only": ["started_at"]})
    assert "carry no time of day (date only)" in res.error


# ---------------------------------------------------------------- Explorer reasons


def test_explorer_says_what_is_missing_or_that_the_filters_remove_every_row():
    surveys = pd.DataFrame({"csat_score": [5.0, 2.0], "canal": ["email", "email"]})
    res = EXPLORER.run({"surveys": surveys}, {"kpi": "answer_rate", "by": []}, {"lang": "fr"})
    assert res.error == (
        "Taux de décroché non calculable : il faut la table « Contacts » (Décroché)."
    )
    assert "Aucune ligne" not in res.error
    res = EXPLORER.run(
        {"surveys": surveys}, {"kpi": "csat", "by": []}, {"filters": {"canal": ["chat"]}}
    )
    assert res.error == "Aucune ligne ne correspond aux filtres."


# ---------------------------------------------------------------- pages


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def test_explorer_opens_on_a_computable_kpi_with_surveys_only():
    from kpis.io.sample import load_sample
    from ui.state import Dataset

    tables, _ = load_sample()
    at = _app()
    at.session_state["dataset"] = Dataset(
        "surveys-only", "user", [], {"surveys": tables["surveys"]}
    )
    at.switch_page("pages/3_Explorer.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.multiselect(key="ex_kpis").value == ["csat"]
    said = [w.value for w in at.warning] + [i.value for i in at.info]
    assert not [s for s in said if "non calculable" in s or "Aucune ligne" in s], said
    assert at.dataframe[0].value["Indicateur"].iloc[0] == "CSAT (satisfaction client)"


def test_banner_names_the_filter_set():
    from ui.filters_banner import banner_text

    text = banner_text({"canal": ["telephone"]}, (dt.date(2025, 10, 1), dt.date(2025, 12, 31)))
    assert text == "Filtres actifs : Canal = Téléphone ; Période = 1 oct. 2025 – 31 déc. 2025"
    assert banner_text({}, None) == ""

    at = _app()
    assert not [i.value for i in at.info if i.value.startswith("Filtres actifs")]
    at.sidebar.multiselect(key="f_canal").set_value(["telephone"]).run()
    assert at.sidebar.multiselect(key="f_canal").value == ["telephone"]
    shown = [i.value.replace("\\", "") for i in at.info if i.value.startswith("Filtres actifs")]
    assert shown == ["Filtres actifs : Canal = Téléphone"]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert [i.value.replace("\\", "") for i in at.info if i.value.startswith("Active")] == [
        "Active filters: Channel = Phone"
    ]


def test_multi_trend_finding_names_its_kpis_in_the_legend():
    """« CSAT / NPS moving opposite to FCR » draws FCR, CSAT and NPS weekly: the legend says
    their names, not the ids ``fcr`` / ``nps``."""
    import json
    from types import SimpleNamespace

    import pandas as pd

    from kpis.views.charts import finding_spec

    weeks = pd.to_datetime(["2026-01-05", "2026-01-12"])
    table = pd.DataFrame(
        {
            "period": list(weeks) * 2,
            "value": [95.0, 96.0, 20.0, 10.0],
            "n": [900, 950, 280, 270],
            "kpi": ["fcr", "fcr", "nps", "nps"],
        }
    )
    f = SimpleNamespace(
        chart={"type": "multi_trend", "x": "period", "y": "value", "color": "kpi", "unit": "%"},
        table=table,
    )
    for lang, word in (("fr", "FCR déclaré"), ("en", "FCR declared")):
        spec = json.dumps(finding_spec(f, lang), ensure_ascii=False)
        assert word in spec and "NPS (Net Promoter Score)" in spec
        assert '"fcr"' not in spec and '"nps"' not in spec
    assert table["kpi"].tolist() == ["fcr", "fcr", "nps", "nps"]  # the evidence keeps its ids
