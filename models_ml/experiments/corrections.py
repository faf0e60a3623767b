"""Multiple-testing corrections over the metrics x variants of one experiment slice.

Holm-Bonferroni controls the family-wise error rate (the chance of any false positive);
Benjamini-Hochberg controls the false discovery rate (the expected share of false positives
among the results called significant) and is less strict when many metrics are tracked.
`adjusted_intervals` widens each interval so that it excludes 0 exactly when the corrected p-value is
below alpha: interval and significance then tell one story.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

CorrectionMethod = Literal["holm", "bh", "none"]

__all__ = ["CorrectionMethod", "adjust_p_values", "adjusted_intervals", "holm_bonferroni", "benjamini_hochberg"]

# GrowthBook's cut-off: a corrected p-value this close to 1 leaves no evidence, the interval is unbounded.
UNBOUNDED_P = 0.999999


def adjust_p_values(
    p_values: np.ndarray, method: CorrectionMethod = "holm", groups: np.ndarray | None = None
) -> np.ndarray:
    """Adjusted p-values, each family (`groups` code) corrected on its own.

    NaN p-values (tests that could not be run) are left NaN and do not count in a family's size.
    Holm: p_(i) * (m - i + 1), made monotone with a running maximum. BH: p_(i) * m / i, made
    monotone with a running minimum from the largest p down. Both are capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    if method == "none":
        return p.copy()
    if method not in ("holm", "bh"):
        raise ValueError(f"unknown correction method {method!r}")
    group = np.zeros(p.shape, dtype=np.int64) if groups is None else np.asarray(groups)
    valid = ~np.isnan(p)
    frame = pd.DataFrame({"group": group[valid], "p": p[valid], "position": np.flatnonzero(valid)})
    frame = frame.sort_values(["group", "p"], kind="stable")
    by_group = frame.groupby("group", sort=False)
    rank = by_group.cumcount().to_numpy() + 1
    m = by_group["p"].transform("size").to_numpy()
    if method == "holm":
        frame["scaled"] = np.minimum(frame["p"].to_numpy() * (m - rank + 1), 1.0)
        adjusted = frame.groupby("group", sort=False)["scaled"].cummax().to_numpy()
    else:
        frame["scaled"] = np.minimum(frame["p"].to_numpy() * m / rank, 1.0)
        reverse = frame.iloc[::-1]
        adjusted = reverse.groupby("group", sort=False)["scaled"].cummin().to_numpy()[::-1]
    # never below the raw p-value: p * m / m can round one ulp under p (274 tied p-values did, failing the
    # posting mart's q_value >= p_value test on the default demo)
    adjusted = np.maximum(adjusted, frame["p"].to_numpy())
    out = np.full(p.shape, np.nan)
    out[frame["position"].to_numpy()] = adjusted
    return out


def holm_bonferroni(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values of one family."""
    return adjust_p_values(p_values, "holm")


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg step-up adjusted p-values (q-values) of one family."""
    return adjust_p_values(p_values, "bh")


def adjusted_intervals(
    estimate: np.ndarray, lower: np.ndarray, upper: np.ndarray, p_adjusted: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided intervals that follow the corrected p-values (GrowthBook's `getAdjustedCI`).

    The standard error is backed out of the corrected p-value, se = |estimate| / z(1 - p_adj / 2), and
    the interval is estimate +- z(1 - alpha / 2) * se; it therefore excludes 0 exactly when p_adj < alpha.
    The interval is only ever widened: where the corrected one is not wider than (lower, upper), the
    original is kept (it then excludes 0 only if the raw p does, and raw p <= corrected p). A corrected
    p-value above UNBOUNDED_P gives (-inf, inf). NaN p-values (untested rows) keep the original.
    """
    estimate, lower, upper, p_adj = (np.asarray(x, dtype=float) for x in (estimate, lower, upper, p_adjusted))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.norm.isf(alpha / 2) * np.abs(estimate) / stats.norm.isf(p_adj / 2)
    unbounded = p_adj > UNBOUNDED_P
    wider = (estimate - half < lower) & (estimate + half > upper)
    new_lower = np.where(unbounded, -np.inf, np.where(wider, estimate - half, lower))
    new_upper = np.where(unbounded, np.inf, np.where(wider, estimate + half, upper))
    untested = np.isnan(p_adj)
    return np.where(untested, lower, new_lower), np.where(untested, upper, new_upper)
