"""Frequency response: how a campaign's effect per user grows with the spend that reaches the user.

Users differ in how many impressions a campaign gives them mainly because they watch more or less
(activity is not changed by the ads, and is measured for holdout users too). Grouping a campaign's
study into exposure tiers by activity, each tier has a randomised holdout difference u_t and a spend
per treated user e_t. Fitting u(e) = a (1 - exp(-e / phi)) across tiers gives the curvature: the
marginal-to-average ratio at the current spend, rho = sum n e/phi exp(-e/phi) / sum n (1 - exp(-e/phi)),
which does not depend on a. rho = 1 means a linear response (marginal = average); rho -> 0 saturation.
Assumption: the effect a user would have at a given exposure does not depend on their activity.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats
from sklearn.base import BaseEstimator

_K_GRID = np.concatenate([[1e-9], np.geomspace(1e-4, 60.0, 4000)])


def marginal_ratio(k) -> np.ndarray:
    """Marginal / average return of a segment response A (1 - exp(-k x)) / (1 - exp(-k)) at x = 1."""
    k = np.asarray(k, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = k * np.exp(-k) / -np.expm1(-k)
    return np.where(k < 1e-8, 1.0, ratio)


_RHO_GRID = marginal_ratio(_K_GRID)  # decreasing in k


def saturation_from_ratio(rho) -> np.ndarray:
    """The k of a one-exponential segment response whose marginal/average ratio at x = 1 is rho."""
    rho = np.clip(np.asarray(rho, dtype=float), _RHO_GRID[-1], 1.0)
    return np.interp(-rho, -_RHO_GRID, _K_GRID)


def gain_fraction(k, change_share) -> np.ndarray:
    """Extra incremental conversions, as a share of the segment's current ones, when its spend changes
    by `change_share` (e.g. +0.2), under the response A (1 - exp(-k x)) / (1 - exp(-k))."""
    k = np.asarray(k, dtype=float)
    f = np.asarray(change_share, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = np.exp(-k) * -np.expm1(-k * f) / -np.expm1(-k)
    return np.where(k < 1e-8, f, value)


def _rho_of_phi(phi, exposure, weight) -> np.ndarray:
    phi = np.asarray(phi, dtype=float)[..., None]
    x = exposure / phi
    return np.sum(weight * x * np.exp(-x), axis=-1) / np.sum(weight * -np.expm1(-x), axis=-1)


class FrequencyResponse(BaseEstimator):
    """fit(exposure, uplift, uplift_se, users) over a campaign's exposure tiers -> self.

    Learned: amplitude_, scale_ (phi, spend per user), log_scale_se_, ratio_ (rho at the current
    spend), ratio_ci_ (at `confidence`), identified_ (the fit converged, the amplitude is positive
    and the ratio's interval is narrower than `max_ratio_width`), status_ (words for the report).
    """

    def __init__(self, confidence: float = 0.9, max_ratio_width: float = 0.4, min_tiers: int = 3):
        self.confidence = confidence
        self.max_ratio_width = max_ratio_width
        self.min_tiers = min_tiers

    def fit(self, exposure, uplift, uplift_se, users) -> FrequencyResponse:
        e, u, s, n = (np.asarray(x, dtype=float) for x in (exposure, uplift, uplift_se, users))
        ok = np.isfinite(u) & np.isfinite(s) & (s > 0) & (e > 0)
        e, u, s, n = e[ok], u[ok], s[ok], n[ok]
        self.exposure_, self.weight_ = e, n
        self.amplitude_, self.scale_, self.log_scale_se_ = np.nan, np.nan, np.nan
        self.ratio_, self.ratio_ci_ = np.nan, (0.0, 1.0)
        self.identified_ = False
        if len(e) < self.min_tiers:
            self.status_ = f"not identified: {len(e)} exposure tier(s) with an estimate, need {self.min_tiers}"
            return self

        def residuals(params):
            amplitude, log_phi = params
            return (u - amplitude * -np.expm1(-e / np.exp(log_phi))) / s

        best = None
        for start in np.log(np.median(e) * np.array([0.25, 1.0, 4.0])):
            amp0 = max(float(np.max(u)), 1e-6)
            fit = optimize.least_squares(residuals, x0=[amp0, start], bounds=([-np.inf, np.log(e.min() / 100)],
                                                                              [np.inf, np.log(e.max() * 100)]))
            if best is None or fit.cost < best.cost:
                best = fit
        amplitude, log_phi = best.x
        try:
            covariance = np.linalg.inv(best.jac.T @ best.jac)
            log_se = float(np.sqrt(covariance[1, 1]))
        except np.linalg.LinAlgError:
            log_se = np.inf
        z = stats.norm.ppf(0.5 + self.confidence / 2)
        self.amplitude_, self.scale_, self.log_scale_se_ = float(amplitude), float(np.exp(log_phi)), log_se
        if amplitude <= 0 or not np.isfinite(log_se):
            self.status_ = "not identified: the effect does not grow with exposure across tiers"
            return self
        self.ratio_ = float(_rho_of_phi(self.scale_, e, n))
        # rho increases with phi: the interval maps through
        lower = float(_rho_of_phi(np.exp(log_phi - z * log_se), e, n))
        upper = float(_rho_of_phi(np.exp(log_phi + z * log_se), e, n)) if np.isfinite(log_se) else 1.0
        if not (np.isfinite(lower) and np.isfinite(upper)):
            lower, upper = 0.0, 1.0
        self.ratio_ci_ = (float(np.clip(lower, 0, 1)), float(np.clip(upper, 0, 1)))
        lower, upper = self.ratio_ci_
        self.identified_ = upper - lower <= self.max_ratio_width
        self.status_ = ("estimated from the frequency response" if self.identified_ else
                        f"not identified: the marginal/average ratio could be anywhere in {lower:.2f}-{upper:.2f}")
        return self

    def sample_ratio(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """Draws of rho: from the fit's sampling distribution of log phi when identified, else uniform on
        the ratio's interval ([0, 1] without a fit): a concave response is all we then assume."""
        if not self.identified_:
            return rng.uniform(*self.ratio_ci_, n_draws)
        log_phi = np.log(self.scale_) + self.log_scale_se_ * rng.standard_normal(n_draws)
        return _rho_of_phi(np.exp(log_phi), self.exposure_, self.weight_)
