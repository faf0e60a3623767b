"""`analyze`: every variant-versus-control result of a table of sufficient statistics, vectorised.

Input grain (from the warehouse): one row per experiment x variant x metric x dimension value x
cumulative day. Output grain: one row per experiment x non-control variant x metric x dimension
value x cumulative day, with the frequentist and the Bayesian result side by side as columns.

The rows are paired with their control by a merge, split into a handful of blocks by statistic
kind (binomial, mean, ratio; with or without CUPED), and each block runs the test classes once on
arrays. No Python loop runs per row.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from models_ml.experiments.bayesian import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from models_ml.experiments.corrections import CorrectionMethod, adjust_p_values, adjusted_intervals
from models_ml.experiments.frequentist import (
    FrequentistConfig,
    OneSidedTreatmentGreaterTTest,
    OneSidedTreatmentLesserTTest,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TTest,
    TwoSidedTTest,
)
from models_ml.experiments.srm import srm_p_values
from models_ml.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedRatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
    TestStatistic,
)

__all__ = ["AnalysisConfig", "analyze", "INPUT_COLUMNS", "OUTPUT_COLUMNS", "MISSING_CONTROL_MESSAGE"]

KEY_COLUMNS = ["experiment_id", "metric_id", "dimension_name", "dimension_value", "day_index"]
SLICE_COLUMNS = ["experiment_id", "dimension_name", "dimension_value", "day_index"]
STAT_COLUMNS = [
    "n_users",
    "main_sum",
    "main_sum_squares",
    "denominator_sum",
    "denominator_sum_squares",
    "main_denominator_sum_product",
    "covariate_sum",
    "covariate_sum_squares",
    "main_covariate_sum_product",
]
# Optional: with it, ratio metrics that have a covariate are CUPED-adjusted too.
OPTIONAL_STAT_COLUMNS = ["denominator_covariate_sum_product"]
INPUT_COLUMNS = [
    "experiment_id",
    "variant_id",
    "variant_name",
    "is_control",
    "variant_weight",
    "metric_id",
    "metric_type",
    "dimension_name",
    "dimension_value",
    "day_index",
    *STAT_COLUMNS,
]
OUTPUT_COLUMNS = [
    "experiment_id",
    "metric_id",
    "metric_type",
    "dimension_name",
    "dimension_value",
    "day_index",
    "variant_id",
    "variant_name",
    "control_variant_id",
    "baseline_users",
    "variant_users",
    "baseline_value",
    "variant_value",
    "baseline_stddev",
    "variant_stddev",
    "cuped",
    "theta",
    "relative_lift",
    "relative_ci_lower",
    "relative_ci_upper",
    "absolute_lift",
    "absolute_ci_lower",
    "absolute_ci_upper",
    "p_value",
    "p_value_absolute",
    "p_value_adjusted",
    "relative_ci_lower_adjusted",
    "relative_ci_upper_adjusted",
    "error_message",
    "chance_to_win",
    "risk_control",
    "risk_variant",
    "bayes_relative_lift",
    "bayes_ci_lower",
    "bayes_ci_upper",
    "bayes_error_message",
    "srm_p_value",
    "sequential",
    "is_significant",
    "is_good_news",
    "is_bad_news",
    "minimum_detectable_effect",
    "non_inferiority_margin",
    "non_inferiority_p_value",
    "is_non_inferior",
]
MISSING_CONTROL_MESSAGE = "NO_CONTROL_VARIANT"
METRIC_TYPES = ("binomial", "mean", "ratio")


@dataclass(frozen=True)
class AnalysisConfig:
    """How the results are computed; one config for a whole table."""

    alpha: float = 0.05
    # Frequentist hypothesis: "greater" means H1 is variant > control.
    alternative: Literal["two-sided", "greater", "less"] = "two-sided"
    # Always-valid p-values and confidence sequences (two-sided only), for daily peeking.
    sequential: bool = False
    sequential_tuning_parameter: float = 5000
    # Over metrics x variants within each experiment x dimension value x day.
    correction: CorrectionMethod = "holm"
    # Use the pre-exposure covariate when the warehouse supplies one.
    cuped: bool = True
    # Prior on the relative effect for the Bayesian columns; flat unless proper=True.
    prior: GaussianPrior = field(default_factory=GaussianPrior)
    # Metrics where lower is better: chance to win and risks are flipped, good news is a drop.
    inverse_metrics: frozenset[str] = frozenset()
    # Experiments tested sequentially even when `sequential` is off (a per-experiment setting).
    sequential_experiments: frozenset[str] = frozenset()
    # Correction family of the segment rows (dimension != 'overall'): "experiment" = every segment of
    # every dimension of one experiment x day together; "slice" = each segment alone (as gbstats).
    segment_correction: Literal["experiment", "slice"] = "experiment"
    # Non-inferiority margins (relative, > 0) by (experiment_id, metric_id), for guardrail metrics.
    non_inferiority_margins: Mapping[tuple[str, str], float] = field(default_factory=dict)
    # Power at which `minimum_detectable_effect` is reported.
    power: float = 0.8

    def __post_init__(self) -> None:
        if (self.sequential or self.sequential_experiments) and self.alternative != "two-sided":
            raise ValueError("sequential testing is two-sided only")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        if self.segment_correction not in ("experiment", "slice"):
            raise ValueError("segment_correction must be 'experiment' or 'slice'")
        if any(not margin > 0 for margin in self.non_inferiority_margins.values()):
            raise ValueError("non-inferiority margins must be positive")
        if not 0 < self.power < 1:
            raise ValueError("power must be in (0, 1)")


def _frequentist_test_class(config: AnalysisConfig) -> type[TTest]:
    if config.sequential:
        return SequentialTwoSidedTTest
    return {
        "two-sided": TwoSidedTTest,
        "greater": OneSidedTreatmentGreaterTTest,
        "less": OneSidedTreatmentLesserTTest,
    }[config.alternative]


def _frequentist_config(config: AnalysisConfig, difference_type: str) -> FrequentistConfig:
    if config.sequential:
        return SequentialConfig(
            alpha=config.alpha,
            difference_type=difference_type,
            sequential_tuning_parameter=config.sequential_tuning_parameter,
        )
    return FrequentistConfig(alpha=config.alpha, difference_type=difference_type)


def _arm_statistic(arm: dict[str, np.ndarray], metric_type: str, adjusted: bool) -> TestStatistic:
    """One arm's statistic for a block of rows of one metric type."""
    n = arm["n_users"]
    if metric_type == "binomial":
        main = ProportionStatistic(n=n, sum=arm["main_sum"])
    else:
        main = SampleMeanStatistic(n=n, sum=arm["main_sum"], sum_squares=arm["main_sum_squares"])
    if metric_type == "ratio":
        denominator = SampleMeanStatistic(
            n=n, sum=arm["denominator_sum"], sum_squares=arm["denominator_sum_squares"]
        )
        main = RatioStatistic(
            n=n, m_statistic=main, d_statistic=denominator,
            m_d_sum_of_products=arm["main_denominator_sum_product"],
        )
    if not adjusted:
        return main
    if metric_type == "binomial":
        pre = ProportionStatistic(n=n, sum=arm["covariate_sum"])
    else:
        pre = SampleMeanStatistic(n=n, sum=arm["covariate_sum"], sum_squares=arm["covariate_sum_squares"])
    if metric_type == "ratio":
        return RegressionAdjustedRatioStatistic(
            n=n, ratio_statistic=main, pre_statistic=pre,
            m_pre_sum_of_products=arm["main_covariate_sum_product"],
            d_pre_sum_of_products=arm["denominator_covariate_sum_product"],
        )
    return RegressionAdjustedStatistic(
        n=n, post_statistic=main, pre_statistic=pre,
        post_pre_sum_of_products=arm["main_covariate_sum_product"],
    )


def _unadjusted_stddev(stat: TestStatistic) -> np.ndarray:
    """Per-user standard deviation of the metric itself (gbstats shows the CUPED-adjusted one)."""
    if isinstance(stat, RegressionAdjustedStatistic):
        return stat.post_statistic.stddev
    if isinstance(stat, RegressionAdjustedRatioStatistic):
        return stat.ratio_statistic.stddev
    return stat.stddev


def _run_block(
    control: dict[str, np.ndarray], variant: dict[str, np.ndarray], metric_type: str, adjusted: bool,
    config: AnalysisConfig,
) -> dict[str, np.ndarray]:
    """All result columns of one block of comparisons (one metric type, CUPED or not)."""
    stat_a = _arm_statistic(control, metric_type, adjusted)
    stat_b = _arm_statistic(variant, metric_type, adjusted)
    test_class = _frequentist_test_class(config)
    relative = test_class(stat_a, stat_b, _frequentist_config(config, "relative"))
    rel = relative.compute_result()
    absolute = test_class(stat_a, stat_b, _frequentist_config(config, "absolute")).compute_result()
    bayes = EffectBayesianABTest(
        stat_a, stat_b,
        EffectBayesianConfig(alpha=config.alpha, difference_type="relative", prior_effect=config.prior),
    ).compute_result()
    return {
        "baseline_value": relative.stat_a.unadjusted_mean,
        "variant_value": relative.stat_b.unadjusted_mean,
        "baseline_stddev": _unadjusted_stddev(relative.stat_a),
        "variant_stddev": _unadjusted_stddev(relative.stat_b),
        "theta": np.broadcast_to(relative.theta, relative.shape),
        "relative_lift": rel.expected,
        "relative_ci_lower": rel.ci_lower,
        "relative_ci_upper": rel.ci_upper,
        "absolute_lift": absolute.expected,
        "absolute_ci_lower": absolute.ci_lower,
        "absolute_ci_upper": absolute.ci_upper,
        "p_value": rel.p_value,
        "relative_stddev": rel.stddev,
        "p_value_absolute": absolute.p_value,
        "error_message": rel.error_message,
        "chance_to_win": bayes.chance_to_win,
        "risk_control": bayes.risk_control,
        "risk_variant": bayes.risk_variant,
        "bayes_relative_lift": bayes.expected,
        "bayes_ci_lower": bayes.ci_lower,
        "bayes_ci_upper": bayes.ci_upper,
        "bayes_error_message": bayes.error_message,
    }


def _validate(stats_df: pd.DataFrame) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in stats_df.columns]
    if missing:
        raise ValueError(f"stats_df lacks columns {missing}")
    unknown = set(pd.unique(stats_df["metric_type"])) - set(METRIC_TYPES)
    if unknown:
        raise ValueError(f"unknown metric_type values {sorted(unknown)}; expected {METRIC_TYPES}")
    controls = stats_df.loc[stats_df["is_control"].astype(bool), KEY_COLUMNS]
    if controls.duplicated().any():
        raise ValueError("more than one control row for some experiment x metric x dimension x day")


def analyze(stats_df: pd.DataFrame, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Results of every non-control variant against its control; columns `OUTPUT_COLUMNS`.

    Lifts, CIs and risks are fractions (0.05 = +5%). `p_value` is the frequentist test of the
    relative lift (sequential if configured) and `p_value_adjusted` its correction over metrics x
    variants within experiment x dimension value x day (errored rows excluded, reported as 1).
    `relative_ci_*_adjusted` is the relative CI widened to follow `p_value_adjusted` (two-sided tests;
    it excludes 0 exactly when the row is significant). `srm_p_value` is per experiment x dimension value
    x day. Degenerate comparisons carry gbstats' uninformative output and a message in `error_message` /
    `bayes_error_message`.
    """
    config = config or AnalysisConfig()
    _validate(stats_df)
    has_denominator_covariate = "denominator_covariate_sum_product" in stats_df.columns
    stat_columns = STAT_COLUMNS + (OPTIONAL_STAT_COLUMNS if has_denominator_covariate else [])

    frame = stats_df.reset_index(drop=True)
    slice_code = frame.groupby(SLICE_COLUMNS, sort=False, dropna=False).ngroup().to_numpy()
    is_control = frame["is_control"].astype(bool).to_numpy()

    # SRM per slice, from one row per variant (the warehouse repeats n_users for every metric).
    arms = pd.DataFrame({"slice": slice_code, "variant_id": frame["variant_id"].to_numpy(),
                         "n_users": frame["n_users"].to_numpy(dtype=float),
                         "variant_weight": frame["variant_weight"].to_numpy(dtype=float)})
    arms = arms.drop_duplicates(["slice", "variant_id"])
    srm_by_slice = srm_p_values(arms["slice"].to_numpy(), arms["n_users"].to_numpy(), arms["variant_weight"].to_numpy())

    control = frame.loc[is_control, KEY_COLUMNS + ["variant_id"] + stat_columns]
    variants = frame.loc[~is_control].assign(_slice=slice_code[~is_control])
    paired = variants.merge(
        control.rename(columns={c: f"{c}_control" for c in ["variant_id", *stat_columns]}),
        on=KEY_COLUMNS, how="left", sort=False,
    )
    has_control = paired["n_users_control"].notna().to_numpy()

    def arm_arrays(suffix: str) -> dict[str, np.ndarray]:
        out = {}
        for column in stat_columns:
            values = paired[f"{column}{suffix}"].to_numpy(dtype=float, na_value=np.nan)
            out[column] = values
        out["n_users"] = np.nan_to_num(out["n_users"], nan=0.0)
        return out

    control_arrays, variant_arrays = arm_arrays("_control"), arm_arrays("")
    metric_type = paired["metric_type"].to_numpy()
    adjustable = (
        config.cuped
        & np.isfinite(control_arrays["covariate_sum"]) & np.isfinite(variant_arrays["covariate_sum"])
    )
    if has_denominator_covariate:
        ratio_adjustable = (
            np.isfinite(control_arrays["denominator_covariate_sum_product"])
            & np.isfinite(variant_arrays["denominator_covariate_sum_product"])
        )
    else:
        ratio_adjustable = np.zeros(len(paired), dtype=bool)
    adjustable &= (metric_type != "ratio") | ratio_adjustable

    n_rows = len(paired)
    sequential = np.full(n_rows, config.sequential) | paired["experiment_id"].isin(
        list(config.sequential_experiments)).to_numpy()
    results: dict[str, np.ndarray] = {}
    for kind, adjusted, is_sequential in itertools.product(METRIC_TYPES, (False, True), (False, True)):
        rows = np.flatnonzero((metric_type == kind) & (adjustable == adjusted) & (sequential == is_sequential))
        if rows.size == 0:
            continue
        block = _run_block(
            {k: v[rows] for k, v in control_arrays.items()},
            {k: v[rows] for k, v in variant_arrays.items()},
            kind, adjusted, dataclasses.replace(config, sequential=is_sequential),
        )
        for name, values in block.items():
            if name not in results:
                dtype = object if name.endswith("error_message") else float
                results[name] = np.full(n_rows, None if dtype is object else np.nan, dtype=dtype)
            results[name][rows] = values

    if results:
        # A variant without a control row cannot be tested; say so rather than drop it.
        for name in ("error_message", "bayes_error_message"):
            results[name][~has_control] = MISSING_CONTROL_MESSAGE
        inverse = paired["metric_id"].isin(list(config.inverse_metrics)).to_numpy()
        results["chance_to_win"] = np.where(inverse, 1 - results["chance_to_win"], results["chance_to_win"])
        results["risk_control"], results["risk_variant"] = (
            np.where(inverse, results["risk_variant"], results["risk_control"]),
            np.where(inverse, results["risk_control"], results["risk_variant"]),
        )
        tested = np.equal(results["error_message"], None)
        adjusted_p = adjust_p_values(
            np.where(tested, results["p_value"], np.nan), config.correction, _families(paired, config)
        )
        results["p_value_adjusted"] = np.where(tested, adjusted_p, 1.0)
        if config.alternative == "two-sided":
            results["relative_ci_lower_adjusted"], results["relative_ci_upper_adjusted"] = adjusted_intervals(
                results["relative_lift"], results["relative_ci_lower"], results["relative_ci_upper"],
                np.where(tested, adjusted_p, np.nan), config.alpha)
        else:  # a one-sided interval has one infinite bound already; it is not re-derived
            results["relative_ci_lower_adjusted"] = results["relative_ci_lower"].copy()
            results["relative_ci_upper_adjusted"] = results["relative_ci_upper"].copy()
        results.update(_decisions(paired, results, tested, inverse, config))
    results.pop("relative_stddev", None)

    out = pd.DataFrame(
        {
            **{c: paired[c].to_numpy() for c in KEY_COLUMNS + ["metric_type", "variant_id", "variant_name"]},
            "control_variant_id": paired["variant_id_control"].to_numpy(),
            "baseline_users": control_arrays["n_users"],
            "variant_users": variant_arrays["n_users"],
            "cuped": adjustable,
            "sequential": sequential,
            "srm_p_value": srm_by_slice[paired["_slice"].to_numpy()] if n_rows else np.empty(0),
            **results,
        }
    )
    for name in OUTPUT_COLUMNS:
        if name not in out.columns:  # an input without any variant row
            kind = object if name.endswith("error_message") else bool if name.startswith("is_") else float
            out[name] = pd.Series(dtype=kind)
    return out[OUTPUT_COLUMNS]


def _families(paired: pd.DataFrame, config: AnalysisConfig) -> np.ndarray:
    """Correction family codes: each overall slice x day alone; the segment rows of one experiment x
    day together (segment_correction='experiment') or each segment alone ('slice')."""
    if config.segment_correction == "slice" or paired.empty:
        return paired["_slice"].to_numpy()
    segment = (paired["dimension_name"] != "overall").to_numpy()
    keys = pd.DataFrame({
        "experiment_id": paired["experiment_id"].to_numpy(),
        "day_index": paired["day_index"].to_numpy(),
        "dimension_name": np.where(segment, "(segments)", paired["dimension_name"].to_numpy()),
        "dimension_value": np.where(segment, "(segments)", paired["dimension_value"].to_numpy()),
    })
    return keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()


def _decisions(paired: pd.DataFrame, results: dict[str, np.ndarray], tested: np.ndarray, inverse: np.ndarray,
               config: AnalysisConfig) -> dict[str, np.ndarray]:
    """The one significance rule (corrected p below alpha), read as good or bad news by the metric's
    direction; the MDE at the current size; the non-inferiority test of metrics with a margin."""
    lift = results["relative_lift"]
    significant = tested & (results["p_value_adjusted"] < config.alpha)
    better = np.where(inverse, lift < 0, lift > 0)
    worse = np.where(inverse, lift > 0, lift < 0)
    z_sum = float(sps.norm.isf(config.alpha / 2) + sps.norm.ppf(config.power))
    se = results["relative_stddev"]
    mde = np.where(tested & (se > 0), z_sum * se, np.nan)
    keys = zip(paired["experiment_id"].to_numpy(), paired["metric_id"].to_numpy(), strict=True)
    margin = np.array([config.non_inferiority_margins.get(key, np.nan) for key in keys], dtype=float)
    has_margin = tested & np.isfinite(margin)
    # H0: the metric is worse by the margin or more. Shown non-inferior when the CI's bad-side bound
    # stays inside the margin (the CI of the row's own test, so sequential rows stay always-valid).
    bad_bound = np.where(inverse, -results["relative_ci_upper"], results["relative_ci_lower"])
    toward_good = np.where(inverse, -lift, lift)
    with np.errstate(divide="ignore", invalid="ignore"):
        ni_p = sps.norm.sf((toward_good + margin) / se)
    return {
        "is_significant": significant,
        "is_good_news": significant & better,
        "is_bad_news": significant & worse,
        "minimum_detectable_effect": mde,
        "non_inferiority_margin": np.where(has_margin, margin, np.nan),
        "non_inferiority_p_value": np.where(has_margin, ni_p, np.nan),
        "is_non_inferior": has_margin & (bad_bound > -margin),
    }
