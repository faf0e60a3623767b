"""Multiple-testing corrections over the metrics x variants of one experiment slice.

Holm-Bonferroni controls the family-wise error rate (the chance of any false positive);
Benjamini-Hochberg controls the false discovery rate (the expected share of false positives
among the results called significant) and is less strict when many metrics are tracked.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

CorrectionMethod = Literal["holm", "bh", "none"]

__all__ = ["CorrectionMethod", "adjust_p_values", "holm_bonferroni", "benjamini_hochberg"]


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
    out = np.full(p.shape, np.nan)
    out[frame["position"].to_numpy()] = adjusted
    return out


def holm_bonferroni(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values of one family."""
    return adjust_p_values(p_values, "holm")


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg step-up adjusted p-values (q-values) of one family."""
    return adjust_p_values(p_values, "bh")
