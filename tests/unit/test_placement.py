"""models_ml.placement: holdout returns, shrinkage, frequency response and the plan, against planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.placement import (
    FrequencyResponse,
    HierarchicalShrinkage,
    PlacementPlanner,
    backtest,
    gain_fraction,
    holdout_difference,
    marginal_ratio,
    saturation_from_ratio,
)
from models_ml.placement.synthetic import synthetic_cells, true_gain

KEYS = ["advertiser_id", "campaign_id", "segment_type", "segment"]


def test_holdout_difference_is_welch_and_refuses_degenerate_arms():
    d, se, reason = holdout_difference([100, 100, 10], [12, 12, 3], [14, 14, 3], [50, 50, 50], [3, 0, 3], [3, 0, 3])
    treated = np.r_[np.ones(10), np.ones(1) * 2, np.zeros(89)]  # 12 conversions, sum of squares 14
    holdout = np.r_[np.ones(3), np.zeros(47)]
    assert d[0] == pytest.approx(treated.mean() - holdout.mean())
    assert se[0] == pytest.approx(np.sqrt(treated.var(ddof=1) / 100 + holdout.var(ddof=1) / 50))
    assert list(reason) == [None, "zero_conversion_arm", "too_few_users"]
    assert np.isnan(d[1]) and np.isnan(se[1]) and np.isnan(se[2])


def test_shrinkage_intervals_cover_planted_segment_effects():
    rng = np.random.default_rng(3)
    covered, moved_more = [], []
    for _ in range(200):
        theta = 5 + 2 * rng.standard_normal(15)
        se = rng.uniform(0.5, 4, 15)
        estimate = theta + se * rng.standard_normal(15)
        hb = HierarchicalShrinkage().fit(estimate, se, np.zeros(15))
        covered += list(np.abs(hb.posterior_mean_ - theta) <= 1.6449 * hb.posterior_sd_)
        moved_more.append(np.corrcoef(se, hb.shrinkage_)[0, 1] > 0)
        draws = hb.sample(400, rng)
        assert np.abs(draws.mean(axis=0) - hb.posterior_mean_).max() < 0.5 * hb.posterior_sd_.max()
    assert 0.87 <= np.mean(covered) <= 0.94
    assert np.mean(moved_more) > 0.95  # the noisier a segment, the more it moves toward its campaign


def test_shrinkage_rejects_missing_standard_errors():
    with pytest.raises(ValueError, match="positive standard errors"):
        HierarchicalShrinkage().fit([1.0, 2.0], [0.5, 0.0], ["a", "a"])


def test_response_curve_helpers_agree():
    k = np.array([0.0, 0.3, 1.0, 4.0])
    assert saturation_from_ratio(marginal_ratio(k)) == pytest.approx(k, abs=1e-3)
    eps = 1e-6  # d gain / d change at 0 is the marginal/average ratio
    assert gain_fraction(k, eps) / eps == pytest.approx(marginal_ratio(k), rel=1e-4)
    assert gain_fraction(1.0, 0.2) < 0.2 * marginal_ratio(1.0)  # concave: a 20% move gains less than linear
    assert -gain_fraction(1.0, -0.2) > 0.2 * marginal_ratio(1.0)


def test_frequency_response_recovers_a_planted_curve_and_says_when_it_cannot():
    exposure = np.array([0.25, 0.5, 0.9, 1.5, 3.0])
    truth = 0.02 * -np.expm1(-exposure / 0.8)
    fit = FrequencyResponse().fit(exposure, truth, np.full(5, 0.0005), np.full(5, 1000))
    expected = np.sum(exposure / 0.8 * np.exp(-exposure / 0.8)) / np.sum(-np.expm1(-exposure / 0.8))
    assert fit.identified_ and fit.ratio_ == pytest.approx(expected, rel=1e-3)
    assert fit.ratio_ci_[0] < expected < fit.ratio_ci_[1]
    noisy = FrequencyResponse().fit(exposure, truth, np.full(5, 0.05), np.full(5, 1000))
    assert not noisy.identified_ and noisy.status_.startswith("not identified")
    draws = noisy.sample_ratio(1000, np.random.default_rng(0))
    assert draws.min() >= 0 and draws.max() <= 1
    assert not FrequencyResponse().fit(exposure[:2], truth[:2], [0.001] * 2, [10] * 2).identified_


def test_plan_is_budget_neutral_capped_and_gives_the_null_campaign_nothing():
    cells, _ = synthetic_cells(users=150_000, random_state=5)
    planner = PlacementPlanner(n_draws=1000, random_state=1).fit(cells)
    plan = planner.plan_
    assert plan.groupby(["advertiser_id", "segment_type"])["budget_change"].sum().abs().max() < 1e-6
    assert (plan["budget_change"].abs() <= 0.2 * plan["spend"] + 1e-9).all()
    null = plan[plan["advertiser_id"] == "adv_null"]
    assert (null["budget_change"] == 0).all() and (null["action"] == "not_enough_evidence").all()
    assert planner.summary_.set_index("advertiser_id").loc["adv_null", "status"].startswith("no plan")
    moved = plan[plan["budget_change"] != 0]
    assert len(moved) and set(moved["action"]) <= {"shift_toward", "shift_away"}
    assert (moved.loc[moved["budget_change"] > 0, "chance_above_average"] >= 0.9).all()
    assert (moved["expected_gain_ci_lower"] <= moved["expected_gain"]).all()


def test_interval_level_widens_the_ranges_but_moves_the_same_budget():
    """The site's interval level (var interval_level) sets the reported ranges; the decision rule (confidence)
    alone decides what moves, so a 95% site does not change the plan that was validated at 90%."""
    cells, _ = synthetic_cells(users=150_000, periods=("first_half", "second_half"), random_state=5)
    cells_full = cells[cells["period"] == "first_half"]
    at_90 = PlacementPlanner(n_draws=1000, random_state=1).fit(cells_full)
    at_95 = PlacementPlanner(n_draws=1000, random_state=1, interval_level=0.95).fit(cells_full)
    pd.testing.assert_series_equal(at_90.plan_["budget_change"], at_95.plan_["budget_change"])
    assert (at_90.plan_["action"] == at_95.plan_["action"]).all()
    moved = at_95.plan_["budget_change"] != 0
    assert moved.any()
    assert (at_95.plan_.loc[moved, "expected_gain_ci_lower"] < at_90.plan_.loc[moved, "expected_gain_ci_lower"]).all()
    assert (at_95.plan_.loc[moved, "expected_gain_ci_upper"] > at_90.plan_.loc[moved, "expected_gain_ci_upper"]).all()
    planned = at_95.summary_["budget_moved"] > 0
    assert (at_95.summary_.loc[planned, "expected_gain_ci_lower"]
            < at_90.summary_.loc[planned, "expected_gain_ci_lower"]).all()
    at_95_backtest = backtest(cells, n_draws=1000, interval_level=0.95)
    at_90_backtest = backtest(cells, n_draws=1000)
    has = at_95_backtest["predicted_gain"].notna()
    assert (at_95_backtest.loc[has, "predicted_gain_ci_lower"] <= at_90_backtest.loc[has, "predicted_gain_ci_lower"]).all()
    with pytest.raises(ValueError, match="interval_level"):
        PlacementPlanner(interval_level=95).fit(cells_full)


def test_a_segment_whose_arm_has_no_conversion_is_insufficient_data():
    cells, _ = synthetic_cells(n_campaigns=2, users=40_000, random_state=2)
    row = (cells["campaign_id"] == "cmp_0") & (cells["segment"] == "seg 00")
    cells.loc[row, ["holdout_conversions", "holdout_conversions_sum_squares"]] = 0
    plan = PlacementPlanner(n_draws=500).fit(cells).plan_.set_index(["campaign_id", "segment"])
    assert plan.loc[("cmp_0", "seg 00"), "action"] == "insufficient_data"
    assert plan.loc[("cmp_0", "seg 00"), "reason"] == "zero_conversion_arm"
    assert pd.isna(plan.loc[("cmp_0", "seg 00"), "return_rank"])


def test_planner_rejects_bad_input():
    cells, _ = synthetic_cells(n_campaigns=2, users=5_000)
    with pytest.raises(ValueError, match="lack columns"):
        PlacementPlanner().fit(cells.drop(columns=["spend"]))
    with pytest.raises(ValueError, match="confidence"):
        PlacementPlanner(confidence=1.5).fit(cells)


@pytest.mark.slow
def test_plan_against_planted_truth_over_seeds():
    """Synthetic seeds 100-111 (the method was developed on 0-39): direction, interval coverage at the site's
    95% level (var interval_level; measured 99 of 103 segment and 20 of 20 plan intervals cover), null."""
    right, covered, plans_covered, null_shifts = [], [], [], 0
    for seed in range(100, 112):
        cells, truth = synthetic_cells(users=100_000, random_state=seed)
        planner = PlacementPlanner(n_draws=2000, random_state=seed, interval_level=0.95).fit(cells)
        rows = planner.plan_.merge(truth.drop(columns=["spend", "period"]), on=KEYS)
        null_shifts += int(((rows["advertiser_id"] == "adv_null") & (rows["budget_change"] != 0)).sum())
        for advertiser, part in rows.groupby("advertiser_id"):
            universe = part[part["return_rank"].notna() & part["campaign_has_effect"]]
            moved = part[part["budget_change"] != 0]
            if moved.empty:
                continue
            reference = np.average(universe["true_marginal_return_per_1000"], weights=universe["spend"])
            right += list(np.sign(moved["budget_change"]) == np.sign(moved["true_marginal_return_per_1000"] - reference))
            gains = [true_gain(r.response_cells, r.budget_change / r.spend) for r in moved.itertuples()]
            covered += list((moved["expected_gain_ci_lower"] <= gains) & (gains <= moved["expected_gain_ci_upper"]))
            summary = planner.summary_.set_index("advertiser_id").loc[advertiser]
            plans_covered.append(summary["expected_gain_ci_lower"] <= sum(gains) <= summary["expected_gain_ci_upper"])
    assert null_shifts == 0
    assert len(right) >= 20 and np.mean(right) >= 0.85, (np.mean(right), len(right))
    assert 0.88 <= np.mean(covered) <= 0.995, np.mean(covered)
    assert np.mean(plans_covered) >= 0.85, plans_covered


def test_backtest_replays_the_first_period_plan_on_the_second():
    cells, _ = synthetic_cells(users=150_000, periods=("first_half", "second_half"), random_state=8)
    result = backtest(cells, n_draws=1000)
    assert set(result["advertiser_id"]) == {"adv_a", "adv_b", "adv_null"}
    null = result.set_index("advertiser_id").loc["adv_null"]
    assert null["segments_moved"] == 0 and pd.isna(null["predicted_gain"])
    planned = result[result["segments_moved"] > 0]
    assert len(planned)
    assert (planned["realised_gain_ci_lower"] <= planned["realised_gain_ci_upper"]).all()
    with pytest.raises(ValueError, match="period"):
        backtest(cells.drop(columns=["period"]))
