"""Erlang C against published values and its defining properties."""

from __future__ import annotations

import math

import pytest

from kpis.staffing import agents_needed, asa, erlang_b, erlang_c, service_level, traffic


@pytest.mark.parametrize(
    "agents,a,expected",
    [
        (3, 2.0, 0.4444),  # hand computation: B(3, 2) = 4/19, C = 0.4444
        (11, 10.0, 0.6821),  # classic textbook table
        (1, 0.5, 0.5),  # M/M/1: C = rho
        (2, 1.0, 1 / 3),
    ],
)
def test_erlang_c_known_values(agents, a, expected):
    assert erlang_c(agents, a) == pytest.approx(expected, abs=1e-4)


def test_erlang_b_and_edges():
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_c(2, 2.0) == 1.0 and erlang_c(5, 0.0) == 0.0
    assert service_level(2, 2.5, 180, 20) == 0.0
    assert asa(2, 2.5, 180) == math.inf


def test_service_level_and_asa_formulae():
    # 360 calls/hour, AHT 240 s → 24 erlangs per hour (interval 3600 s)
    a = traffic(360, 240, 3600)
    assert a == pytest.approx(24.0)
    sl = service_level(28, a, 240, 20)
    c = erlang_c(28, a)
    assert sl == pytest.approx(1 - c * math.exp(-(28 - a) * 20 / 240))
    assert asa(28, a, 240) == pytest.approx(c * 240 / 4)


def test_agents_needed_is_the_smallest_meeting_the_target():
    n = agents_needed(360, 240, 0.8, 20, 3600)
    a = traffic(360, 240, 3600)
    assert service_level(n, a, 240, 20) >= 0.8 > service_level(n - 1, a, 240, 20)
    assert agents_needed(0, 300) == 0
    assert agents_needed(360, 240, 80, 20, 3600) == n  # percent accepted
    assert agents_needed(720, 240, 0.8, 20, 3600) > n  # more calls, more agents


def test_bad_inputs():
    with pytest.raises(ValueError):
        agents_needed(10, 0)
    with pytest.raises(ValueError):
        agents_needed(10, 100, sl_target=0)
