"""The one formatter (kpis.format): values written out by hand, fr and en."""

import math

import pandas as pd
import pytest

from kpis import format as fmt

NN = "\u202f"  # narrow no-break space (French grouping and before %)


@pytest.mark.parametrize(
    "seconds, fr, en",
    [
        (45, "45 s", "45 s"),
        (4.54, "4,5 s", "4.5 s"),
        (312, "5 min 12 s", "5 min 12 s"),
        (300, "5 min", "5 min"),
        (12_000, "3 h 20 min", "3 h 20 min"),
        (2 * 86400 + 4 * 3600, "2 j 4 h", "2 d 4 h"),
        (156_570, "1 j 19 h", "1 d 19 h"),  # MTTR of 2 609 min 30 s
    ],
)
def test_duration_adapts_its_unit(seconds, fr, en):
    assert fmt.duration(seconds, "fr") == fr
    assert fmt.duration(seconds, "en") == en
    assert fmt.value(seconds, "s", "fr") == fr


@pytest.mark.parametrize(
    "x, unit, fr, en",
    [
        (87.81, "%", f"87,8{NN}%", "87.8%"),
        (1513.8, "count", f"1{NN}514", "1,514"),
        (60.0, "score", "60,00", "60.00"),
        (-12.34, "points", "-12,3 points", "-12.3 points"),
        (5.2, "currency", "5,20\u00a0€", "€5.20"),
        (float("nan"), "%", "—", "—"),
        (None, "s", "—", "—"),
    ],
)
def test_value_by_unit(x, unit, fr, en):
    assert fmt.value(x, unit, "fr") == fr
    assert fmt.value(x, unit, "en") == en


@pytest.mark.parametrize(
    "d, unit, fr",
    [
        (3.21, "%", "+3,2 pts"),
        (-3.21, "%", "\u22123,2 pts"),
        (0.01, "%", "0,0 pt"),
        (-0.74, "%", "\u22120,7 pt"),
        (1.96, "%", "+2,0 pts"),
        (-0.2, "s", "\u22120,2 s"),
        (70_170, "s", "+19 h 30 min"),
        (-12, "s", "\u221212 s"),
        (8, "points", "+8,0 pts"),
    ],
)
def test_diff_is_signed_in_the_unit_of_the_kpi(d, unit, fr):
    assert fmt.diff(d, unit, "fr") == fr


@pytest.mark.parametrize(
    "p, fr, en",
    [
        (1e-12, "p < 0,001", "p < 0.001"),
        (0.0123, "p = 0,012", "p = 0.012"),
        (0.5, "p = 0,500", "p = 0.500"),
        (math.nan, "—", "—"),
    ],
)
def test_p_values(p, fr, en):
    assert fmt.p_value(p, "fr") == fr
    assert fmt.p_value(p, "en") == en


def test_interval_and_n():
    assert fmt.interval(85.1, 90.3, "%", "fr") == f"[85,1{NN}% ; 90,3{NN}%]"
    assert fmt.interval(85.1, 90.3, "%", "en") == "[85.1%, 90.3%]"
    assert fmt.ci_text(85.1, 90.3, "%", "fr").startswith("IC 95 %")
    assert fmt.interval(math.nan, 1, "%") == ""
    assert fmt.n_text(18_662, "fr") == f"n = 18{NN}662"


def test_dates_use_locale_month_names():
    d = pd.Timestamp("2026-03-12 14:00")
    assert fmt.date(d, "fr", "month") == "mars 2026"
    assert fmt.date(d, "en", "month") == "March 2026"
    assert fmt.date(d, "fr") == "12 mars 2026"
    assert fmt.date(pd.NaT, "fr") == "—"
