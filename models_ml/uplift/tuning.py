"""Per-model LightGBM settings chosen by K-fold cross-validation on the model's own training loss.

Used by the meta-learners when ``tuning`` is set: each outcome, propensity and effect model picks its
leaves, smallest leaf and number of rounds on the data it is fitted to and the loss it minimises
(squared error, weighted for the R-learner's effect model; log-loss for a 0/1 target). Nothing
outside the training data is seen, so a learner is never tuned on its test split.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

__all__ = ["DEFAULT_GRID", "GBM_GRID", "LINEAR_TREE_GRID", "tune_lgbm"]

# Shapes from a stump-like model for a near-constant effect to a deep one for a rough baseline; the
# number of rounds is chosen along each curve (learning rate fixed by the caller).
GBM_GRID: tuple[dict[str, Any], ...] = (
    {"num_leaves": 2, "min_child_samples": 20},
    {"num_leaves": 4, "min_child_samples": 20},
    {"num_leaves": 8, "min_child_samples": 20},
    {"num_leaves": 16, "min_child_samples": 40},
)
# Trees whose leaves hold a ridge regression on the numeric features (LightGBM's linear_tree): a hinge
# such as max(x1 + x2 + x3, 0) takes two such leaves but a staircase of many constant ones.
LINEAR_TREE_GRID: tuple[dict[str, Any], ...] = (
    {"num_leaves": 2, "min_child_samples": 40, "linear_tree": True, "linear_lambda": 1.0},
    {"num_leaves": 4, "min_child_samples": 40, "linear_tree": True, "linear_lambda": 1.0},
    {"num_leaves": 8, "min_child_samples": 40, "linear_tree": True, "linear_lambda": 1.0},
)
# What ``tuning=k`` searches unless a learner's ``tuning_grid`` says otherwise: CV picks constant or
# linear leaves per model.
DEFAULT_GRID: tuple[dict[str, Any], ...] = GBM_GRID + LINEAR_TREE_GRID


def tune_lgbm(
    kind: str,
    base: dict[str, Any],
    X: np.ndarray,
    y: np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    categorical: list[int] | None = None,
    folds: int = 3,
    grid: tuple[dict[str, Any], ...] = DEFAULT_GRID,
    max_rounds: int = 300,
    random_state: int | None = 0,
) -> dict[str, Any]:
    """The settings of ``grid`` x rounds with the lowest mean out-of-fold loss, merged into ``base``.

    ``kind`` is "classifier" (log-loss) or "regressor" (squared error, weighted by ``sample_weight``).
    Every grid point is fitted once per fold with ``max_rounds`` trees; the whole validation curve is
    recorded, so the number of rounds costs nothing extra to choose.
    """
    if kind not in ("classifier", "regressor"):
        raise ValueError(f"kind must be 'classifier' or 'regressor', got {kind!r}")
    n = len(y)
    folds = max(2, min(int(folds), n // 10 if n >= 20 else 2))
    if kind == "classifier" and np.bincount(y.astype(int)).min() >= folds:
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=random_state).split(X, y))
    else:
        splits = list(KFold(folds, shuffle=True, random_state=random_state).split(X))
    metric = "binary_logloss" if kind == "classifier" else "l2"
    estimator = lgb.LGBMClassifier if kind == "classifier" else lgb.LGBMRegressor
    best_loss, best = np.inf, None
    for point in grid:
        params = {**base, **point, "n_estimators": max_rounds}
        curve = np.zeros(max_rounds)
        for train, valid in splits:
            weight = None if sample_weight is None else sample_weight[train]
            valid_weight = None if sample_weight is None else [sample_weight[valid]]
            model = estimator(**params).fit(
                X[train], y[train], sample_weight=weight, eval_X=X[valid], eval_y=y[valid],
                eval_sample_weight=valid_weight, eval_metric=metric, categorical_feature=categorical or "auto",
            )
            losses = np.asarray(model.evals_result_["valid_0"][metric])
            curve[: len(losses)] += losses * len(valid)
            curve[len(losses):] += losses[-1] * len(valid)
        rounds = int(np.argmin(curve))
        if curve[rounds] < best_loss:
            best_loss, best = curve[rounds], {**point, "n_estimators": rounds + 1}
    return {**base, **best}
