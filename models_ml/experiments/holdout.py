"""Incremental effect of an ad campaign measured against a randomised holdout.

Used by the campaign-lift mart: one row per campaign (or campaign x day) with per-arm sufficient
statistics of conversions per user and conversion value per user, plus the treatment's spend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.experiments.frequentist import FrequentistConfig, TwoSidedTTest
from models_ml.experiments.statistics import ProportionStatistic, SampleMeanStatistic, safe_divide

__all__ = ["holdout_lift", "HOLDOUT_INPUT_COLUMNS", "HOLDOUT_OUTPUT_COLUMNS"]

HOLDOUT_INPUT_COLUMNS = [
    "treatment_users",
    "treatment_conversions",
    "treatment_conversions_sum_squares",  # optional: absent = conversions are 0/1 per user
    "treatment_value",
    "treatment_value_sum_squares",
    "holdout_users",
    "holdout_conversions",
    "holdout_conversions_sum_squares",  # optional, as above
    "holdout_value",
    "holdout_value_sum_squares",
    "spend",
]
HOLDOUT_OUTPUT_COLUMNS = [
    "treatment_conversion_rate",
    "holdout_conversion_rate",
    "incremental_conversions",
    "incremental_conversions_ci_lower",
    "incremental_conversions_ci_upper",
    "conversions_p_value",
    "lift",
    "lift_ci_lower",
    "lift_ci_upper",
    "lift_p_value",
    "incremental_value",
    "incremental_value_ci_lower",
    "incremental_value_ci_upper",
    "value_p_value",
    "incremental_cpa",
    "incremental_cpa_ci_lower",
    "incremental_cpa_ci_upper",
    "incremental_roas",
    "incremental_roas_ci_lower",
    "incremental_roas_ci_upper",
    "error_message",
]
ZERO_SPEND_MESSAGE = "ZERO_SPEND"


def _per_user_statistic(frame: pd.DataFrame, arm: str, measure: str):
    n = frame[f"{arm}_users"].to_numpy(dtype=float)
    total = frame[f"{arm}_{measure}"].to_numpy(dtype=float)
    squares = f"{arm}_{measure}_sum_squares"
    if measure == "conversions" and squares not in frame.columns:
        return ProportionStatistic(n=n, sum=total)
    return SampleMeanStatistic(n=n, sum=total, sum_squares=frame[squares].to_numpy(dtype=float))


def holdout_lift(arms: pd.DataFrame, alpha: float = 0.10) -> pd.DataFrame:
    """Incremental conversions, lift, incremental CPA and ROAS with (1 - alpha) CIs and p-values.

    Method (intention to treat: every user randomised to treatment counts, exposed or not):
    - Conversions: Welch t-test of the per-user mean, treatment minus holdout (d). Incremental
      conversions = treatment_users * d, CI = treatment_users * CI(d), scaled to the treatment
      population; p-value of H0 d = 0.
    - Lift = d / holdout mean, CI by the delta method (the relative test of `analyze`).
    - Incremental value and iROAS = treatment_users * d_value / spend: the same test on value per
      user; spend is a known constant, so the CI is the value CI divided by spend.
    - Incremental CPA = spend / incremental conversions. Its CI is the image of the incremental
      conversions CI under x -> spend / x (exact for a monotone map, no delta method, as Fieller's
      interval with a fixed numerator). A bound at or below zero incremental conversions maps to
      +inf: the data do not exclude "no incremental conversion at any cost". Its p-value is
      `conversions_p_value`.
    Rows are independent; other input columns (e.g. campaign_id) are passed through first.
    """
    missing = [c for c in HOLDOUT_INPUT_COLUMNS if c not in arms.columns and not c.endswith("conversions_sum_squares")]
    if missing:
        raise ValueError(f"arms lacks columns {missing}")
    n_treatment = arms["treatment_users"].to_numpy(dtype=float)
    spend = arms["spend"].to_numpy(dtype=float)
    absolute = FrequentistConfig(alpha=alpha, difference_type="absolute")
    relative = FrequentistConfig(alpha=alpha, difference_type="relative")

    conv_a = _per_user_statistic(arms, "holdout", "conversions")
    conv_b = _per_user_statistic(arms, "treatment", "conversions")
    conversions = TwoSidedTTest(conv_a, conv_b, absolute).compute_result()
    lift = TwoSidedTTest(conv_a, conv_b, relative).compute_result()
    value = TwoSidedTTest(
        _per_user_statistic(arms, "holdout", "value"), _per_user_statistic(arms, "treatment", "value"), absolute
    ).compute_result()

    incremental = n_treatment * np.asarray(conversions.expected)
    inc_lower = n_treatment * np.asarray(conversions.ci_lower)
    inc_upper = n_treatment * np.asarray(conversions.ci_upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        cpa = np.where(incremental > 0, spend / incremental, np.inf)
        cpa_lower = np.where(inc_upper > 0, spend / inc_upper, np.inf)
        cpa_upper = np.where(inc_lower > 0, spend / inc_lower, np.inf)
    incremental_value = n_treatment * np.asarray(value.expected)

    errors = np.asarray(conversions.error_message, dtype=object).copy()
    value_errors = np.asarray(value.error_message, dtype=object)
    errors = np.where(np.equal(errors, None), value_errors, errors)
    errors = np.where(np.equal(errors, None) & (spend <= 0), ZERO_SPEND_MESSAGE, errors)
    failed = ~np.equal(errors, None)

    def masked(x):
        return np.where(failed, np.nan, x)

    result = pd.DataFrame(
        {
            "treatment_conversion_rate": conv_b.mean,
            "holdout_conversion_rate": conv_a.mean,
            "incremental_conversions": masked(incremental),
            "incremental_conversions_ci_lower": masked(inc_lower),
            "incremental_conversions_ci_upper": masked(inc_upper),
            "conversions_p_value": masked(conversions.p_value),
            "lift": masked(lift.expected),
            "lift_ci_lower": masked(lift.ci_lower),
            "lift_ci_upper": masked(lift.ci_upper),
            "lift_p_value": masked(lift.p_value),
            "incremental_value": masked(incremental_value),
            "incremental_value_ci_lower": masked(n_treatment * np.asarray(value.ci_lower)),
            "incremental_value_ci_upper": masked(n_treatment * np.asarray(value.ci_upper)),
            "value_p_value": masked(value.p_value),
            "incremental_cpa": masked(cpa),
            "incremental_cpa_ci_lower": masked(cpa_lower),
            "incremental_cpa_ci_upper": masked(cpa_upper),
            "incremental_roas": masked(safe_divide(incremental_value, spend)),
            "incremental_roas_ci_lower": masked(safe_divide(n_treatment * np.asarray(value.ci_lower), spend)),
            "incremental_roas_ci_upper": masked(safe_divide(n_treatment * np.asarray(value.ci_upper), spend)),
            "error_message": errors,
        },
        index=arms.index,
    )
    passthrough = arms[[c for c in arms.columns if c not in HOLDOUT_INPUT_COLUMNS]]
    return pd.concat([passthrough, result], axis=1)
