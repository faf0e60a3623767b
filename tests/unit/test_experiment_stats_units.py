"""models_ml.experiments: hand-computed examples, degenerate input, analyze's contract, holdout lift."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models_ml.experiments import (
    HOLDOUT_OUTPUT_COLUMNS,
    OUTPUT_COLUMNS,
    AnalysisConfig,
    EffectBayesianABTest,
    FrequentistConfig,
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedRatioStatistic,
    SampleMeanStatistic,
    TwoSidedTTest,
    adjust_p_values,
    analyze,
    benjamini_hochberg,
    check_srm,
    holdout_lift,
    holm_bonferroni,
    minimum_detectable_effect,
    power,
    sample_size_per_variant,
)
from models_ml.experiments.abtest import frequentist_variance
from models_ml.experiments.analysis import MISSING_CONTROL_MESSAGE
from models_ml.experiments.power import effect_standard_error
from models_ml.experiments.simulation import simulate_sufficient_statistics

# --- value objects ---------------------------------------------------------------------------


def test_sample_mean_statistic_matches_numpy_on_raw_data():
    rng = np.random.default_rng(1)
    y = rng.gamma(2.0, 3.0, 500)
    stat = SampleMeanStatistic(n=y.size, sum=y.sum(), sum_squares=(y**2).sum())
    assert float(stat.mean) == pytest.approx(y.mean(), rel=1e-12)
    assert float(stat.variance) == pytest.approx(y.var(ddof=1), rel=1e-9)


def test_ratio_statistic_variance_is_delta_method_on_raw_data():
    rng = np.random.default_rng(2)
    d = rng.poisson(5, 2000) + 1.0
    m = d * rng.uniform(0.5, 1.5, d.size)
    stat = RatioStatistic(
        n=d.size,
        m_statistic=SampleMeanStatistic(n=d.size, sum=m.sum(), sum_squares=(m**2).sum()),
        d_statistic=SampleMeanStatistic(n=d.size, sum=d.sum(), sum_squares=(d**2).sum()),
        m_d_sum_of_products=(m * d).sum(),
    )
    ratio = m.sum() / d.sum()
    linearised = (m - ratio * d) / d.mean()  # influence function of the ratio
    assert float(stat.mean) == pytest.approx(ratio)
    assert float(stat.variance) == pytest.approx(linearised.var(ddof=1), rel=1e-9)


def test_regression_adjusted_ratio_matches_raw_data_linearisation():
    rng = np.random.default_rng(3)
    arms = []
    for lift in (0.0, 0.05):
        x = rng.gamma(2.0, 2.0, 3000)  # pre-period ratio driver per user
        d = rng.poisson(3 + x) + 1.0
        m = d * (0.2 + 0.05 * x) * (1 + lift) * rng.uniform(0.8, 1.2, d.size)
        arms.append((m, d, x))

    def statistic(m, d, x):
        n = d.size
        mean = lambda v: SampleMeanStatistic(n=n, sum=v.sum(), sum_squares=(v**2).sum())  # noqa: E731
        return RegressionAdjustedRatioStatistic(
            n=n,
            ratio_statistic=RatioStatistic(n=n, m_statistic=mean(m), d_statistic=mean(d),
                                           m_d_sum_of_products=(m * d).sum()),
            pre_statistic=mean(x), m_pre_sum_of_products=(m * x).sum(), d_pre_sum_of_products=(d * x).sum(),
        )

    test = TwoSidedTTest(statistic(*arms[0]), statistic(*arms[1]), FrequentistConfig(difference_type="absolute"))
    # theta from the pooled raw data: cov(u, X) / var(X) with u the pooled linearised ratio
    m, d, x = (np.concatenate(v) for v in zip(*arms, strict=True))
    u = (m - m.sum() / d.sum() * d) / d.mean()
    theta = np.cov(u, x)[0, 1] / x.var(ddof=1)
    assert float(test.theta) == pytest.approx(theta, rel=1e-9)
    for (m, d, x), stat in zip(arms, (test.stat_a, test.stat_b), strict=True):
        ratio = m.sum() / d.sum()
        adjusted = (m - ratio * d) / d.mean() - theta * x
        assert float(stat.mean) == pytest.approx(ratio - theta * x.mean(), rel=1e-12)
        assert float(stat.variance) == pytest.approx(adjusted.var(ddof=1), rel=1e-9)
    unadjusted = TwoSidedTTest(test.stat_a.ratio_statistic, test.stat_b.ratio_statistic,
                               FrequentistConfig(difference_type="absolute"))
    assert float(test.variance) < 0.8 * float(unadjusted.variance)


# --- degenerate input: a message, never an exception -----------------------------------------


@pytest.mark.parametrize(
    "stat_a,stat_b,message",
    [
        (SampleMeanStatistic(0, 0.0, 0.0), SampleMeanStatistic(10, 5.0, 4.0), "ZERO_NEGATIVE_BASELINE_VARIATION"),
        (SampleMeanStatistic(10, 5.0, 4.0), SampleMeanStatistic(0, 0.0, 0.0), "ZERO_NEGATIVE_VARIANCE"),
        (ProportionStatistic(100, 0), ProportionStatistic(100, 3), "ZERO_NEGATIVE_BASELINE_VARIATION"),
        (ProportionStatistic(100, 10), ProportionStatistic(100, 100), "ZERO_NEGATIVE_VARIANCE"),
        (SampleMeanStatistic(10, 20.0, 40.0), SampleMeanStatistic(10, 25.0, 90.0), "ZERO_NEGATIVE_VARIANCE"),
    ],
)
def test_degenerate_input_returns_message_and_uninformative_result(stat_a, stat_b, message):
    with np.errstate(all="raise"):  # no floating-point warning escapes either
        frequentist = TwoSidedTTest(stat_a, stat_b).compute_result()
        bayesian = EffectBayesianABTest(stat_a, stat_b).compute_result()
    assert frequentist.error_message == message
    assert (frequentist.expected, frequentist.ci, frequentist.p_value) == (0.0, (0.0, 0.0), 1.0)
    assert bayesian.error_message is not None
    assert (bayesian.chance_to_win, bayesian.risk) == (0.5, (0.0, 0.0))


def test_vectorised_test_equals_scalar_tests():
    rng = np.random.default_rng(4)
    n = rng.integers(0, 500, (2, 50))
    sums = rng.uniform(0, 5, (2, 50)) * n
    squares = sums**2 / np.maximum(n, 1) + rng.uniform(0, 10, (2, 50)) * n
    batch = TwoSidedTTest(SampleMeanStatistic(n[0], sums[0], squares[0]),
                          SampleMeanStatistic(n[1], sums[1], squares[1])).compute_result()
    for i in range(50):
        one = TwoSidedTTest(SampleMeanStatistic(int(n[0, i]), sums[0, i], squares[0, i]),
                            SampleMeanStatistic(int(n[1, i]), sums[1, i], squares[1, i])).compute_result()
        assert one.error_message == batch.error_message[i]
        assert one.expected == pytest.approx(batch.expected[i], rel=1e-12)
        assert one.p_value == pytest.approx(batch.p_value[i], rel=1e-12)


# --- corrections, SRM, power: hand-computed / textbook values -------------------------------


def test_holm_and_bh_hand_computed():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # Holm: sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 -> 0.02, 0.03, 0.06, max(0.04, 0.06)
    np.testing.assert_allclose(holm_bonferroni(p), [0.03, 0.06, 0.06, 0.02])
    # BH: sorted 0.005*4/1, 0.01*4/2, 0.03*4/3, 0.04*4/4 -> running min from the top
    np.testing.assert_allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])


def test_benjamini_hochberg_1995_example():
    """The 15 p-values of Benjamini & Hochberg (1995), section 4: BH rejects 4, Holm 3 at 0.05."""
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
                  0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000])
    assert (benjamini_hochberg(p) <= 0.05).sum() == 4
    assert (holm_bonferroni(p) <= 0.05).sum() == 3


@pytest.mark.parametrize("method", ["holm", "bh"])
@pytest.mark.parametrize("m", [3, 6, 274])
def test_adjusted_p_values_are_never_below_the_raw_ones(method, m):
    """Tied p-values: p * m / m is one ulp under p in floating point for these m (the default demo's audience
    posting mart had 274 rows of one p-value, and its q_value >= p_value test failed)."""
    p = np.full(m, 0.9626504115108927)
    assert (adjust_p_values(p, method) >= p).all()
    mixed = np.concatenate([[0.001, 0.02], p])
    assert (adjust_p_values(mixed, method) >= mixed).all()


def test_corrections_are_per_family_and_skip_nan():
    p = np.array([0.01, 0.02, np.nan, 0.01, 0.5])
    groups = np.array([0, 0, 0, 1, 1])
    adjusted = adjust_p_values(p, "holm", groups)
    np.testing.assert_allclose(adjusted, [0.02, 0.02, np.nan, 0.02, 0.5])
    np.testing.assert_allclose(adjust_p_values(p, "none", groups), p)


def test_srm_hand_computed():
    # 1000 vs 1100 on 50/50: expected 1050 each, chi2 = 2 * 50^2 / 1050 on 1 df
    chi2 = 2 * 50**2 / 1050
    assert check_srm([1000, 1100], [0.5, 0.5]) == pytest.approx(math.erfc(math.sqrt(chi2 / 2)), rel=1e-12)
    assert check_srm([0, 0, 0], [1, 1, 1]) == 1.0
    # 10/45/45 split configured: a matching split is fine, a 1/3 split is flagged
    assert check_srm([1000, 4500, 4500], [0.1, 0.45, 0.45]) == pytest.approx(1.0)
    assert check_srm([3333, 3333, 3334], [0.1, 0.45, 0.45]) < 1e-12


def test_sample_size_matches_textbook_formula():
    # n = 2 (z_0.975 + z_0.8)^2 sigma^2 / delta^2 = 1569.8 for delta = 0.1 sigma
    assert sample_size_per_variant(0.1, 5.0, 1.0, relative=False) == 1570
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert float(minimum_detectable_effect(5.0, 1.0, 1570, relative=False)) == pytest.approx(z * math.sqrt(2 / 1570))
    assert float(power(0.1, 5.0, 1.0, 1570, relative=False)) == pytest.approx(0.8, abs=1e-3)


@pytest.mark.parametrize("baseline,variance,n", [(0.05, 0.05 * 0.95, 20000), (10.0, 400.0, 5000), (2.0, 1.0, 300)])
def test_relative_power_mde_and_sample_size_are_consistent(baseline, variance, n):
    mde = float(minimum_detectable_effect(baseline, variance, n))
    # the MDE has the requested power (far tail negligible) ...
    assert float(power(mde, baseline, variance, n)) == pytest.approx(0.8, abs=1e-4)
    # ... and needs n users per arm
    assert sample_size_per_variant(mde, baseline, variance) == pytest.approx(n, abs=1)
    # the standard error is the test's own delta-method variance with equal per-arm variance
    se = frequentist_variance(variance, baseline, n, variance, baseline * (1 + mde), n, relative=True) ** 0.5
    assert float(effect_standard_error(mde, baseline, variance, n)) == pytest.approx(float(se))


# --- analyze: contract, grain, dimensions and days ------------------------------------------


def small_frame() -> pd.DataFrame:
    """2 experiments x 3 variants x 2 metrics x 2 dimension values x 2 days, from the simulator."""
    base = simulate_sufficient_statistics(n_experiments=2, n_metrics=2, n_variants=3, random_state=5)
    frames = []
    for dimension_value in ("ios", "android"):
        for day in (1, 2):
            frame = base.copy()
            frame["dimension_name"], frame["dimension_value"], frame["day_index"] = "device", dimension_value, day
            frame["n_users"] = frame["n_users"] * day
            for column in ("main_sum", "main_sum_squares", "covariate_sum", "covariate_sum_squares",
                           "main_covariate_sum_product"):
                frame[column] = frame[column] * day
            frames.append(frame)
    return pd.concat(frames, ignore_index=True).drop(columns="true_lift")


def test_analyze_grain_and_columns():
    frame = small_frame()
    result = analyze(frame)
    assert list(result.columns) == OUTPUT_COLUMNS
    assert len(result) == 2 * 2 * 2 * 2 * 2  # experiments x non-control variants x metrics x dims x days
    keys = ["experiment_id", "variant_id", "metric_id", "dimension_value", "day_index"]
    assert not result.duplicated(keys).any()
    assert set(result["control_variant_id"]) == {"v0"}
    assert result["error_message"].isna().all()
    assert ((result["relative_ci_lower"] <= result["relative_lift"])
            & (result["relative_lift"] <= result["relative_ci_upper"])).all()
    assert result["chance_to_win"].between(0, 1).all()
    # SRM is one value per experiment x dimension value x day
    assert (result.groupby(["experiment_id", "dimension_value", "day_index"])["srm_p_value"].nunique() == 1).all()


def test_analyze_adjusts_p_values_within_each_slice():
    result = analyze(small_frame(), AnalysisConfig(correction="bh", segment_correction="slice"))
    for _, family in result.groupby(["experiment_id", "dimension_value", "day_index"]):
        np.testing.assert_allclose(family["p_value_adjusted"], benjamini_hochberg(family["p_value"].to_numpy()))
    assert (result["p_value_adjusted"] >= result["p_value"]).all()


def test_analyze_reports_missing_control_and_empty_variant_without_raising():
    frame = small_frame()
    lost = (frame["experiment_id"] == "exp_0") & (frame["metric_id"] == "metric_0") & frame["is_control"]
    frame = frame.loc[~lost].copy()
    empty = (frame["experiment_id"] == "exp_1") & (frame["variant_id"] == "v2")
    frame.loc[empty, ["n_users", "main_sum", "main_sum_squares"]] = 0
    result = analyze(frame)
    assert len(result) == 32
    orphan = (result["experiment_id"] == "exp_0") & (result["metric_id"] == "metric_0")
    assert (result.loc[orphan, "error_message"] == MISSING_CONTROL_MESSAGE).all()
    assert (result.loc[orphan, "p_value_adjusted"] == 1.0).all()
    emptied = (result["experiment_id"] == "exp_1") & (result["variant_id"] == "v2")
    assert result.loc[emptied, "error_message"].notna().all()
    assert (result.loc[emptied, "chance_to_win"] == 0.5).all()
    assert (result.loc[emptied & ~orphan, "srm_p_value"] < 1e-6).all()


def test_analyze_rejects_malformed_input():
    frame = small_frame()
    with pytest.raises(ValueError, match="lacks columns"):
        analyze(frame.drop(columns="variant_weight"))
    with pytest.raises(ValueError, match="metric_type"):
        analyze(frame.assign(metric_type="quantile"))
    with pytest.raises(ValueError, match="more than one control"):
        analyze(pd.concat([frame, frame[frame["is_control"]]]))


def test_inverse_metric_flips_chance_to_win_and_risk():
    frame = small_frame()
    plain = analyze(frame)
    flipped = analyze(frame, AnalysisConfig(inverse_metrics=frozenset({"metric_1"})))
    inverse = plain["metric_id"] == "metric_1"
    np.testing.assert_allclose(flipped.loc[inverse, "chance_to_win"], 1 - plain.loc[inverse, "chance_to_win"])
    np.testing.assert_allclose(flipped.loc[inverse, "risk_control"], plain.loc[inverse, "risk_variant"])
    np.testing.assert_allclose(flipped.loc[~inverse, "chance_to_win"], plain.loc[~inverse, "chance_to_win"])


def test_analyze_cuped_for_ratio_needs_denominator_covariate_product():
    frame = simulate_sufficient_statistics(n_experiments=3, n_metrics=3, random_state=6)
    ratio = (frame["metric_type"] == "ratio").to_numpy()
    n = frame["n_users"].to_numpy(float)

    def moments(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        total, squares = frame[f"{prefix}_sum"].to_numpy(float), frame[f"{prefix}_sum_squares"].to_numpy(float)
        return total / n, np.sqrt((squares - total**2 / n) / (n - 1))

    (mean_m, sd_m), (mean_d, sd_d) = moments("main"), moments("denominator")
    mean_x, sd_x = 2.0, 1.0  # a covariate X with correlation 0.5 with M and 0.3 with D
    frame["covariate_sum"] = np.where(ratio, n * mean_x, frame["covariate_sum"])
    frame["covariate_sum_squares"] = np.where(ratio, (n - 1) * sd_x**2 + n * mean_x**2, frame["covariate_sum_squares"])
    frame["main_covariate_sum_product"] = np.where(
        ratio, (n - 1) * 0.5 * sd_m * sd_x + n * mean_m * mean_x, frame["main_covariate_sum_product"])
    assert not analyze(frame).loc[lambda r: r["metric_type"] == "ratio", "cuped"].any()
    frame["denominator_covariate_sum_product"] = np.where(ratio, (n - 1) * 0.3 * sd_d * sd_x + n * mean_d * mean_x, np.nan)
    result = analyze(frame)
    assert result.loc[result["metric_type"] == "ratio", "cuped"].all()
    assert result["error_message"].isna().all()


# --- holdout lift ----------------------------------------------------------------------------


def holdout_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "campaign_id": ["strong", "weak"],
        "treatment_users": [100_000, 100_000],
        "treatment_conversions": [2_200, 1_830],
        "treatment_value": [2_200 * 30.0, 1_830 * 30.0],
        "treatment_value_sum_squares": [2_200 * 1_000.0, 1_830 * 1_000.0],
        "holdout_users": [10_000, 10_000],
        "holdout_conversions": [180, 180],
        "holdout_value": [180 * 30.0, 180 * 30.0],
        "holdout_value_sum_squares": [180 * 1_000.0, 180 * 1_000.0],
        "spend": [12_000.0, 12_000.0],
    })


def test_holdout_lift_hand_computed():
    result = holdout_lift(holdout_frame())
    assert list(result.columns) == ["campaign_id", *HOLDOUT_OUTPUT_COLUMNS]
    strong = result.iloc[0]
    assert strong["incremental_conversions"] == pytest.approx(100_000 * (0.022 - 0.018))
    assert strong["lift"] == pytest.approx(0.022 / 0.018 - 1)
    assert strong["incremental_cpa"] == pytest.approx(12_000 / 400)
    assert strong["incremental_roas"] == pytest.approx(400 * 30 / 12_000)
    # CI of conversions: Welch on proportions, 90% two-sided
    se = math.sqrt(0.022 * 0.978 / 100_000 + 0.018 * 0.982 / 10_000)
    dof = (0.022 * 0.978 / 100_000 + 0.018 * 0.982 / 10_000) ** 2 / (
        (0.022 * 0.978) ** 2 / (100_000**2 * 99_999) + (0.018 * 0.982) ** 2 / (10_000**2 * 9_999))
    half = stats.t.ppf(0.95, dof) * se * 100_000
    assert strong["incremental_conversions_ci_lower"] == pytest.approx(400 - half)
    assert strong["incremental_conversions_ci_upper"] == pytest.approx(400 + half)
    assert strong["incremental_cpa_ci_lower"] == pytest.approx(12_000 / (400 + half))
    assert strong["incremental_cpa_ci_upper"] == pytest.approx(12_000 / (400 - half))
    assert strong["conversions_p_value"] == pytest.approx(2 * stats.t.sf(0.004 / se, dof))
    assert strong["incremental_roas_ci_lower"] < strong["incremental_roas"] < strong["incremental_roas_ci_upper"]
    # The weak campaign's interval includes zero incremental conversions: CPA unbounded above.
    weak = result.iloc[1]
    assert weak["incremental_conversions_ci_lower"] < 0 < weak["incremental_conversions_ci_upper"]
    assert weak["incremental_cpa_ci_upper"] == np.inf
    assert weak["error_message"] is None


def test_holdout_lift_alpha_and_degenerate_rows():
    frame = holdout_frame()
    wide = holdout_lift(frame, alpha=0.01).iloc[0]
    narrow = holdout_lift(frame, alpha=0.10).iloc[0]
    assert wide["incremental_conversions_ci_lower"] < narrow["incremental_conversions_ci_lower"]
    frame.loc[1, ["holdout_users", "holdout_conversions", "holdout_value", "holdout_value_sum_squares"]] = 0
    frame.loc[0, "spend"] = 0.0
    result = holdout_lift(frame)
    assert result.loc[0, "error_message"] == "ZERO_SPEND"
    assert result.loc[1, "error_message"] == "ZERO_NEGATIVE_BASELINE_VARIATION"
    assert result[["incremental_conversions", "incremental_cpa"]].isna().all().all()
