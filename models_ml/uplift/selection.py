"""Choose a campaign's uplift learner on its own data: the candidate with the lowest validation R-loss.

The R-loss (Nie & Wager 2021) of an effect estimate tau on users (x, t, y) is
``mean(((y - m(x)) - tau(x) * (t - e(x)))**2)`` with m(x) = E[y | x] and e(x) = P(treated | x). Its
expectation is smallest for the true effect, so it ranks candidate effect models without knowing the
effect. ``LearnerSelector`` fits every candidate on part of the training data, scores the R-loss on the
rest (with m fitted on the rest by cross-fitting and e the treated share, or a model), serves the winner
refitted on all the training data and keeps the table of losses, so the choice can be shown.
"""

from __future__ import annotations

import numbers
from typing import Any, Self

import lightgbm as lgb
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold, train_test_split

from models_ml.uplift.learners import (
    _check_outcome,
    _check_propensity,
    _check_treatment,
    _FeatureEncoder,
    _n_rows,
)
from models_ml.uplift.metrics import qini_auc_score

__all__ = ["LearnerSelector", "r_loss"]

_CRITERIA = ("r_loss", "qini")


def r_loss(y: ArrayLike, treatment: ArrayLike, uplift: ArrayLike, outcome_mean: ArrayLike,
           propensity: ArrayLike | float) -> float:
    """Mean of ``((y - m) - tau * (t - e))**2``: lower is a better effect estimate (same m and e for all)."""
    y, t, tau, m = (np.asarray(a, dtype=np.float64) for a in (y, treatment, uplift, outcome_mean))
    e = np.asarray(propensity, dtype=np.float64)
    if not (len(y) == len(t) == len(tau) == len(m)):
        raise ValueError("y, treatment, uplift and outcome_mean must have the same length")
    if np.isnan(tau).any():
        raise ValueError("uplift contains NaN values")
    return float(np.mean(((y - m) - tau * (t - e)) ** 2))


class LearnerSelector(BaseEstimator):
    """Fit each candidate on ``1 - validation_share`` of the users; serve the one with the lowest R-loss on the rest.

    ``candidates`` maps a name to an unfitted uplift estimator (``fit(X, treatment, y)``, ``predict(X)``).
    The outcome model m of the R-loss is a LightGBM model (classifier for a 0/1 outcome) with
    ``outcome_params``, cross-fitted over ``n_folds`` folds of the validation users; ``propensity`` is
    ``"observed"`` (the treated share of the validation users, right for a randomised holdout), a float,
    or ``"model"`` (a cross-fitted LightGBM classifier). ``criterion="qini"`` (0/1 outcomes) serves the highest
    Qini coefficient on the validation users instead of the lowest R-loss. After ``fit``: ``selected_`` (the
    winner's name), ``validation_losses_`` (name -> R-loss; NaN for a candidate whose fit failed, with the
    error in ``failures_``), ``validation_qini_`` (name -> Qini coefficient, NaN for a continuous outcome) and
    ``model_``, the winner refitted on all users.
    """

    def __init__(
        self,
        candidates: dict[str, Any],
        *,
        validation_share: float = 0.3,
        propensity: float | str = "observed",
        n_folds: int = 3,
        outcome_params: dict[str, Any] | None = None,
        refit: bool = True,
        criterion: str = "r_loss",
        random_state: int | None = None,
    ) -> None:
        self.candidates = candidates
        self.validation_share = validation_share
        self.propensity = propensity
        self.n_folds = n_folds
        self.outcome_params = outcome_params
        self.refit = refit
        self.criterion = criterion
        self.random_state = random_state

    def fit(self, X: pd.DataFrame | ArrayLike, treatment: ArrayLike, y: ArrayLike) -> Self:
        """Validate every candidate, then refit the winner on all of (X, treatment, y)."""
        if not self.candidates:
            raise ValueError("candidates is empty: pass at least one uplift learner")
        if not (isinstance(self.validation_share, numbers.Real) and 0.0 < self.validation_share < 1.0):
            raise ValueError(f"validation_share must be in (0, 1), got {self.validation_share!r}")
        _check_propensity(self.propensity)
        if self.criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {self.criterion!r}")
        n_rows = _n_rows(X)
        t = _check_treatment(treatment, n_rows)
        y = _check_outcome(y, n_rows)
        rows = np.arange(n_rows)
        fit_rows, valid_rows = train_test_split(rows, test_size=self.validation_share, stratify=t,
                                                random_state=self.random_state)
        fit_rows, valid_rows = np.sort(fit_rows), np.sort(valid_rows)
        m, e = self._nuisance(_take(X, valid_rows), t[valid_rows], y[valid_rows])
        binary = bool(np.isin(y, (0.0, 1.0)).all())
        if self.criterion == "qini" and not binary:
            raise ValueError("criterion='qini' needs a 0/1 outcome; use 'r_loss' for a continuous one")
        self.validation_losses_: dict[str, float] = {}
        self.validation_qini_: dict[str, float] = {}
        self.failures_: dict[str, str] = {}
        for name, candidate in self.candidates.items():
            try:
                model = clone(candidate).fit(_take(X, fit_rows), t[fit_rows], y[fit_rows])
                uplift = model.predict(_take(X, valid_rows))
                self.validation_losses_[name] = r_loss(y[valid_rows], t[valid_rows], uplift, m, e)
                self.validation_qini_[name] = _qini(y[valid_rows], uplift, t[valid_rows], binary)
            except ValueError as error:
                self.validation_losses_[name] = float("nan")
                self.validation_qini_[name] = float("nan")
                self.failures_[name] = str(error)
        finite = {name: loss for name, loss in self.validation_losses_.items() if np.isfinite(loss)}
        if not finite:
            raise ValueError("no candidate could be fitted: " + "; ".join(f"{k}: {v}" for k, v in self.failures_.items()))
        if self.criterion == "qini":
            finite = {name: -self.validation_qini_[name] for name in finite if np.isfinite(self.validation_qini_[name])}
            if not finite:
                raise ValueError("the validation Qini is undefined (no converter among the validation users)")
        self.selected_ = min(finite, key=finite.get)  # ties: the first candidate listed
        winner = clone(self.candidates[self.selected_])
        self.model_ = winner.fit(X, t, y) if self.refit else winner.fit(_take(X, fit_rows), t[fit_rows], y[fit_rows])
        return self

    def predict(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        """The selected learner's uplift per user."""
        if not hasattr(self, "model_"):
            raise ValueError("this LearnerSelector is not fitted yet; call fit(X, treatment, y) first")
        return self.model_.predict(X)

    def _nuisance(self, X: pd.DataFrame | ArrayLike, t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cross-fitted m(x) = E[y | x] and e(x) on the validation users."""
        encoder = _FeatureEncoder().fit(X)
        matrix, categorical = encoder.transform(X), encoder.categorical_indices or "auto"
        binary = bool(np.isin(y, (0.0, 1.0)).all())
        params = {"n_estimators": 100, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 50,
                  "verbose": -1, "deterministic": True, "force_col_wise": True,
                  "random_state": self.random_state, **(self.outcome_params or {})}
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state).split(matrix, t)
        m = np.empty(len(y))
        e = np.full(len(y), float(t.mean()) if self.propensity == "observed" else np.nan)
        if isinstance(self.propensity, numbers.Real):
            e[:] = float(self.propensity)
        for train, valid in folds:
            if binary and np.unique(y[train]).size == 2:
                model = lgb.LGBMClassifier(**params).fit(matrix[train], y[train], categorical_feature=categorical)
                m[valid] = model.predict_proba(matrix[valid])[:, 1]
            elif binary:
                m[valid] = y[train][0]
            else:
                model = lgb.LGBMRegressor(**params).fit(matrix[train], y[train], categorical_feature=categorical)
                m[valid] = model.predict(matrix[valid])
            if self.propensity == "model":
                model = lgb.LGBMClassifier(**params).fit(matrix[train], t[train], categorical_feature=categorical)
                e[valid] = np.clip(model.predict_proba(matrix[valid])[:, 1], 0.05, 0.95)
        return m, e


def _qini(y: np.ndarray, uplift: np.ndarray, t: np.ndarray, binary: bool) -> float:
    """The validation Qini, NaN where it is undefined (continuous outcome, no converter among the validation users)."""
    if not binary or np.unique(y).size < 2:
        return float("nan")
    return float(qini_auc_score(y, uplift, t))


def _take(X: pd.DataFrame | ArrayLike, rows: np.ndarray):
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else np.asarray(X)[rows]
