"""Targets on the data's scale, with their source.

A KPI declares a ``default_target`` (kept for display) and a ``target_source`` (a norm, a seed
article, or ``"none"``). A target is *judged against* — by a rule or a card — only when it has a
source: the declaration's, or the user's (a value set in the settings, or a source given in
``target_sources``). A sourceless default is a placeholder: "pas de cible".

Score means (``csat_mean``, ``ces``) declare their default on a scale (``target_scale``, 1–5);
the value is moved to the survey's detected scale by the linear map
``lo' + (x − lo) × (hi' − lo') ÷ (hi − lo)`` (4 on 1–5 → 7.75 on 1–10, 7.5 on 0–10). A target
the user sets is read on the data's scale as given.

The interface passes the default targets back with the user's (one merged dict): a value equal
to the declared default therefore counts as the default, with the default's source, unless
``target_sources`` names a source for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpis.definitions import REGISTRY

NO_SOURCE = "none"
CSAT_BOUNDS = {
    "0-1": (0.0, 1.0),
    "1-3": (1.0, 3.0),
    "1-4": (1.0, 4.0),
    "1-5": (1.0, 5.0),
    "0-10": (0.0, 10.0),
    "1-10": (1.0, 10.0),
}


@dataclass(frozen=True)
class Target:
    """A KPI's target: ``value`` on the data's scale, its ``source`` ("none" when it has none)
    and the data's ``scale`` (score means only)."""

    kpi: str
    value: float | None
    source: str
    scale: tuple[float, float] | None = None

    @property
    def judged(self) -> bool:
        """True when rules and cards may judge a value against this target."""
        return self.source != NO_SOURCE and self.value is not None and math.isfinite(self.value)


def _scores(tables: Mapping | None, field: str, tables_order=("surveys", "contacts")):
    for name in tables_order:
        df = (tables or {}).get(name)
        if isinstance(df, pd.DataFrame) and field in df.columns:
            return pd.to_numeric(df[field], errors="coerce").to_numpy(float)
    return None


def score_scale(
    kpi_id: str, tables: Mapping | None, params: Mapping | None = None
) -> tuple[float, float] | None:
    """The (low, high) bounds of the survey scale a score KPI reads, detected as the engine
    detects it (``csat_scale``; CES 1–5 or 1–7); None for other KPIs or without scores."""
    from kpis.definitions.voice_of_customer import csat_scale

    params = params or {}
    if kpi_id in ("csat", "csat_mean"):
        x = _scores(tables, "csat_score")
        if x is None or not np.isfinite(x).any():
            return None
        name = csat_scale(x, str(params.get("csat_scale", "auto")))
        lo, hi = CSAT_BOUNDS[name]
        if name == "0-10" and params.get("csat_scale", "auto") == "auto" and np.nanmin(x) >= 1:
            lo = 1.0  # no zero seen: a 1–10 survey
        return lo, hi
    if kpi_id in ("ces", "ces_low_effort"):
        x = _scores(tables, "ces_score", ("surveys",))
        if x is None or not np.isfinite(x).any():
            return None
        scale = params.get("ces_scale", "auto")
        if scale in ("auto", None, ""):
            scale = 5 if np.nanmax(x) <= 5 else 7
        return 1.0, float(scale)
    return None


def rescale(x: float, frm: tuple[float, float], to: tuple[float, float]) -> float:
    """``x`` on the scale ``frm`` moved linearly to the scale ``to``."""
    return to[0] + (x - frm[0]) * (to[1] - to[0]) / (frm[1] - frm[0])


def target_of(
    kpi_id: str,
    targets: Mapping | None = None,
    tables: Mapping | None = None,
    params: Mapping | None = None,
    sources: Mapping | None = None,
) -> Target:
    """The target of ``kpi_id`` on the data's scale with its source: the user's value
    (``targets``, source "user" or ``sources[kpi_id]``) when it differs from the declared
    default or has a stated source, else the declared default (rescaled for score means) with
    the declaration's ``target_source``."""
    kpi = REGISTRY.get(kpi_id)
    default = float(kpi.default_target)
    given = (targets or {}).get(kpi_id)
    stated = (sources or {}).get(kpi_id)
    scale = score_scale(kpi_id, tables, params) if kpi.target_scale else None
    if given is not None and not (isinstance(given, float) and math.isnan(given)):
        value = float(given)
        if stated or not math.isclose(value, default, rel_tol=0, abs_tol=1e-9):
            return Target(kpi_id, value, str(stated or "user"), scale)
    value = default
    if kpi.target_scale and scale and tuple(scale) != tuple(kpi.target_scale):
        value = rescale(default, kpi.target_scale, scale)
    return Target(kpi_id, value, str(stated or kpi.target_source or NO_SOURCE), scale)


def target_info(settings: Mapping, kpi_id: str, tables: Mapping | None = None, params=None):
    """``target_of`` with the settings' ``targets`` and ``target_sources`` (rules and views)."""
    return target_of(
        kpi_id, settings.get("targets"), tables, params, settings.get("target_sources")
    )


def verdict(value, target: Target, direction: str) -> str:
    """How a value reads against its target: "on_target", "off_target", "no_target" (the
    target has no source: nothing is judged), or "" (value missing, or a neutral KPI)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if direction == "neutral":
        return ""
    if not target.judged:
        return "no_target"
    good = value >= target.value if direction == "higher" else value <= target.value
    return "on_target" if good else "off_target"
