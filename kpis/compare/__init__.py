"""Provider comparison: cells, common support, shrinkage and mix standardisation (``cells``, cost
per contact in ``cost``), raw and standardised values with their tests (``comparison``), a
weighted scorecard (``scorecard``), the sentences (``wording``) and the one default KPI set,
weights and strata (``defaults``) for the page, the CLI and the deliverables."""

from kpis.compare.cells import (
    PROVIDER_FIELD,
    STRATA,
    Adjusted,
    CellStats,
    adjust,
    cell_stats,
    default_strata,
)
from kpis.compare.comparison import (
    CORRECTIONS,
    PAIR_COLUMNS,
    TABLE_COLUMNS,
    Comparison,
    compare_providers,
)
from kpis.compare.defaults import DEFAULT_KPIS, default_kpis, default_weights
from kpis.compare.errors import CompareError, NoProviderField, TooFewProviders
from kpis.compare.scorecard import NORM_LABELS, Scorecard, effect, scorecard
from kpis.compare.wording import comparison_findings

__all__ = [
    "CORRECTIONS",
    "DEFAULT_KPIS",
    "NORM_LABELS",
    "PAIR_COLUMNS",
    "PROVIDER_FIELD",
    "STRATA",
    "TABLE_COLUMNS",
    "Adjusted",
    "CellStats",
    "CompareError",
    "Comparison",
    "NoProviderField",
    "Scorecard",
    "TooFewProviders",
    "adjust",
    "cell_stats",
    "compare_providers",
    "comparison_findings",
    "default_kpis",
    "default_strata",
    "default_weights",
    "effect",
    "scorecard",
]
