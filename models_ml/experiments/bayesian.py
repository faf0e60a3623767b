"""Bayesian effect model: a Gaussian likelihood for the effect and a flat or Gaussian prior.

Mirrors gbstats 0.8.0 `EffectBayesianABTest`: the data give effect ~ N(estimate, variance) (the
same estimate and delta-method variance as the t-test); a proper prior N(m, s^2) is combined by
precision weighting. Reports the posterior mean and credible interval, the chance that the
variant beats the control, and the risk (expected loss) of choosing either arm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from models_ml.experiments.abtest import (
    BASELINE_VARIATION_ZERO_MESSAGE,
    NO_UNITS_IN_VARIATION_MESSAGE,
    ZERO_NEGATIVE_VARIANCE_MESSAGE,
    BaseABTest,
    DifferenceType,
    as_output,
    first_error,
)
from models_ml.experiments.statistics import ArrayLike, TestStatistic

__all__ = ["GaussianPrior", "EffectBayesianConfig", "BayesianTestResult", "EffectBayesianABTest", "expected_loss"]


@dataclass(frozen=True)
class GaussianPrior:
    """Prior on the effect; with `proper=False` it is flat and mean/variance are ignored."""

    mean: float = 0.0
    variance: float = 1.0
    proper: bool = False


@dataclass(frozen=True)
class EffectBayesianConfig:
    alpha: float = 0.05
    difference_type: DifferenceType = "relative"
    # True for metrics where lower is better (e.g. cost per install): flips chance to win and risk.
    inverse: bool = False
    # The scale the prior is stated on; it is rescaled by the control mean when it differs.
    prior_type: Literal["relative", "absolute"] = "relative"
    prior_effect: GaussianPrior = field(default_factory=GaussianPrior)


@dataclass
class BayesianTestResult:
    """Posterior summary. `risk` = (loss if the control is kept, loss if the variant is shipped)."""

    expected: ArrayLike
    ci_lower: ArrayLike
    ci_upper: ArrayLike
    stddev: ArrayLike
    chance_to_win: ArrayLike
    risk_control: ArrayLike
    risk_variant: ArrayLike
    risk_type: str
    error_message: str | None | np.ndarray = None

    @property
    def ci(self) -> tuple:
        return (self.ci_lower, self.ci_upper)

    @property
    def risk(self) -> tuple:
        return (self.risk_control, self.risk_variant)


def expected_loss(mu: ArrayLike, sigma: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Expected loss of each decision when the effect is N(mu, sigma^2).

    Keeping the control loses E[max(effect, 0)] = mu Phi(z) + sigma phi(z); shipping the
    variant loses E[max(-effect, 0)] = -mu Phi(-z) + sigma phi(z), with z = mu / sigma. These are
    the closed forms of gbstats' truncated-normal expressions (`get_risk`).
    """
    mu, sigma = np.asarray(mu, float), np.asarray(sigma, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = mu / sigma
        density = stats.norm.pdf(z)
        risk_control = mu * stats.norm.cdf(z) + sigma * density
        risk_variant = -mu * stats.norm.cdf(-z) + sigma * density
    return risk_control, risk_variant


class EffectBayesianABTest(BaseABTest):
    def __init__(self, stat_a: TestStatistic, stat_b: TestStatistic, config: EffectBayesianConfig | None = None):
        super().__init__(stat_a, stat_b)
        config = config or EffectBayesianConfig()
        self.config = config
        self.alpha = config.alpha
        self.inverse = config.inverse
        self.relative = config.difference_type == "relative"
        prior = config.prior_effect
        baseline = np.asarray(self.stat_a.unadjusted_mean, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.relative and config.prior_type == "absolute":
                self.prior_mean = prior.mean / np.abs(baseline)
                self.prior_variance = prior.variance / baseline**2
            elif not self.relative and config.prior_type == "relative":
                self.prior_mean = prior.mean * np.abs(baseline)
                self.prior_variance = prior.variance * baseline**2
            else:
                self.prior_mean = np.asarray(prior.mean, float)
                self.prior_variance = np.asarray(prior.variance, float)
        self.prior_proper = prior.proper

    def errors(self) -> np.ndarray:
        a, b = self.stat_a, self.stat_b
        baseline_zero = (a.mean == 0) | (a.unadjusted_mean == 0)
        return first_error(
            self.shape,
            [
                (baseline_zero & self.relative, BASELINE_VARIATION_ZERO_MESSAGE),
                ((np.asarray(a.n) == 0) | (np.asarray(b.n) == 0), NO_UNITS_IN_VARIATION_MESSAGE),
                (self._has_zero_variance(), ZERO_NEGATIVE_VARIANCE_MESSAGE),
            ],
        )

    def posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the effect."""
        data_variance = self.effect_variance(self.relative)
        data_mean = self.effect(self.relative)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.prior_proper:
                precision = 1 / data_variance + 1 / self.prior_variance
                mean = (data_mean / data_variance + self.prior_mean / self.prior_variance) / precision
            else:
                precision = 1 / data_variance
                mean = data_mean
            return mean, np.sqrt(1 / precision)

    def compute_result(self) -> BayesianTestResult:
        shape = self.shape
        errors = self.errors()
        ok = np.equal(errors, None)
        mean, sd = (np.broadcast_to(x, shape) for x in self.posterior())
        with np.errstate(divide="ignore", invalid="ignore"):
            chance_to_win = stats.norm.sf(0.0, mean, sd)
            if self.inverse:
                chance_to_win = 1 - chance_to_win
            lower = stats.norm.ppf(self.alpha / 2, mean, sd)
            upper = stats.norm.ppf(1 - self.alpha / 2, mean, sd)
        risk_control, risk_variant = expected_loss(mean, sd)
        if self.inverse:
            risk_control, risk_variant = risk_variant, risk_control
        return BayesianTestResult(
            expected=as_output(np.where(ok, mean, 0.0)),
            ci_lower=as_output(np.where(ok, lower, 0.0)),
            ci_upper=as_output(np.where(ok, upper, 0.0)),
            stddev=as_output(np.where(ok, sd, 0.0)),
            chance_to_win=as_output(np.where(ok, chance_to_win, 0.5)),
            risk_control=as_output(np.where(ok, risk_control, 0.0)),
            risk_variant=as_output(np.where(ok, risk_variant, 0.0)),
            risk_type="relative" if self.relative else "absolute",
            error_message=as_output(errors),
        )
