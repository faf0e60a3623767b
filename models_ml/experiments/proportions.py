"""Intervals for a single binomial proportion (a rate of successes over trials, e.g. CTR per bucket).

The Wilson score interval (Wilson 1927; Agresti & Coull 1998): unlike the normal (Wald) interval it
stays inside [0, 1] and keeps its coverage when the rate is near 0 or the trials are few, which is
what a bucket with a handful of clicks needs. Checked against scipy's `binomtest(...).proportion_ci`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["wilson_interval"]


def wilson_interval(successes, trials, z: float) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) of the Wilson score interval at normal quantile `z`, element-wise.

    NaN where there are no trials (the rate is undefined). Bounds are clipped to [0, 1] against
    floating-point spill at a rate of exactly 0 or 1.
    """
    if not np.isfinite(z) or z <= 0:
        raise ValueError(f"wilson_interval: z must be a positive number, not {z!r}")
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(k < 0) or np.any(n < 0) or np.any(k > n):
        raise ValueError("wilson_interval: successes and trials must satisfy 0 <= successes <= trials")
    with np.errstate(divide="ignore", invalid="ignore"):
        n_safe = np.where(n > 0, n, np.nan)
        p = k / n_safe
        centre = p + z * z / (2 * n_safe)
        half = z * np.sqrt(p * (1 - p) / n_safe + z * z / (4 * n_safe * n_safe))
        denominator = 1 + z * z / n_safe
        lower = np.maximum(0.0, (centre - half) / denominator)
        upper = np.minimum(1.0, (centre + half) / denominator)
    return lower, upper
