"""Erlang C: agents needed for a service-level target, from offered calls, handling time and the
interval length (no maintained Erlang library is installed; this is the textbook model, tested
against published values).

Model (M/M/N, no abandons, no retrials): traffic ``A = calls × aht / interval`` erlangs; with
``N > A`` agents, the probability that a call waits is Erlang C

    C(N, A) = N·B / (N − A·(1 − B)),  B = Erlang B(N, A) by the stable recursion
    B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1)),

the service level (answered within ``t`` s) is ``1 − C·exp(−(N − A)·t / aht)`` and the average
speed of answer is ``C·aht / (N − A)``. Abandons make real queues shorter than Erlang C says, so
the agents it asks for are an upper estimate.
"""

from __future__ import annotations

import math

import numpy as np


def traffic(calls: float, aht_s: float, interval_s: float = 1800.0) -> float:
    """Offered traffic in erlangs: calls per interval × handling time ÷ interval length."""
    if interval_s <= 0:
        raise ValueError("interval_s must be > 0")
    return max(float(calls), 0.0) * max(float(aht_s), 0.0) / float(interval_s)


def erlang_b(agents: int, a: float) -> float:
    """Blocking probability of Erlang B with ``agents`` servers and traffic ``a`` (erlangs)."""
    if agents < 0:
        raise ValueError("agents must be ≥ 0")
    b = 1.0
    for k in range(1, int(agents) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(agents: int, a: float) -> float:
    """Probability that a call waits (1 when ``agents ≤ a``: the queue grows without bound)."""
    if a <= 0:
        return 0.0
    if agents <= a:
        return 1.0
    b = erlang_b(agents, a)
    return agents * b / (agents - a * (1.0 - b))


def service_level(agents: int, a: float, aht_s: float, threshold_s: float) -> float:
    """Share of calls answered within ``threshold_s`` seconds (0 when ``agents ≤ a``)."""
    if a <= 0:
        return 1.0
    if agents <= a:
        return 0.0
    c = erlang_c(agents, a)
    return 1.0 - c * math.exp(-(agents - a) * float(threshold_s) / float(aht_s))


def asa(agents: int, a: float, aht_s: float) -> float:
    """Average speed of answer in seconds (inf when ``agents ≤ a``)."""
    if a <= 0:
        return 0.0
    if agents <= a:
        return math.inf
    return erlang_c(agents, a) * float(aht_s) / (agents - a)


def agents_needed(
    calls: float,
    aht_s: float,
    sl_target: float = 0.8,
    threshold_s: float = 20.0,
    interval_s: float = 1800.0,
    max_agents: int = 10_000,
) -> int:
    """Smallest number of agents whose Erlang C service level reaches ``sl_target`` (0–1).

    0 calls → 0 agents. ``sl_target`` may be given in percent (> 1 is divided by 100).
    """
    if sl_target > 1:
        sl_target = sl_target / 100.0
    if not 0 < sl_target < 1:
        raise ValueError("sl_target must be in (0, 1) or (0, 100) percent")
    if aht_s is None or not np.isfinite(aht_s) or aht_s <= 0:
        raise ValueError("aht_s must be a positive number of seconds")
    a = traffic(calls, aht_s, interval_s)
    if a <= 0:
        return 0
    n = max(1, math.floor(a) + 1)
    while n <= max_agents:
        if service_level(n, a, aht_s, threshold_s) >= sl_target:
            return n
        n += 1
    raise ValueError(f"more than {max_agents} agents needed: check the inputs")
