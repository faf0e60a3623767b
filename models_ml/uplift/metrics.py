"""Uplift evaluation metrics: Qini and uplift curves, their normalised areas, uplift@k, deciles.

The definitions follow scikit-uplift 0.5.1 (``sklift.metrics``) exactly, so numbers in our
reports can be checked against a widely used reference; the implementation is vectorised
numpy with no dependency on sklift. Users are ranked by predicted uplift, highest first;
ties in the prediction are treated as one block (the curves only have a point where the
prediction changes), as in sklift.

All functions take ``y_true`` (the outcome: 1 = converted), ``uplift`` (a model's score,
higher = target first) and ``treatment`` (1 = eligible to see the campaign, 0 = holdout).
Curves, ``uplift_at_k`` and ``uplift_by_decile`` also accept a continuous outcome (e.g.
revenue per user); the normalised scores need a binary one because their "perfect" curve is
defined for conversions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "qini_auc_score",
    "qini_curve",
    "random_qini_curve",
    "random_uplift_curve",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_by_decile",
    "uplift_curve",
]


def _as_1d(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _check_inputs(
    y_true: ArrayLike, uplift: ArrayLike | None, treatment: ArrayLike, binary_outcome: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Validate and convert; both arms must be present, since every metric contrasts them."""
    y = _as_1d("y_true", y_true)
    t = _as_1d("treatment", treatment)
    u = None if uplift is None else _as_1d("uplift", uplift)
    lengths = {"y_true": len(y), "treatment": len(t)} | ({} if u is None else {"uplift": len(u)})
    if len(set(lengths.values())) != 1:
        raise ValueError(f"inputs have different lengths: {lengths}")
    if len(y) == 0:
        raise ValueError("inputs are empty")
    if not np.isin(t, (0, 1)).all():
        raise ValueError(f"treatment must be 0 (holdout) or 1 (treated); got values {np.unique(t)[:10]}")
    t = t.astype(np.float64)
    if not t.any():
        raise ValueError("treatment has no treated rows (treatment == 1)")
    if t.all():
        raise ValueError("treatment has no control rows (treatment == 0)")
    if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
        raise ValueError(f"y_true must be numeric, got dtype {y.dtype}")
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise ValueError("y_true contains NaN or infinite values")
    if binary_outcome:
        if not np.isin(y, (0, 1)).all():
            raise ValueError(
                "y_true must be binary (0/1) for this score: its perfect curve is defined for conversions; "
                f"got values such as {np.unique(y)[:10]}"
            )
        if not y.any() or y.all():
            raise ValueError("y_true must contain both 0 and 1: with a single outcome the score is undefined")
    if u is not None:
        u = u.astype(np.float64)
        if np.isnan(u).any():
            raise ValueError("uplift contains NaN values")
    return y, u, t


def _descending_order(uplift: np.ndarray) -> np.ndarray:
    """Highest predicted uplift first; among ties, later rows first (sklift's reversed stable sort)."""
    return np.argsort(uplift, kind="mergesort")[::-1]


def _cumulative_counts(y: np.ndarray, uplift: np.ndarray, t: np.ndarray):
    """Cumulative group sizes and outcome sums at each distinct-score threshold, best users first."""
    order = _descending_order(uplift)
    y, uplift, t = y[order], uplift[order], t[order]
    thresholds = np.r_[np.flatnonzero(np.diff(uplift)), uplift.size - 1]
    num_all = thresholds + 1
    num_trmnt = np.cumsum(t)[thresholds]
    num_ctrl = num_all - num_trmnt
    y_trmnt = np.cumsum(y * t)[thresholds]
    y_ctrl = np.cumsum(y * (1.0 - t))[thresholds]
    return num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl


def _trapezoid(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


def qini_curve(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Qini curve: incremental conversions among the top-x users, control scaled to the treated count.

    Point at x users: ``Y_t(x) - Y_c(x) * N_t(x) / N_c(x)`` (Radcliffe 2007). Returns ``(x, qini)``
    with a leading (0, 0).
    """
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=False)
    num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl = _cumulative_counts(y, u, t)
    values = y_trmnt - y_ctrl * _safe_divide(num_trmnt, num_ctrl)
    return np.r_[0, num_all], np.r_[0.0, values]


def uplift_curve(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Uplift curve: difference in conversion rates among the top-x users, times x.

    Point at x users: ``(Y_t(x)/N_t(x) - Y_c(x)/N_c(x)) * x``, a rate treated as 0 while its group
    is empty. Returns ``(x, uplift)`` with a leading (0, 0).
    """
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=False)
    num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl = _cumulative_counts(y, u, t)
    values = (_safe_divide(y_trmnt, num_trmnt) - _safe_divide(y_ctrl, num_ctrl)) * num_all
    return np.r_[0, num_all], np.r_[0.0, values]


def perfect_qini_curve(
    y_true: ArrayLike, treatment: ArrayLike, negative_effect: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The best achievable Qini curve given the observed outcomes (the normaliser of the Qini coefficient).

    With ``negative_effect`` the oracle ranks treated converters first and control converters last,
    so the curve rises and then falls; without it, the curve climbs straight to the total
    incremental conversions and stays flat (sklift's two variants).
    """
    if not isinstance(negative_effect, bool):
        raise TypeError(f"negative_effect must be bool, got {type(negative_effect).__name__}")
    y, _, t = _check_inputs(y_true, None, treatment, binary_outcome=False)
    if negative_effect:
        return qini_curve(y, y * t - y * (1.0 - t), t)
    n_trmnt = t.sum()
    total = y[t == 1].sum() - n_trmnt * y[t == 0].sum() / (len(t) - n_trmnt)
    return np.array([0.0, total, len(y)]), np.array([0.0, total, total])


def perfect_uplift_curve(y_true: ArrayLike, treatment: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The best achievable uplift curve: treated converters and control non-converters first.

    Which of control converters or treated non-converters goes last depends on which is more
    numerous, as in sklift.
    """
    y, _, t = _check_inputs(y_true, None, treatment, binary_outcome=True)
    control_responders = np.sum((y == 1) & (t == 0))
    treated_non_responders = np.sum((y == 0) & (t == 1))
    summand = y if control_responders > treated_non_responders else t
    return uplift_curve(y, 2.0 * (y == t) + summand, t)


def random_qini_curve(y_true: ArrayLike, treatment: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Random targeting: the straight line from (0, 0) to (n, total incremental conversions)."""
    y, _, t = _check_inputs(y_true, None, treatment, binary_outcome=False)
    x, curve = qini_curve(y, np.zeros_like(y), t)
    return np.array([0, x[-1]]), np.array([0.0, curve[-1]])


def random_uplift_curve(y_true: ArrayLike, treatment: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Random targeting: the straight line from (0, 0) to (n, n * overall uplift)."""
    y, _, t = _check_inputs(y_true, None, treatment, binary_outcome=False)
    x, curve = uplift_curve(y, np.zeros_like(y), t)
    return np.array([0, x[-1]]), np.array([0.0, curve[-1]])


def _normalised_area(actual: tuple, perfect: tuple) -> float:
    """(area under actual - area under the random diagonal) / (same for the perfect curve)."""
    x_perfect, y_perfect = perfect
    baseline = _trapezoid(np.array([0.0, x_perfect[-1]]), np.array([0.0, y_perfect[-1]]))
    perfect_area = _trapezoid(*perfect) - baseline
    return (_trapezoid(*actual) - baseline) / perfect_area


def qini_auc_score(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, negative_effect: bool = True
) -> float:
    """Qini coefficient: area between the Qini curve and random targeting, relative to the perfect curve.

    0 is random targeting, 1 is the oracle; a negative value ranks persuadables last.
    """
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=True)
    return _normalised_area(qini_curve(y, u, t), perfect_qini_curve(y, t, negative_effect))


def uplift_auc_score(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """AUUC: area between the uplift curve and random targeting, relative to the perfect uplift curve."""
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=True)
    return _normalised_area(uplift_curve(y, u, t), perfect_uplift_curve(y, t))


def uplift_at_k(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, strategy: str, k: float | int = 0.3
) -> float:
    """Observed uplift (treated rate - control rate) among the top k users by predicted uplift.

    ``k`` is a share in (0, 1) or a count. ``strategy='overall'`` takes the top k of all users and
    compares the arms within them; ``'by_group'`` takes the top k of each arm separately. NaN when
    an arm has no user in the top k ('overall').
    """
    strategies = ("overall", "by_group")
    if strategy not in strategies:
        raise ValueError(f"strategy must be one of {strategies}, got {strategy!r}")
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=False)
    n_samples = len(y)
    k_kind = np.asarray(k).dtype.kind
    if k_kind not in ("i", "f"):
        raise ValueError(f"k must be a float share or an int count, got {k!r}")
    if (k_kind == "i" and not 0 < k < n_samples) or (k_kind == "f" and not 0 < k < 1):
        raise ValueError(
            f"k={k} must be a float in (0, 1) or an int in (0, {n_samples}) (the number of samples)"
        )
    order = _descending_order(u)
    y, t = y[order], t[order]
    if strategy == "overall":
        n_top = int(n_samples * k) if k_kind == "f" else int(k)
        y_top, t_top = y[:n_top], t[:n_top]
        return _mean_or_nan(y_top[t_top == 1]) - _mean_or_nan(y_top[t_top == 0])
    n_trmnt_all = int(t.sum())
    n_ctrl_all = n_samples - n_trmnt_all
    if k_kind == "f":
        n_trmnt, n_ctrl = int(n_trmnt_all * k), int(n_ctrl_all * k)
    else:
        n_trmnt = n_ctrl = int(k)
    if n_ctrl > n_ctrl_all or n_trmnt > n_trmnt_all:
        raise ValueError(
            f"k={k} exceeds the size of an arm (treated {n_trmnt_all}, control {n_ctrl_all}) for 'by_group'"
        )
    return _mean_or_nan(y[t == 1][:n_trmnt]) - _mean_or_nan(y[t == 0][:n_ctrl])


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def uplift_by_decile(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, bins: int = 10
) -> pd.DataFrame:
    """Observed vs predicted uplift per decile of predicted uplift, for the campaign report.

    Users are sorted by predicted uplift (highest first) and split into ``bins`` groups of
    near-equal size (``np.array_split``, as sklift's ``uplift_by_percentile`` with
    ``strategy='overall'``); decile 1 holds the users predicted most persuadable. A well-ranked
    model shows observed uplift falling with the decile. Rates are NaN where an arm is empty.
    """
    if not isinstance(bins, int | np.integer) or bins <= 0:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    y, u, t = _check_inputs(y_true, uplift, treatment, binary_outcome=False)
    if bins > len(y):
        raise ValueError(f"bins={bins} is larger than the number of users ({len(y)})")
    order = _descending_order(u)
    y, u, t = y[order], u[order], t[order]
    base, extra = divmod(len(y), bins)
    sizes = np.full(bins, base) + (np.arange(bins) < extra)
    label = np.repeat(np.arange(bins), sizes)
    n_treated = np.bincount(label, weights=t, minlength=bins)
    n_users = sizes.astype(np.float64)
    n_control = n_users - n_treated
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_treated = np.bincount(label, weights=y * t, minlength=bins) / n_treated
        rate_control = np.bincount(label, weights=y * (1.0 - t), minlength=bins) / n_control
    return pd.DataFrame(
        {
            "decile": np.arange(1, bins + 1),
            "n_treated": n_treated.astype(np.int64),
            "n_control": n_control.astype(np.int64),
            "rate_treated": rate_treated,
            "rate_control": rate_control,
            "observed_uplift": rate_treated - rate_control,
            "mean_predicted_uplift": np.bincount(label, weights=u, minlength=bins) / n_users,
        }
    )
