"""Statistics for Pilote: intervals (``intervals``), tests (``tests``) and multiple-comparison
corrections (``multiple``). Library code (scipy, statsmodels) wherever it does the job."""

from kpis.stats.durations import grouped_intervals, hall_interval, mean_interval, median_interval
from kpis.stats.intervals import (
    EMPTY_DENOMINATOR,
    Z95,
    Division,
    cluster_ratio_interval,
    cluster_ratio_var,
    low_sample,
    nps_interval,
    nps_wald_interval,
    safe_divide,
    t_interval,
    wilson_interval,
)
from kpis.stats.multiple import CORRECTIONS, adjust_pvalues, holm
from kpis.stats.tests import (
    chi2_heterogeneity,
    mean_ci,
    p_two_sided,
    paired_gap,
    partial_corr,
    score_test,
    two_proportions,
    wilson,
    wls_slope,
)

__all__ = [
    "CORRECTIONS",
    "EMPTY_DENOMINATOR",
    "Z95",
    "Division",
    "adjust_pvalues",
    "chi2_heterogeneity",
    "cluster_ratio_interval",
    "cluster_ratio_var",
    "grouped_intervals",
    "hall_interval",
    "mean_interval",
    "median_interval",
    "nps_wald_interval",
    "holm",
    "low_sample",
    "mean_ci",
    "nps_interval",
    "p_two_sided",
    "paired_gap",
    "partial_corr",
    "safe_divide",
    "score_test",
    "t_interval",
    "two_proportions",
    "wilson",
    "wilson_interval",
    "wls_slope",
]
