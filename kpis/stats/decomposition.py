"""Mix / performance decomposition of the change of a rate or a mean between two periods.

Symmetric shift-share (Kitagawa 1955). With cell c's share of the units ``s = den_c ÷ Σ den``
and its value ``r = scale·num_c ÷ den_c`` in the previous (0) and current (1) period, the change
of the overall value ``Σ s₁r₁ − Σ s₀r₀`` is exactly

    mix         = Σ (s₁ − s₀)·(r₀ + r₁)/2     (the cells' weights moved)
    performance = Σ (r₁ − r₀)·(s₀ + s₁)/2     (the value moved within each cell)

(the interaction Σ (s₁ − s₀)(r₁ − r₀) is shared in halves). A cell with no unit in one period
takes the other period's value there, so its whole contribution is mix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def shift_share(num0, den0, num1, den1, scale: float = 1.0) -> pd.DataFrame:
    """Per cell: shares ``s0, s1``, values ``r0, r1``, and contributions ``mix``, ``performance``
    (their sums are the parts of the total change; ``mix + performance`` sums to it)."""
    num0, den0, num1, den1 = (np.asarray(x, float) for x in (num0, den0, num1, den1))
    s0 = den0 / den0.sum()
    s1 = den1 / den1.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        r0 = scale * num0 / den0
        r1 = scale * num1 / den1
    r0 = np.where(den0 > 0, r0, r1)
    r1 = np.where(den1 > 0, r1, r0)
    return pd.DataFrame(
        {
            "s0": s0,
            "s1": s1,
            "r0": r0,
            "r1": r1,
            "mix": (s1 - s0) * (r0 + r1) / 2,
            "performance": (r1 - r0) * (s0 + s1) / 2,
        }
    )


def parts(cells: pd.DataFrame) -> dict:
    """Total change (``Σ s₁r₁ − Σ s₀r₀``), mix and performance of a ``shift_share`` table."""
    total = float((cells["s1"] * cells["r1"]).sum() - (cells["s0"] * cells["r0"]).sum())
    return {
        "total": total,
        "mix": float(cells["mix"].sum()),
        "performance": float(cells["performance"].sum()),
    }
