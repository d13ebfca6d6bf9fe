"""KPI declarations (one small self-describing object per KPI) and the registry that holds them.

A ``KPI`` says what it is (names, definition, formula, unit, direction, target), what it needs
(table and fields), which parameters it takes, how it aggregates and its population
(``kpis.populations``). Its ``compute`` callable
(see ``kpis.engine``) is kept apart from the text so the glossary can be built from the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kpis.populations import POPULATIONS, population_label

UNITS = ("%", "points", "s", "score", "count", "per_agent", "per_agent_day", "currency")
DIRECTIONS = ("higher", "lower", "neutral")
AGGREGATIONS = ("ratio", "mean", "nps", "count", "custom")
GROUPS = ("voice_of_customer", "quality", "resolution", "telephony", "people", "business")


@dataclass(frozen=True)
class Param:
    """A KPI parameter: its default and a one-line description (English, then French)."""

    default: Any
    description_en: str
    description_fr: str = ""

    def description(self, lang: str = "en") -> str:
        return self.description_fr if lang == "fr" and self.description_fr else self.description_en


@dataclass(frozen=True)
class KPI:
    """One KPI. ``needs`` maps a table to the fields required; ``params`` maps name → Param."""

    id: str
    name_fr: str
    name_en: str
    group: str
    definition_fr: str
    definition_en: str
    formula: str
    unit: str
    direction: str
    default_target: float
    needs: Mapping[str, tuple[str, ...]]
    params: Mapping[str, Param] = field(default_factory=dict)
    aggregation: str = "ratio"
    variant_of: str | None = None
    target_note: str = ""
    target_source: str = "none"
    target_scale: tuple[float, float] | None = None
    population: str = ""  # id in kpis.populations.POPULATIONS: what the KPI counts over
    compute: Callable | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"KPI {self.id!r}: unit {self.unit!r} not in {UNITS}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"KPI {self.id!r}: direction {self.direction!r} not in {DIRECTIONS}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(
                f"KPI {self.id!r}: aggregation {self.aggregation!r} not in {AGGREGATIONS}"
            )
        if self.population and self.population not in POPULATIONS:
            raise ValueError(f"KPI {self.id!r}: population {self.population!r} is not declared")
        if self.group not in GROUPS:
            raise ValueError(f"KPI {self.id!r}: group {self.group!r} not in {GROUPS}")

    def name(self, lang: str = "fr") -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def definition(self, lang: str = "fr") -> str:
        return self.definition_fr if lang == "fr" else self.definition_en

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}

    def record(self, lang: str = "fr") -> dict:
        """JSON-able description (for ``pilote kpis`` and the glossary page)."""
        return {
            "id": self.id,
            "name": self.name(lang),
            "name_fr": self.name_fr,
            "name_en": self.name_en,
            "group": self.group,
            "definition": self.definition(lang),
            "formula": self.formula,
            "unit": self.unit,
            "direction": self.direction,
            "target": self.default_target,
            "target_note": self.target_note,
            "target_source": self.target_source,
            "needs": {t: list(f) for t, f in self.needs.items()},
            "params": {
                k: {"default": p.default, "description": p.description(lang)}
                for k, p in self.params.items()
            },
            "aggregation": self.aggregation,
            "variant_of": self.variant_of,
            "population": self.population,
            "population_label": population_label(self.population, lang),
        }


class UnknownKPI(KeyError, ValueError):
    """An id that the registry does not hold; the message lists the valid ids."""

    def __init__(self, kpi_id: str, valid: Iterable[str]) -> None:
        self.kpi_id = kpi_id
        self.valid = sorted(valid)
        super().__init__(f"unknown KPI {kpi_id!r}; valid ids: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]


class DuplicateKPI(ValueError):
    """Two declarations share one id."""


class Registry:
    """Ordered collection of KPIs, looked up by id."""

    def __init__(self, kpis: Iterable[KPI] = ()) -> None:
        self._kpis: dict[str, KPI] = {}
        for k in kpis:
            self.add(k)

    def add(self, kpi: KPI) -> KPI:
        if kpi.id in self._kpis:
            raise DuplicateKPI(f"duplicate KPI id {kpi.id!r}: it is already declared")
        if kpi.variant_of is not None and kpi.variant_of == kpi.id:
            raise ValueError(f"KPI {kpi.id!r} cannot be a variant of itself")
        self._kpis[kpi.id] = kpi
        return kpi

    def get(self, kpi_id: str) -> KPI:
        try:
            return self._kpis[kpi_id]
        except KeyError:
            raise UnknownKPI(kpi_id, self._kpis) from None

    def __getitem__(self, kpi_id: str) -> KPI:
        return self.get(kpi_id)

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self._kpis

    def __iter__(self) -> Iterator[KPI]:
        return iter(self._kpis.values())

    def __len__(self) -> int:
        return len(self._kpis)

    @property
    def ids(self) -> list[str]:
        return list(self._kpis)

    def by_group(self, group: str) -> list[KPI]:
        return [k for k in self._kpis.values() if k.group == group]

    def param_names(self) -> set[str]:
        return {name for k in self._kpis.values() for name in k.params}
