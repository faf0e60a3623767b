"""Seeded simulations: coverage, false-positive rate, CUPED and sequential validity.

Every simulation draws user-level data for 2,000 replications at once and runs the tests on
arrays of sufficient statistics. Bands are +-3.5 binomial standard errors around the nominal
rate, so a correct method fails with probability ~5e-4 per check, and the seeds are fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.experiments import (
    FrequentistConfig,
    ProportionStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
    holdout_lift,
)

REPLICATIONS = 2000


def band(rate: float, replications: int = REPLICATIONS) -> tuple[float, float]:
    half = 3.5 * np.sqrt(rate * (1 - rate) / replications)
    return rate - half, rate + half


def mean_statistic(y: np.ndarray) -> SampleMeanStatistic:
    """Sufficient statistics of each replication (rows) over its users (last axis)."""
    return SampleMeanStatistic(n=y.shape[-1], sum=y.sum(-1), sum_squares=(y**2).sum(-1))


def simulate_arms(rng, lift: float, n: int = 400, rho: float = 0.0):
    """Skewed per-user outcomes Y (gamma, mean 10) and a pre-period covariate X with corr ~ rho."""
    shared = rng.gamma(2.0, 5.0, (2, REPLICATIONS, n))
    own = rng.gamma(2.0, 5.0, (2, REPLICATIONS, n))
    x = shared
    y = rho * shared + np.sqrt(1 - rho**2) * own + (1 - rho - np.sqrt(1 - rho**2)) * 10.0
    y[1] *= 1 + lift
    return x, y


@pytest.mark.parametrize("lift", [0.0, 0.05])
def test_relative_ci_covers_true_lift(lift):
    rng = np.random.default_rng(11)
    _, y = simulate_arms(rng, lift)
    result = TwoSidedTTest(mean_statistic(y[0]), mean_statistic(y[1])).compute_result()
    covered = (result.ci_lower <= lift) & (lift <= result.ci_upper)
    low, high = band(0.95)
    assert low <= covered.mean() <= high


def test_binomial_ci_covers_and_false_positive_rate_is_alpha():
    rng = np.random.default_rng(12)
    n = 5000
    control = ProportionStatistic(n=n, sum=rng.binomial(n, 0.04, REPLICATIONS))
    same = ProportionStatistic(n=n, sum=rng.binomial(n, 0.04, REPLICATIONS))
    better = ProportionStatistic(n=n, sum=rng.binomial(n, 0.044, REPLICATIONS))
    null = TwoSidedTTest(control, same).compute_result()
    low, high = band(0.05)
    assert low <= (null.p_value < 0.05).mean() <= high
    effect = TwoSidedTTest(control, better, FrequentistConfig(difference_type="absolute")).compute_result()
    covered = (effect.ci_lower <= 0.004) & (0.004 <= effect.ci_upper)
    low, high = band(0.95)
    assert low <= covered.mean() <= high


def test_cuped_narrows_ci_and_keeps_coverage():
    rng = np.random.default_rng(13)
    lift = 0.03
    x, y = simulate_arms(rng, lift, rho=0.7)
    plain = TwoSidedTTest(mean_statistic(y[0]), mean_statistic(y[1])).compute_result()

    def adjusted(arm: int) -> RegressionAdjustedStatistic:
        return RegressionAdjustedStatistic(
            n=y.shape[-1], post_statistic=mean_statistic(y[arm]), pre_statistic=mean_statistic(x[arm]),
            post_pre_sum_of_products=(x[arm] * y[arm]).sum(-1),
        )

    cuped = TwoSidedTTest(adjusted(0), adjusted(1)).compute_result()
    width_ratio = (cuped.ci_upper - cuped.ci_lower) / (plain.ci_upper - plain.ci_lower)
    # theory: sqrt(1 - rho^2) = 0.71
    assert 0.65 < np.median(width_ratio) < 0.78
    covered = (cuped.ci_lower <= lift) & (lift <= cuped.ci_upper)
    low, high = band(0.95)
    assert low <= covered.mean() <= high


def test_sequential_keeps_false_positive_rate_under_daily_peeking():
    """Ten looks at cumulative data under no effect: the fixed-horizon test, checked every day,
    rejects far more often than alpha; the confidence sequence stays at or below alpha."""
    rng = np.random.default_rng(14)
    looks, per_look = 10, 300
    y = rng.gamma(2.0, 5.0, (2, REPLICATIONS, looks, per_look))
    n = per_look * np.arange(1, looks + 1)
    sums, squares = np.cumsum(y.sum(-1), -1), np.cumsum((y**2).sum(-1), -1)
    a = SampleMeanStatistic(n=n, sum=sums[0], sum_squares=squares[0])
    b = SampleMeanStatistic(n=n, sum=sums[1], sum_squares=squares[1])
    fixed = TwoSidedTTest(a, b).compute_result()
    sequential = SequentialTwoSidedTTest(a, b, SequentialConfig(sequential_tuning_parameter=2000)).compute_result()
    fixed_ever = (fixed.p_value < 0.05).any(axis=1).mean()
    sequential_ever = (sequential.p_value < 0.05).any(axis=1).mean()
    assert fixed_ever > 0.12
    assert sequential_ever <= band(0.05)[1]
    # the interval and the p-value agree: 0 is outside the sequence exactly when p < alpha
    outside = (sequential.ci_lower > 0) | (sequential.ci_upper < 0)
    assert (outside == (sequential.p_value < 0.05)).mean() > 0.999


def test_holdout_incremental_conversions_ci_covers_truth():
    rng = np.random.default_rng(15)
    n_treatment, n_holdout, p_holdout, p_treatment = 40_000, 8_000, 0.025, 0.03
    arms = pd.DataFrame({
        "treatment_users": n_treatment,
        "treatment_conversions": rng.binomial(n_treatment, p_treatment, REPLICATIONS),
        "holdout_users": n_holdout,
        "holdout_conversions": rng.binomial(n_holdout, p_holdout, REPLICATIONS),
        "spend": 5_000.0,
    })
    for arm in ("treatment", "holdout"):
        arms[f"{arm}_value"] = arms[f"{arm}_conversions"] * 20.0
        arms[f"{arm}_value_sum_squares"] = arms[f"{arm}_conversions"] * 400.0
    result = holdout_lift(arms, alpha=0.10)
    truth = n_treatment * (p_treatment - p_holdout)
    covered = (result["incremental_conversions_ci_lower"] <= truth) & (truth <= result["incremental_conversions_ci_upper"])
    low, high = band(0.90)
    assert low <= covered.mean() <= high
    true_cpa = 5_000.0 / truth
    cpa_covered = (result["incremental_cpa_ci_lower"] <= true_cpa) & (true_cpa <= result["incremental_cpa_ci_upper"])
    assert (cpa_covered == covered).all()
