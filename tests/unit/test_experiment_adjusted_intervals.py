"""Intervals that follow the corrected p-value (issue 15: one significance rule, intervals included).

`adjusted_intervals` is GrowthBook's getAdjustedCI: checked against GrowthBook's own test values, and on
the output of `analyze` that every row's adjusted interval excludes 0 exactly when the row is significant."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from models_ml.experiments import AnalysisConfig, adjusted_intervals, analyze, holm_bonferroni
from models_ml.experiments.simulation import simulate_sufficient_statistics


@pytest.mark.parametrize("p_adjusted,alpha", [(0.049999999, 0.05), (0.0099999999, 0.01)])
def test_growthbook_values(p_adjusted, alpha):
    """GrowthBook's test: lift 0.1, corrected p just under alpha -> the interval is [0, 0.2] to 8 places."""
    z = stats.norm.isf(alpha / 2)
    lower, upper = adjusted_intervals([0.1], [0.1 - 0.01 * z], [0.1 + 0.01 * z], [p_adjusted], alpha)
    np.testing.assert_allclose([lower[0], upper[0]], [0.0, 0.2], atol=1e-8)
    assert lower[0] > 0 and upper[0] < 0.2


def test_excludes_zero_exactly_when_corrected_p_is_below_alpha_and_never_narrows():
    rng = np.random.default_rng(5)
    estimate = rng.normal(0, 0.05, 400)
    se = rng.uniform(0.005, 0.05, 400)
    z = estimate / se
    p = 2 * stats.norm.sf(np.abs(z))
    p_adj = np.concatenate([holm_bonferroni(p[i:i + 8]) for i in range(0, 400, 8)])
    half = stats.norm.isf(0.025) * se
    lower, upper = adjusted_intervals(estimate, estimate - half, estimate + half, p_adj, 0.05)
    excludes_zero = (lower > 0) | (upper < 0)
    np.testing.assert_array_equal(excludes_zero, p_adj < 0.05)
    assert (lower <= estimate - half + 1e-15).all() and (upper >= estimate + half - 1e-15).all()
    assert np.isinf(lower[p_adj >= 1]).all() and np.isinf(upper[p_adj >= 1]).all()
    assert 0 < (p_adj >= 1).sum() < 400  # the unbounded case is exercised, and not everywhere
    # no correction (p_adj = p): the original interval is kept
    same_lower, same_upper = adjusted_intervals(estimate, estimate - half, estimate + half, p, 0.05)
    np.testing.assert_allclose(same_lower, estimate - half, rtol=1e-9)
    np.testing.assert_allclose(same_upper, estimate + half, rtol=1e-9)


def test_untested_rows_keep_their_interval():
    lower, upper = adjusted_intervals([0.0, 0.2], [0.0, 0.1], [0.0, 0.3], [np.nan, np.nan], 0.05)
    np.testing.assert_array_equal(lower, [0.0, 0.1])
    np.testing.assert_array_equal(upper, [0.0, 0.3])


@pytest.mark.parametrize("correction", ["holm", "bh", "none"])
@pytest.mark.parametrize("sequential", [False, True])
def test_every_analysed_row_agrees_with_its_significance(correction, sequential):
    """Six metrics x two variants per experiment, a third with a real effect: significance, good/bad news and
    the adjusted interval tell one story on every tested row (fixed-horizon and sequential)."""
    frame = simulate_sufficient_statistics(n_experiments=30, n_metrics=6, n_variants=3, share_null=0.66,
                                           users_range=(2e3, 3e4), random_state=11).drop(columns="true_lift")
    result = analyze(frame, AnalysisConfig(correction=correction, sequential=sequential))
    tested = result["error_message"].isna()
    assert tested.sum() > 300
    rows = result[tested]
    excludes_zero = (rows["relative_ci_lower_adjusted"] > 0) | (rows["relative_ci_upper_adjusted"] < 0)
    np.testing.assert_array_equal(excludes_zero.to_numpy(), rows["is_significant"].to_numpy())
    assert rows["is_significant"].any() and not rows["is_significant"].all()
    news = rows["is_good_news"] | rows["is_bad_news"]
    np.testing.assert_array_equal(news.to_numpy(), rows["is_significant"].to_numpy())
    assert (rows["relative_ci_lower_adjusted"] <= rows["relative_ci_lower"] + 1e-12).all()
    assert (rows["relative_ci_upper_adjusted"] >= rows["relative_ci_upper"] - 1e-12).all()
    if correction != "none":  # the old defect: a raw interval excluding 0 on a row the correction rejects
        raw_excludes = (rows["relative_ci_lower"] > 0) | (rows["relative_ci_upper"] < 0)
        assert (raw_excludes & ~rows["is_significant"]).any()
