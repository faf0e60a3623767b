"""Planning: power, minimum detectable effect and sample size of a two-arm test.

gbstats 0.8.0 has no power module, so these are the textbook normal-approximation formulas for
the same test the reports run: equal users per arm, equal per-user variance sigma^2 in both arms
(for a conversion rate use p(1 - p) of the baseline), and the standard error of the effect

    absolute: se = sigma * sqrt(2 / n)
    relative: se = sigma / (|mu| sqrt(n)) * sqrt(1 + (1 + effect)^2)     (delta method, as the test)

where n is users per arm, mu the baseline mean and `effect` the lift to detect (0.05 = +5%).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats

from models_ml.experiments.statistics import ArrayLike

Alternative = Literal["two-sided", "greater"]

__all__ = ["effect_standard_error", "power", "minimum_detectable_effect", "sample_size_per_variant"]


def _z_alpha(alpha: float, alternative: Alternative) -> float:
    return float(stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha))


def effect_standard_error(
    effect: ArrayLike, baseline_mean: ArrayLike, baseline_variance: ArrayLike, n_per_variant: ArrayLike,
    relative: bool = True,
) -> np.ndarray:
    """Standard error of the estimated effect with n users in each arm."""
    effect, mu, var, n = (np.asarray(x, dtype=float) for x in (effect, baseline_mean, baseline_variance, n_per_variant))
    if relative:
        return np.sqrt(var / (mu**2 * n) * (1 + (1 + effect) ** 2))
    return np.sqrt(2 * var / n)


def power(
    effect: ArrayLike, baseline_mean: ArrayLike, baseline_variance: ArrayLike, n_per_variant: ArrayLike,
    alpha: float = 0.05, relative: bool = True, alternative: Alternative = "two-sided",
) -> np.ndarray:
    """Probability that the test rejects H0 when the true effect is `effect` (both tails if two-sided)."""
    se = effect_standard_error(effect, baseline_mean, baseline_variance, n_per_variant, relative)
    z = np.asarray(effect, dtype=float) / se
    z_alpha = _z_alpha(alpha, alternative)
    if alternative == "two-sided":
        return stats.norm.cdf(z - z_alpha) + stats.norm.cdf(-z - z_alpha)
    return stats.norm.cdf(z - z_alpha)


def minimum_detectable_effect(
    baseline_mean: ArrayLike, baseline_variance: ArrayLike, n_per_variant: ArrayLike,
    power: float = 0.8, alpha: float = 0.05, relative: bool = True, alternative: Alternative = "two-sided",
) -> np.ndarray:
    """Smallest positive effect detected with the given power (the far tail is ignored).

    Relative: solves effect = k * sqrt(1 + (1 + effect)^2) with k = (z_a + z_b) sigma / (|mu| sqrt n),
    i.e. effect = (k^2 + k sqrt(2 - k^2)) / (1 - k^2); NaN when k >= 1 (no lift is detectable).
    """
    mu, var, n = (np.asarray(x, dtype=float) for x in (baseline_mean, baseline_variance, n_per_variant))
    z_sum = _z_alpha(alpha, alternative) + float(stats.norm.ppf(power))
    if not relative:
        return z_sum * np.sqrt(2 * var / n)
    k = z_sum * np.sqrt(var) / (np.abs(mu) * np.sqrt(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        mde = (k**2 + k * np.sqrt(2 - k**2)) / (1 - k**2)
    return np.where(k < 1, mde, np.nan)


def sample_size_per_variant(
    effect: ArrayLike, baseline_mean: ArrayLike, baseline_variance: ArrayLike,
    power: float = 0.8, alpha: float = 0.05, relative: bool = True, alternative: Alternative = "two-sided",
) -> np.ndarray:
    """Users needed in each arm to detect `effect` with the given power (rounded up)."""
    effect, mu, var = (np.asarray(x, dtype=float) for x in (effect, baseline_mean, baseline_variance))
    z_sum = _z_alpha(alpha, alternative) + float(stats.norm.ppf(power))
    if relative:
        n = z_sum**2 * var * (1 + (1 + effect) ** 2) / (mu**2 * effect**2)
    else:
        n = 2 * z_sum**2 * var / effect**2
    return np.ceil(n)
