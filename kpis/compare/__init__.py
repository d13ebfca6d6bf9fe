"""Provider comparison: cells and mix standardisation (``cells``), raw and standardised values with
their tests (``comparison``), a weighted scorecard (``scorecard``) and the sentences
(``wording``)."""

from kpis.compare.cells import CELL_FIELDS, PROVIDER_FIELD, CellStats, cell_stats, standardise
from kpis.compare.comparison import (
    CORRECTIONS,
    DEFAULT_KPIS,
    PAIR_COLUMNS,
    TABLE_COLUMNS,
    Comparison,
    compare_providers,
)
from kpis.compare.errors import CompareError, NoProviderField, TooFewProviders
from kpis.compare.scorecard import NORM_LABELS, Scorecard, default_tolerance, scorecard, subscore
from kpis.compare.wording import comparison_findings

__all__ = [
    "CELL_FIELDS",
    "CORRECTIONS",
    "DEFAULT_KPIS",
    "NORM_LABELS",
    "PAIR_COLUMNS",
    "PROVIDER_FIELD",
    "TABLE_COLUMNS",
    "CellStats",
    "CompareError",
    "Comparison",
    "NoProviderField",
    "Scorecard",
    "TooFewProviders",
    "cell_stats",
    "compare_providers",
    "comparison_findings",
    "default_tolerance",
    "scorecard",
    "standardise",
    "subscore",
]
