"""Frequentist tests of a variant against the control: Welch t-tests and always-valid sequences.

Mirrors gbstats 0.8.0 `gbstats.frequentist.tests` (same class names, same formulas), with two
differences that do not change any number beyond floating-point noise: statistics may be arrays,
and tail probabilities use the survival function (`t.sf`) instead of `1 - t.cdf`, which keeps
very small p-values accurate instead of rounding them to 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from models_ml.experiments.abtest import (
    BASELINE_VARIATION_ZERO_MESSAGE,
    ZERO_NEGATIVE_VARIANCE_MESSAGE,
    BaseABTest,
    DifferenceType,
    as_output,
    first_error,
)
from models_ml.experiments.statistics import ArrayLike, TestStatistic

__all__ = [
    "FrequentistConfig",
    "SequentialConfig",
    "FrequentistTestResult",
    "TwoSidedTTest",
    "OneSidedTreatmentGreaterTTest",
    "OneSidedTreatmentLesserTTest",
    "SequentialTwoSidedTTest",
]


@dataclass(frozen=True)
class FrequentistConfig:
    alpha: float = 0.05
    test_value: float = 0.0
    difference_type: DifferenceType = "relative"


@dataclass(frozen=True)
class SequentialConfig(FrequentistConfig):
    # gbstats' default; the number of units (both arms) at which the sequence is tightest.
    sequential_tuning_parameter: float = 5000


@dataclass
class FrequentistTestResult:
    """One comparison (or an array of them). `expected`, CI and `stddev` are on the scale of
    `difference_type`; `absolute_effect` is always mean_b - mean_a (CUPED-adjusted means)."""

    expected: ArrayLike
    ci_lower: ArrayLike
    ci_upper: ArrayLike
    p_value: ArrayLike
    stddev: ArrayLike
    absolute_effect: ArrayLike
    error_message: str | None | np.ndarray = None

    @property
    def ci(self) -> tuple:
        return (self.ci_lower, self.ci_upper)


class TTest(BaseABTest):
    """Welch t-test with unequal variances; relative effects use the delta method."""

    def __init__(self, stat_a: TestStatistic, stat_b: TestStatistic, config: FrequentistConfig | None = None):
        super().__init__(stat_a, stat_b)
        config = config or FrequentistConfig()
        self.config = config
        self.alpha = config.alpha
        self.test_value = config.test_value
        self.relative = config.difference_type == "relative"

    @property
    def variance(self) -> np.ndarray:
        return self.effect_variance(self.relative)

    @property
    def point_estimate(self) -> np.ndarray:
        return self.effect(self.relative)

    @property
    def critical_value(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.point_estimate - self.test_value) / np.sqrt(self.variance)

    @property
    def dof(self) -> np.ndarray:
        """Welch-Satterthwaite degrees of freedom."""
        var_a, n_a = self.stat_a.variance, np.asarray(self.stat_a.n, float)
        var_b, n_b = self.stat_b.variance, np.asarray(self.stat_b.n, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (var_b / n_b + var_a / n_a) ** 2 / (
                var_b**2 / (n_b**2 * (n_b - 1)) + var_a**2 / (n_a**2 * (n_a - 1))
            )

    @property
    def p_value(self) -> np.ndarray:
        raise NotImplementedError

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def errors(self) -> np.ndarray:
        a = self.stat_a
        return first_error(
            self.shape,
            [
                ((a.mean == 0) | (a.unadjusted_mean == 0), BASELINE_VARIATION_ZERO_MESSAGE),
                (self._has_zero_variance(), ZERO_NEGATIVE_VARIANCE_MESSAGE),
            ],
        )

    def compute_result(self) -> FrequentistTestResult:
        """Estimate, CI and p-value; gbstats' uninformative output where the input is degenerate."""
        shape = self.shape
        errors = self.errors()
        ok = np.equal(errors, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = np.broadcast_to(self.point_estimate, shape)
            lower, upper = (np.broadcast_to(x, shape) for x in self.confidence_interval())
            p_value = np.broadcast_to(self.p_value, shape)
            stddev = np.broadcast_to(np.sqrt(self.variance), shape)
        absolute_effect = np.broadcast_to(self.effect(relative=False), shape)
        return FrequentistTestResult(
            expected=as_output(np.where(ok, expected, 0.0)),
            ci_lower=as_output(np.where(ok, lower, 0.0)),
            ci_upper=as_output(np.where(ok, upper, 0.0)),
            p_value=as_output(np.where(ok, p_value, 1.0)),
            stddev=as_output(np.where(ok, stddev, 0.0)),
            absolute_effect=as_output(absolute_effect.copy()),
            error_message=as_output(errors),
        )


class TwoSidedTTest(TTest):
    @property
    def p_value(self) -> np.ndarray:
        return 2 * stats.t.sf(np.abs(self.critical_value), self.dof)

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        width = stats.t.ppf(1 - self.alpha / 2, self.dof) * np.sqrt(self.variance)
        return self.point_estimate - width, self.point_estimate + width


class OneSidedTreatmentGreaterTTest(TTest):
    """H1: the variant is greater than the control (plus `test_value`)."""

    @property
    def p_value(self) -> np.ndarray:
        return stats.t.sf(self.critical_value, self.dof)

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        width = stats.t.ppf(1 - self.alpha, self.dof) * np.sqrt(self.variance)
        estimate = self.point_estimate
        return estimate - width, np.full(np.shape(estimate), np.inf)


class OneSidedTreatmentLesserTTest(TTest):
    """H1: the variant is less than the control (plus `test_value`).

    The upper bound is `estimate + width`; gbstats 0.8.0 returns `estimate - width` there,
    which is a bug (the interval then excludes its own estimate), so this bound is not
    compared with gbstats.
    """

    @property
    def p_value(self) -> np.ndarray:
        return stats.t.cdf(self.critical_value, self.dof)

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        width = stats.t.ppf(1 - self.alpha, self.dof) * np.sqrt(self.variance)
        estimate = self.point_estimate
        return np.full(np.shape(estimate), -np.inf), estimate + width


class SequentialTwoSidedTTest(TTest):
    """Always-valid confidence sequence and p-value (Waudby-Smith et al. 2023, arXiv 2103.06476v7).

    Valid whenever it is looked at, so a daily report can stop an experiment early without
    inflating the false-positive rate. `sequential_tuning_parameter` is the total sample size at
    which the sequence is narrowest; wider than the fixed-horizon CI at every n.
    """

    def __init__(self, stat_a: TestStatistic, stat_b: TestStatistic, config: SequentialConfig | None = None):
        config = config or SequentialConfig()
        super().__init__(stat_a, stat_b, config)
        self.sequential_tuning_parameter = config.sequential_tuning_parameter

    @property
    def rho(self) -> float:
        # eq 161 of the paper
        return float(
            np.sqrt(
                (-2 * np.log(self.alpha) + np.log(-2 * np.log(self.alpha) + 1))
                / self.sequential_tuning_parameter
            )
        )

    @property
    def total_n(self) -> np.ndarray:
        return np.asarray(self.stat_a.n, float) + np.asarray(self.stat_b.n, float)

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        # eq 9 of the paper
        n, rho = self.total_n, self.rho
        s2 = self.variance * n
        width = np.sqrt(s2) * np.sqrt(
            (2 * (n * rho**2 + 1)) * np.log(np.sqrt(n * rho**2 + 1) / self.alpha) / (n * rho) ** 2
        )
        return self.point_estimate - width, self.point_estimate + width

    @property
    def p_value(self) -> np.ndarray:
        # eq 155 of the paper: the reciprocal of the e-value, capped at 1
        n, rho = self.total_n, self.rho
        st2 = (self.point_estimate - self.test_value) ** 2 * n / self.variance
        tr2p1 = n * rho**2 + 1
        log_evalue = rho**2 * st2 / (2 * tr2p1) - 0.5 * np.log(tr2p1)
        return np.minimum(np.exp(-log_evalue), 1.0)
