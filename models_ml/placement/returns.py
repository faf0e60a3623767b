"""Holdout difference per user from per-arm sufficient statistics (Welch), refusing degenerate arms.

The same rule as the campaign lift (models_ml.experiments.holdout_lift): an arm without any conversion
has no variance estimate, so the difference gets no standard error and the cell is not estimable.
"""

from __future__ import annotations

import numpy as np


def _arm_variance_of_mean(n: np.ndarray, total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (squares - total * total / n) / (n - 1)
        return np.maximum(variance, 0.0) / n


def holdout_difference(treated_n, treated_sum, treated_squares, holdout_n, holdout_sum, holdout_squares,
                       min_arm_users: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-user treated minus holdout mean, its Welch standard error, and why a row is not estimable.

    Returns (difference, standard_error, reason); reason is None where estimable, else one of
    'too_few_users' (an arm below `min_arm_users`) or 'zero_conversion_arm' (no variance in an arm).
    """
    tn, ts, tq = (np.asarray(x, dtype=float) for x in (treated_n, treated_sum, treated_squares))
    hn, hs, hq = (np.asarray(x, dtype=float) for x in (holdout_n, holdout_sum, holdout_squares))
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = ts / tn - hs / hn
        se = np.sqrt(_arm_variance_of_mean(tn, ts, tq) + _arm_variance_of_mean(hn, hs, hq))
    reason = np.full(tn.shape, None, dtype=object)
    reason[(ts <= 0) | (hs <= 0)] = "zero_conversion_arm"
    reason[(tn < min_arm_users) | (hn < min_arm_users)] = "too_few_users"
    bad = reason != None  # noqa: E711 (elementwise)
    difference = np.where(bad, np.nan, difference)
    se = np.where(bad, np.nan, se)
    return difference, se, reason
