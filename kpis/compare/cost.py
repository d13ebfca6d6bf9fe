"""Cost per contact standardised to the pooled mix, through handling time.

Costs come per provider and period, not per contact, so a cell-level cost is not observed. The
model: a provider's cost is proportional to its handling time (DMT), so its cost per contact on
the pooled mix is ``CPC_p × S_p / R_p`` — ``S_p`` its standardised DMT (``kpis.compare.cells``),
``R_p`` its raw DMT (all its cells). Costs are taken as exact; the interval is the delta method
on the factor ``F = S/R`` over the DMT cells: ``∂F/∂v_q = (∂S/∂v_q − F α_q)/R`` (``α``: the
provider's own share of its DMT units per cell), plus the weights' variance over R².
"""

from __future__ import annotations

import numpy as np

from kpis.compare.cells import Adjusted, CellStats, weight_variance

COST_KPI = "cost_per_contact"
DRIVER_KPI = "dmt"
COST_NOTE = "standardised through the DMT mix factor (cost ∝ handling time); costs taken as exact"


def cost_standardised(raw_cpc: np.ndarray, dmt: CellStats, adj: Adjusted):
    """Standardised cost per contact and its variance per provider (NaN where not possible)."""
    P = len(dmt.providers)
    std = np.full(P, np.nan)
    std_var = np.full(P, np.nan)
    W = adj.weights
    for i in range(P):
        n_i = dmt.n[i]
        if not adj.eligible[i] or n_i.sum() <= 0 or not raw_cpc[i] == raw_cpc[i]:
            continue
        alpha = n_i / n_i.sum()
        R = float(dmt.a[i].sum() / n_i.sum())
        vs = np.where(adj.support, adj.value[i], 0.0)
        S = float((W * vs).sum())
        if R <= 0:
            continue
        F = S / R
        direct = np.zeros(dmt.n.shape)
        direct[i] = -F * alpha / R
        var_f = adj.linear_var(adj.provider_coef(i) / R, direct.reshape(-1))
        wv = float(weight_variance(W, vs, adj.n_support))
        std[i] = raw_cpc[i] * F
        std_var[i] = raw_cpc[i] ** 2 * (var_f + wv / R**2)
    return std, std_var


def cost_unit_sd(pooled_cpc: float, dmt: CellStats) -> float:
    """Spread of the cost per contact at unit level: pooled CPC × the DMT's coefficient of
    variation (the cost model above)."""
    n, a = dmt.n.sum(), dmt.a.sum()
    if n <= 0 or a <= 0:
        return float("nan")
    return float(pooled_cpc * dmt.unit_sd() / (a / n))
