"""The KPI declarations, grouped as in KPI_REFERENCE.md, collected in ``REGISTRY``."""

from __future__ import annotations

from kpis.definitions import (
    business,
    people,
    quality,
    resolution,
    telephony,
    voice_of_customer,
)
from kpis.registry import Registry

MODULES = (voice_of_customer, quality, resolution, telephony, people, business)


def build_registry() -> Registry:
    """A fresh registry of every declared KPI (duplicate ids raise DuplicateKPI)."""
    return Registry(k for m in MODULES for k in m.KPIS)


REGISTRY = build_registry()
