"""Sample-ratio mismatch: does the observed split of users match the configured traffic weights?

A low p-value means the assignment or the logging is broken, and no metric result of that
experiment (in that dimension slice and day) should be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["check_srm", "srm_p_values", "srm_by_slice", "SRM_SLICE_COLUMNS"]

SRM_SLICE_COLUMNS = ["experiment_id", "dimension_name", "dimension_value", "day_index"]


def srm_p_values(groups: np.ndarray, users: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pearson chi-square p-value per group of arms (one row per arm, `groups` = integer codes).

    As gbstats 0.8.0 `check_srm`: arms with weight <= 0 add nothing to the statistic but still
    count in the degrees of freedom (arms - 1); a group with no users gets p = 1.
    """
    groups = np.asarray(groups, dtype=np.int64)
    users = np.asarray(users, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    total_users = np.bincount(groups, weights=users, minlength=n_groups)
    positive = weights > 0
    total_weight = np.bincount(groups, weights=weights, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        expected = weights / total_weight[groups] * total_users[groups]
        contribution = np.where(positive & (expected > 0), (users - expected) ** 2 / expected, 0.0)
    statistic = np.bincount(groups, weights=contribution, minlength=n_groups)
    arms = np.bincount(groups, minlength=n_groups)
    p_value = stats.chi2.sf(statistic, arms - 1)
    return np.where(total_users == 0, 1.0, p_value)


def check_srm(users: Sequence[float], weights: Sequence[float]) -> float:
    """SRM p-value of one experiment slice: users per arm and the configured weights."""
    p = srm_p_values(np.zeros(len(users), dtype=np.int64), np.asarray(users), np.asarray(weights))
    return float(p[0])


def srm_by_slice(stats_df: pd.DataFrame) -> pd.DataFrame:
    """One row per experiment x dimension value x day: arms, analysed users, chi-square and p-value.

    Input: the warehouse's sufficient statistics (one row per arm x metric x slice; `n_users` and
    `variant_weight` repeat over metrics, so one row per arm is taken).
    """
    missing = [c for c in [*SRM_SLICE_COLUMNS, "variant_id", "n_users", "variant_weight"] if c not in stats_df]
    if missing:
        raise ValueError(f"stats_df lacks columns {missing}")
    arms = stats_df.drop_duplicates([*SRM_SLICE_COLUMNS, "variant_id"])
    codes = arms.groupby(SRM_SLICE_COLUMNS, sort=True, dropna=False).ngroup().to_numpy()
    users = arms["n_users"].to_numpy(dtype=float)
    weights = arms["variant_weight"].to_numpy(dtype=float)
    keys = arms.groupby(SRM_SLICE_COLUMNS, sort=True, dropna=False).size().reset_index(name="arms")
    keys["analysed_users"] = np.bincount(codes, weights=users, minlength=len(keys)).astype(np.int64)
    keys["srm_p_value"] = srm_p_values(codes, users, weights)
    return keys
