"""One multiple-comparison module (kpis.stats.multiple): hand-worked values and statsmodels."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from kpis import stats


@pytest.mark.parametrize(
    "p, method, expected",
    [
        # Holm: sorted .01 .03 .04 → 3·.01 = .03, 2·.03 = .06, 1·.04 = .04 → running max
        ([0.01, 0.04, 0.03], "holm", [0.03, 0.06, 0.06]),
        # BH: .01·3/1 = .03, .03·3/2 = .045, .04·3/3 = .04 → running min from the top
        ([0.01, 0.04, 0.03], "bh", [0.03, 0.04, 0.04]),
        ([0.5, float("nan"), 0.01], "holm", [0.5, float("nan"), 0.02]),
        ([0.9, 0.8], "holm", [1.0, 1.0]),
        ([], "bh", []),
    ],
)
def test_adjust_pvalues_by_hand(p, method, expected):
    np.testing.assert_allclose(stats.adjust_pvalues(p, method), expected, equal_nan=True)


@pytest.mark.parametrize("method, sm", [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjust_pvalues_equals_statsmodels(method, sm):
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 0.2, size=40)
    np.testing.assert_allclose(stats.adjust_pvalues(p, method), multipletests(p, method=sm)[1])


def test_holm_is_the_one_correction_used_by_the_rules_and_the_comparison():
    import kpis.compare.comparison as comparison
    from kpis.rules import checks_handling, checks_resolution, checks_satisfaction, checks_telephony

    for checks in (checks_handling, checks_resolution, checks_satisfaction, checks_telephony):
        assert checks.holm is stats.holm, checks.__name__
    assert comparison.stats.adjust_pvalues is stats.adjust_pvalues


def test_unknown_correction_is_refused():
    with pytest.raises(ValueError, match="holm"):
        stats.adjust_pvalues([0.1], "bonferroni")
