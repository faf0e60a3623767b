"""What every two-arm test shares: pooled CUPED theta, the effect and its variance, error messages.

A test takes the control's statistic (`stat_a`) and the variant's (`stat_b`); their fields may be
arrays, in which case the test runs element-wise and its result record holds arrays.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np

from models_ml.experiments.statistics import (
    ArrayLike,
    RegressionAdjustedRatioStatistic,
    RegressionAdjustedStatistic,
    TestStatistic,
    compute_theta,
    safe_divide,
)

DifferenceType = Literal["relative", "absolute"]

# The error messages of gbstats 0.8.0, so that reports can be compared one for one.
NO_UNITS_IN_VARIATION_MESSAGE = "NO_UNITS_IN_VARIATION"
ZERO_NEGATIVE_VARIANCE_MESSAGE = "ZERO_NEGATIVE_VARIANCE"
BASELINE_VARIATION_ZERO_MESSAGE = "ZERO_NEGATIVE_BASELINE_VARIATION"


def frequentist_diff(mean_a: ArrayLike, mean_b: ArrayLike, relative: bool, mean_a_unadjusted: ArrayLike) -> np.ndarray:
    """Effect of b over a: relative to the control's unadjusted mean, or absolute."""
    if relative:
        return safe_divide(np.asarray(mean_b, float) - mean_a, mean_a_unadjusted)
    return np.asarray(mean_b, float) - mean_a


def frequentist_variance(
    var_a: ArrayLike, mean_a: ArrayLike, n_a: ArrayLike,
    var_b: ArrayLike, mean_b: ArrayLike, n_b: ArrayLike,
    relative: bool,
) -> np.ndarray:
    """Variance of the effect; for the relative effect the delta method on mean_b / mean_a."""
    var_a, mean_a, n_a = (np.asarray(x, float) for x in (var_a, mean_a, n_a))
    var_b, mean_b, n_b = (np.asarray(x, float) for x in (var_b, mean_b, n_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        if relative:
            return var_b / (mean_a**2 * n_b) + var_a * mean_b**2 / (mean_a**4 * n_a)
        return var_b / n_b + var_a / n_a


def first_error(shape: tuple, conditions: list[tuple[np.ndarray, str]]) -> np.ndarray:
    """Object array of the first error message whose condition holds per element, else None."""
    messages = np.full(shape, None, dtype=object)
    for condition, message in reversed(conditions):
        messages[np.broadcast_to(condition, shape)] = message
    return messages


def as_output(x):
    """0-d arrays become Python scalars, so the scalar API returns plain floats and strings."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x.item()
    return x


class BaseABTest:
    """Holds the two arms; sets the pooled theta when both are regression adjusted."""

    def __init__(self, stat_a: TestStatistic, stat_b: TestStatistic):
        adjusted = (RegressionAdjustedStatistic, RegressionAdjustedRatioStatistic)
        if isinstance(stat_a, adjusted) and isinstance(stat_b, adjusted):
            if type(stat_a) is not type(stat_b):
                raise ValueError("Both arms must be adjusted the same way.")
            # theta == 0 (no variance in the pooled pre or post period) is the unadjusted test.
            theta = compute_theta(stat_a, stat_b)
            stat_a = replace(stat_a, theta=theta)
            stat_b = replace(stat_b, theta=theta)
        self.stat_a = stat_a
        self.stat_b = stat_b

    @property
    def theta(self) -> np.ndarray:
        """The CUPED coefficient used (0 when the arms are not regression adjusted)."""
        return np.asarray(getattr(self.stat_a, "theta", 0.0), dtype=float)

    @property
    def shape(self) -> tuple:
        return np.broadcast_shapes(
            np.shape(self.stat_a.mean), np.shape(self.stat_b.mean), np.shape(self.stat_a.n), np.shape(self.stat_b.n)
        )

    def _has_zero_variance(self) -> np.ndarray:
        return self.stat_a.has_zero_variance | self.stat_b.has_zero_variance

    def effect_variance(self, relative: bool) -> np.ndarray:
        return frequentist_variance(
            self.stat_a.variance, self.stat_a.unadjusted_mean, self.stat_a.n,
            self.stat_b.variance, self.stat_b.unadjusted_mean, self.stat_b.n,
            relative,
        )

    def effect(self, relative: bool) -> np.ndarray:
        return frequentist_diff(self.stat_a.mean, self.stat_b.mean, relative, self.stat_a.unadjusted_mean)
