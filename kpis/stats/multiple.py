"""Multiple-comparison corrections, through statsmodels (``multipletests``).

- Holm step-down: family-wise error ≤ alpha over the segments tested.
- Benjamini–Hochberg: false discovery rate ≤ alpha.
NaN p-values are left out of the family and stay NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CORRECTIONS = ("holm", "bh")
_STATSMODELS_METHOD = {"holm": "holm", "bh": "fdr_bh"}


def adjust_pvalues(p: Sequence[float], method: str = "holm") -> np.ndarray:
    """Adjusted p-values by Holm (``"holm"``) or Benjamini–Hochberg (``"bh"``), capped at 1."""
    if method not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, not {method!r}")
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p, dtype="float64")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=_STATSMODELS_METHOD[method])[1]
    return out


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values (the rules' correction across segments)."""
    return adjust_pvalues(pvalues, "holm")
