"""Heavy modules loaded on first use, so that importing the engine, the CLI or a page does not
pay for scipy before a statistic is actually asked for.

The intervals, period comparisons and rules need only distribution functions: they come from
``scipy.special`` through ``kpis.stats.dist``; ``scipy.stats`` is loaded only by the exact tests
that need it (binomial test, contingency table, one-sample t test) and by statsmodels."""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """A stand-in for a module: the real one is imported at the first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._name!r} ({state})>"


scipy_stats = LazyModule("scipy.stats")
scipy_special = LazyModule("scipy.special")
