"""Meta-learners for per-user uplift (CATE) on LightGBM: S-, T-, X-, R- and DR-learner.

Campaigns run a randomised holdout: treatment = 1 means the user was eligible to see the ads,
0 means held out. A learner estimates, for each user, ``tau(x) = E[y | x, treated] - E[y | x, holdout]``
so that the campaign can target the users it persuades rather than those who convert anyway.

- ``SLearner`` fits one model on the features plus the treatment flag and reads the effect as
  the difference of its two predictions. Simple, but the trees only split on the flag when
  that beats every baseline split, so small effects are shrunk toward zero.
- ``TLearner`` fits one outcome model per arm and subtracts them.
- ``XLearner`` (Kuenzel et al. 2019) starts from the T-learner's models, imputes each user's
  effect against the other arm's model, regresses those imputed effects on the features per
  arm, and blends the two effect models with the propensity score.
- ``RLearner`` (Nie & Wager 2021) and ``DRLearner`` (Kennedy 2023) cross-fit their nuisance models
  and fit one effect model: on the outcome residual over the treatment residual (R), or on the
  doubly robust pseudo-outcome (DR), optionally stacked with its two-model estimate.

With ``tuning=k`` every LightGBM model inside a learner picks its own settings by k-fold CV of its
training loss (models_ml.uplift.tuning).

Binary outcomes (conversion) use ``LGBMClassifier`` probabilities, so the uplift is in
conversion-probability points; continuous outcomes (value) use ``LGBMRegressor``.
Categorical columns (pandas ``category``, string, object or bool dtype) are encoded once at
fit, with the category list kept, and handed to LightGBM as native categorical features;
categories unseen at fit time are treated as missing.
"""

from __future__ import annotations

import numbers
from typing import Any, Self

import lightgbm as lgb
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import nnls
from sklearn.base import BaseEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import check_random_state

from models_ml.uplift.tuning import DEFAULT_GRID, tune_lgbm

__all__ = ["DRLearner", "RLearner", "SLearner", "TLearner", "XLearner"]

_OUTCOMES = ("auto", "binary", "continuous")


class _FeatureEncoder:
    """Turns a DataFrame or array into a float matrix plus the indices of its categorical columns."""

    def fit(self, X: pd.DataFrame | ArrayLike) -> Self:
        if isinstance(X, pd.DataFrame):
            self.columns = [str(c) for c in X.columns]
            if len(set(self.columns)) != len(self.columns):
                raise ValueError("X has duplicate column names")
            self.categories: dict[str, pd.Index] = {}
            for name, column in zip(self.columns, X.columns, strict=True):
                series = X[column]
                if isinstance(series.dtype, pd.CategoricalDtype):
                    self.categories[name] = series.cat.categories
                elif not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
                    self.categories[name] = pd.Index(pd.unique(series.dropna())).sort_values()
            self.is_frame = True
        else:
            array = _as_2d_numeric(X)
            self.columns = [f"x{i}" for i in range(array.shape[1])]
            self.categories = {}
            self.is_frame = False
        self.categorical_indices = [i for i, c in enumerate(self.columns) if c in self.categories]
        return self

    def transform(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        if not self.is_frame:
            array = _as_2d_numeric(X)
            if array.shape[1] != len(self.columns):
                raise ValueError(
                    f"X has {array.shape[1]} columns, the model was fitted on {len(self.columns)}"
                )
            return array
        if not isinstance(X, pd.DataFrame):
            raise ValueError("the model was fitted on a DataFrame; pass a DataFrame with the same columns")
        by_name = {str(c): c for c in X.columns}
        missing = [c for c in self.columns if c not in by_name]
        if missing:
            raise ValueError(f"X is missing columns the model was fitted on: {missing}")
        out = np.empty((len(X), len(self.columns)), dtype=np.float64)
        for i, name in enumerate(self.columns):
            series = X[by_name[name]]
            if name in self.categories:
                known = self.categories[name]
                if isinstance(series.dtype, pd.CategoricalDtype):
                    lookup = np.append(known.get_indexer(series.cat.categories), -1)
                    codes = lookup[series.cat.codes.to_numpy()]  # code -1 (missing) picks the appended -1
                else:
                    codes = known.get_indexer(series)
                out[:, i] = np.where(codes < 0, np.nan, codes)
            else:
                if not pd.api.types.is_numeric_dtype(series):
                    raise ValueError(f"column {name!r} was numeric at fit time but has dtype {series.dtype}")
                out[:, i] = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return out


def _as_2d_numeric(X: ArrayLike) -> np.ndarray:
    try:
        array = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be numeric (pass a DataFrame for categorical columns): {exc}") from None
    if array.ndim != 2:
        raise ValueError(f"X must be two-dimensional, got shape {array.shape}")
    return array


class _MetaLearner(BaseEstimator):
    """Shared validation, LightGBM configuration and encoding; subclasses implement _fit/_predict."""

    def __init__(
        self,
        *,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        reg_lambda: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        max_bin: int = 255,
        lgbm_params: dict[str, Any] | None = None,
        outcome: str = "auto",
        tuning: int | None = None,
        tuning_grid: tuple[dict[str, Any], ...] | None = None,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.reg_lambda = reg_lambda
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.max_bin = max_bin
        self.lgbm_params = lgbm_params
        self.outcome = outcome
        self.tuning = tuning
        self.tuning_grid = tuning_grid
        self.n_jobs = n_jobs
        self.random_state = random_state

    # --- LightGBM ---------------------------------------------------------------------------
    def _lgbm_kwargs(self) -> dict[str, Any]:
        kwargs = {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "reg_lambda": self.reg_lambda,
            "subsample": self.subsample,
            "subsample_freq": 1 if self.subsample < 1.0 else 0,
            "colsample_bytree": self.colsample_bytree,
            "max_bin": self.max_bin,
            "n_jobs": self.n_jobs,
            "random_state": self._seed,
            # Same input, same seed, same scores: no auto-chosen histogram layout, fixed sums.
            "deterministic": True,
            "force_col_wise": True,
            "verbose": -1,
        }
        kwargs.update(self.lgbm_params or {})
        return kwargs

    def _outcome_model(self) -> lgb.LGBMModel:
        if self.outcome_type_ == "binary":
            return lgb.LGBMClassifier(**self._lgbm_kwargs())
        return lgb.LGBMRegressor(**self._lgbm_kwargs())

    def _fit_outcome(self, X: np.ndarray, y: np.ndarray, categorical: list[int], arm: str) -> lgb.LGBMModel:
        if self.outcome_type_ == "binary" and np.unique(y).size < 2:
            raise ValueError(
                f"y is constant ({y[0]:g}) among {arm} rows: a conversion model cannot be fitted; "
                "pool more data or use outcome='continuous'"
            )
        if not self.tuning:
            return self._outcome_model().fit(X, y, categorical_feature=categorical or "auto")
        kind = "classifier" if self.outcome_type_ == "binary" else "regressor"
        params = self._tuned(kind, X, y, categorical)
        model_class = lgb.LGBMClassifier if kind == "classifier" else lgb.LGBMRegressor
        return model_class(**params).fit(X, y, categorical_feature=categorical or "auto")

    def _tuned(self, kind: str, X: np.ndarray, y: np.ndarray, categorical: list[int],
               overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """LightGBM settings with leaves, smallest leaf and rounds chosen by ``tuning``-fold CV on (X, y)."""
        if not isinstance(self.tuning, numbers.Integral) or self.tuning < 2:
            raise ValueError(f"tuning must be None or a number of folds >= 2, got {self.tuning!r}")
        base = {**self._lgbm_kwargs(), **(overrides or {})}
        return tune_lgbm(kind, base, X, y, categorical=categorical, folds=self.tuning, grid=self._grid(),
                         random_state=0 if self._seed is None else int(self._seed))

    def _grid(self) -> tuple[dict[str, Any], ...]:
        return DEFAULT_GRID if self.tuning_grid is None else tuple(self.tuning_grid)

    def _predict_outcome(self, model: lgb.LGBMModel, X: np.ndarray) -> np.ndarray:
        if self.outcome_type_ == "binary":
            return model.predict_proba(X)[:, 1]
        return model.predict(X)

    # --- public API -----------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame | ArrayLike, treatment: ArrayLike, y: ArrayLike) -> Self:
        """Fit on one campaign's users: features X, treatment flag (1 treated, 0 holdout), outcome y."""
        if self.outcome not in _OUTCOMES:
            raise ValueError(f"outcome must be one of {_OUTCOMES}, got {self.outcome!r}")
        n_rows = _n_rows(X)
        t = _check_treatment(treatment, n_rows)
        y = _check_outcome(y, n_rows)
        is_binary = bool(np.isin(y, (0.0, 1.0)).all())
        if self.outcome == "binary" and not is_binary:
            raise ValueError("outcome='binary' but y has values other than 0 and 1")
        self.outcome_type_ = "continuous" if self.outcome == "continuous" or not is_binary else "binary"
        seed = self.random_state
        if seed is None or isinstance(seed, numbers.Integral):
            self._seed = seed
        else:
            self._seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        self.encoder_ = _FeatureEncoder().fit(X)
        self.feature_names_in_ = np.array(self.encoder_.columns, dtype=object)
        self.n_features_in_ = len(self.encoder_.columns)
        matrix = self.encoder_.transform(X)
        self.treated_share_ = float(t.mean())
        self._fit(matrix, t, y, self.encoder_.categorical_indices)
        return self

    def predict(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        """Per-user uplift: expected outcome if treated minus if held out (probability points for conversions)."""
        if not hasattr(self, "encoder_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit(X, treatment, y) first")
        return self._predict(self.encoder_.transform(X))

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        raise NotImplementedError

    def _predict(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def _n_rows(X: pd.DataFrame | ArrayLike) -> int:
    if isinstance(X, pd.DataFrame):
        return len(X)
    shape = np.shape(X)
    if len(shape) != 2:
        raise ValueError(f"X must be two-dimensional, got shape {shape}")
    return shape[0]


def _check_treatment(treatment: ArrayLike, n_rows: int) -> np.ndarray:
    t = np.asarray(treatment)
    if t.ndim != 1:
        raise ValueError(f"treatment must be one-dimensional, got shape {t.shape}")
    if len(t) != n_rows:
        raise ValueError(f"length mismatch: X has {n_rows} rows but treatment has {len(t)}")
    if not np.isin(t, (0, 1)).all():
        raise ValueError(
            f"treatment must be binary: 1 = treated, 0 = holdout; got values {np.unique(t)[:10].tolist()}"
        )
    t = t.astype(np.int8)
    if not t.any():
        raise ValueError("treatment has no treated rows (treatment == 1): the effect cannot be estimated")
    if t.all():
        raise ValueError("treatment has no control rows (treatment == 0): the effect cannot be estimated")
    return t


def _check_outcome(y: ArrayLike, n_rows: int) -> np.ndarray:
    array = np.asarray(y)
    if array.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {array.shape}")
    if len(array) != n_rows:
        raise ValueError(f"length mismatch: X has {n_rows} rows but y has {len(array)}")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"y must be numeric, got dtype {array.dtype}") from None
    if not np.isfinite(array).all():
        raise ValueError("y contains NaN or infinite values")
    return array


class SLearner(_MetaLearner):
    """One outcome model on [features, treatment]; uplift = m(x, 1) - m(x, 0).

    A baseline: cheap and stable, but biased toward zero effect when the effect is small next
    to the variation of the baseline outcome.
    """

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        self.model_ = self._fit_outcome(np.column_stack([X, t]), y, categorical, "all")

    def _predict(self, X: np.ndarray) -> np.ndarray:
        treated = self._predict_outcome(self.model_, np.column_stack([X, np.ones(len(X))]))
        control = self._predict_outcome(self.model_, np.column_stack([X, np.zeros(len(X))]))
        return treated - control


class TLearner(_MetaLearner):
    """One outcome model per arm; uplift = m1(x) - m0(x)."""

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        treated = t == 1
        self.model_control_ = self._fit_outcome(X[~treated], y[~treated], categorical, "control")
        self.model_treated_ = self._fit_outcome(X[treated], y[treated], categorical, "treated")

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return self._predict_outcome(self.model_treated_, X) - self._predict_outcome(self.model_control_, X)


class XLearner(_MetaLearner):
    """X-learner: per-arm outcome models, imputed individual effects, propensity-weighted blend.

    Stage 1 fits m0 on holdout users and m1 on treated users. Stage 2 imputes effects
    ``D1 = y - m0(x)`` for treated users and ``D0 = m1(x) - y`` for holdout users (each against a
    model that never saw the user) and fits effect models tau1, tau0 on them. The estimate is
    ``e(x) * tau0(x) + (1 - e(x)) * tau1(x)``: with most users treated (e near 1), most weight goes to
    tau0, fitted on the few holdout users but from effects imputed by the well-estimated treated model.

    ``propensity`` sets e(x): ``"observed"`` (default) is the treated share in the training data,
    right for a randomised holdout with one share for everyone; a float in (0, 1) is the known
    randomisation probability; ``"model"`` fits a LightGBM classifier of treatment on the features
    (for holdouts whose share varies with the user, e.g. by region).

    ``effect_params`` overrides LightGBM settings for the two stage-2 effect models only. Imputed
    effects carry the whole outcome noise around a small signal, so they usually want coarser trees
    (a larger ``min_child_samples``) than the stage-1 outcome models.
    """

    def __init__(
        self,
        *,
        propensity: float | str = "observed",
        effect_params: dict[str, Any] | None = None,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        reg_lambda: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        max_bin: int = 255,
        lgbm_params: dict[str, Any] | None = None,
        outcome: str = "auto",
        tuning: int | None = None,
        tuning_grid: tuple[dict[str, Any], ...] | None = None,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        super().__init__(
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            num_leaves=num_leaves,
            min_child_samples=min_child_samples,
            reg_lambda=reg_lambda,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            max_bin=max_bin,
            lgbm_params=lgbm_params,
            outcome=outcome,
            tuning=tuning,
            tuning_grid=tuning_grid,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.propensity = propensity
        self.effect_params = effect_params

    def _fit_effect_model(self, X: np.ndarray, target: np.ndarray, categorical: list[int]) -> lgb.LGBMRegressor:
        params = {**self._lgbm_kwargs(), **(self.effect_params or {})}
        if self.tuning:
            params = self._tuned("regressor", X, target, categorical, self.effect_params)
        return lgb.LGBMRegressor(**params).fit(X, target, categorical_feature=categorical or "auto")

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        propensity = self.propensity
        _check_propensity(propensity)
        treated = t == 1
        self.model_control_ = self._fit_outcome(X[~treated], y[~treated], categorical, "control")
        self.model_treated_ = self._fit_outcome(X[treated], y[treated], categorical, "treated")
        imputed_treated = y[treated] - self._predict_outcome(self.model_control_, X[treated])
        imputed_control = self._predict_outcome(self.model_treated_, X[~treated]) - y[~treated]
        features = categorical or "auto"
        self.effect_treated_ = self._fit_effect_model(X[treated], imputed_treated, categorical)
        self.effect_control_ = self._fit_effect_model(X[~treated], imputed_control, categorical)
        if propensity == "model":
            self.propensity_model_ = lgb.LGBMClassifier(**self._lgbm_kwargs()).fit(
                X, t, categorical_feature=features
            )
            self.propensity_ = None
        else:
            self.propensity_model_ = None
            self.propensity_ = self.treated_share_ if propensity == "observed" else float(propensity)

    def _predict(self, X: np.ndarray) -> np.ndarray:
        if self.propensity_model_ is not None:
            e = self.propensity_model_.predict_proba(X)[:, 1]
        else:
            e = self.propensity_
        return e * self.effect_control_.predict(X) + (1.0 - e) * self.effect_treated_.predict(X)


def _check_propensity(propensity: float | str) -> None:
    if isinstance(propensity, str):
        if propensity not in ("observed", "model"):
            raise ValueError(f"propensity must be 'observed', 'model' or a float in (0, 1), got {propensity!r}")
    elif not (isinstance(propensity, numbers.Real) and 0.0 < propensity < 1.0):
        raise ValueError(f"propensity must be 'observed', 'model' or a float in (0, 1), got {propensity!r}")


class _CrossFittedLearner(_MetaLearner):
    """Shared by the R- and DR-learner: cross-fitted nuisance models, a propensity, one effect model.

    Every user's nuisance predictions (outcome, per-arm outcomes, propensity) come from models fitted
    on the other ``n_folds - 1`` folds, so the effect model never learns from a prediction that saw its
    own outcome (Chernozhukov et al. 2018's cross-fitting).
    """

    def __init__(
        self,
        *,
        propensity: float | str = "observed",
        n_folds: int = 5,
        propensity_clip: float = 0.05,
        effect_params: dict[str, Any] | None = None,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        reg_lambda: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        max_bin: int = 255,
        lgbm_params: dict[str, Any] | None = None,
        outcome: str = "auto",
        tuning: int | None = None,
        tuning_grid: tuple[dict[str, Any], ...] | None = None,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        super().__init__(
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            num_leaves=num_leaves,
            min_child_samples=min_child_samples,
            reg_lambda=reg_lambda,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            max_bin=max_bin,
            lgbm_params=lgbm_params,
            outcome=outcome,
            tuning=tuning,
            tuning_grid=tuning_grid,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.propensity = propensity
        self.n_folds = n_folds
        self.propensity_clip = propensity_clip
        self.effect_params = effect_params

    def _check_cross_fitting(self, t: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        _check_propensity(self.propensity)
        if not isinstance(self.n_folds, numbers.Integral) or self.n_folds < 2:
            raise ValueError(f"n_folds must be an integer >= 2, got {self.n_folds!r}")
        if not (isinstance(self.propensity_clip, numbers.Real) and 0.0 <= self.propensity_clip < 0.5):
            raise ValueError(f"propensity_clip must be in [0, 0.5), got {self.propensity_clip!r}")
        if np.bincount(t, minlength=2).min() < self.n_folds:
            raise ValueError(f"each arm needs at least n_folds={self.n_folds} rows for cross-fitting")
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self._fold_seed())
        return list(folds.split(np.zeros(len(t)), t))

    def _fold_seed(self) -> int:
        return 0 if self._seed is None else int(self._seed)

    def _out_of_fold(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, splits: list, categorical: list[int],
                     arm: str, classifier: bool = False) -> tuple[np.ndarray, list[lgb.LGBMModel]]:
        """Predictions for every row of X from models fitted on the other folds' ``rows`` (a mask), and the models."""
        kind = "classifier" if classifier or self.outcome_type_ == "binary" else "regressor"
        params = self._tuned(kind, X[rows], y[rows], categorical) if self.tuning else self._lgbm_kwargs()
        out, models = np.empty(len(X)), []
        for train, valid in splits:
            fit_rows = train[rows[train]]
            if kind == "classifier" and np.unique(y[fit_rows]).size < 2:
                raise ValueError(
                    f"y is constant among the {arm} rows of a cross-fitting fold: a conversion model cannot "
                    "be fitted; pool more data, lower n_folds or use outcome='continuous'"
                )
            model_class = lgb.LGBMClassifier if kind == "classifier" else lgb.LGBMRegressor
            model = model_class(**params).fit(X[fit_rows], y[fit_rows], categorical_feature=categorical or "auto")
            out[valid] = model.predict_proba(X[valid])[:, 1] if kind == "classifier" else model.predict(X[valid])
            models.append(model)
        return out, models

    def _propensity_scores(self, X: np.ndarray, t: np.ndarray, splits: list, categorical: list[int]) -> np.ndarray:
        if self.propensity == "model":
            every = np.ones(len(t), dtype=bool)
            e, _ = self._out_of_fold(X, t.astype(np.float64), every, splits, categorical, "all", classifier=True)
        elif self.propensity == "observed":
            e = np.full(len(t), self.treated_share_)
        else:
            e = np.full(len(t), float(self.propensity))
        return np.clip(e, self.propensity_clip, 1.0 - self.propensity_clip)

    def _fit_effect(self, X: np.ndarray, target: np.ndarray, weight: np.ndarray | None,
                    categorical: list[int]) -> None:
        params = {**self._lgbm_kwargs(), **(self.effect_params or {})}
        if self.tuning:
            params = tune_lgbm("regressor", params, X, target, sample_weight=weight, categorical=categorical,
                               folds=self.tuning, grid=self._grid(), random_state=self._fold_seed())
        self.effect_params_ = params
        self.effect_model_ = lgb.LGBMRegressor(**params).fit(
            X, target, sample_weight=weight, categorical_feature=categorical or "auto"
        )

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return self.effect_model_.predict(X)


class RLearner(_CrossFittedLearner):
    """R-learner (Nie & Wager 2021): the effect that best explains the outcome's residual by the treatment's.

    With cross-fitted m(x) = E[y | x] and e(x) = P(treated | x), it minimises the R-loss
    ``sum((y - m(x) - tau(x) * (t - e(x)))**2)``, i.e. a LightGBM regression of
    ``(y - m(x)) / (t - e(x))`` on x with weights ``(t - e(x))**2``. The baseline enters only through m,
    so a rough baseline does not leak into a smooth effect (the weakness of S and T).

    ``propensity``: ``"observed"`` (default; the treated share, right for a randomised holdout), a float
    in (0, 1) (the known share) or ``"model"`` (cross-fitted LightGBM classifier, for observational data),
    clipped to ``[propensity_clip, 1 - propensity_clip]``. ``effect_params`` overrides LightGBM settings
    for the effect model only.
    """

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        splits = self._check_cross_fitting(t)
        every = np.ones(len(t), dtype=bool)
        m, _ = self._out_of_fold(X, y, every, splits, categorical, "all")
        e = self._propensity_scores(X, t, splits, categorical)
        residual_t = t - e
        self._fit_effect(X, (y - m) / residual_t, residual_t**2, categorical)


class DRLearner(_CrossFittedLearner):
    """Doubly robust learner (Kennedy 2023): regress the AIPW pseudo-outcome on the features.

    With cross-fitted per-arm outcome models m0, m1 and propensity e, each user's pseudo-outcome is
    ``m1(x) - m0(x) + t * (y - m1(x)) / e(x) - (1 - t) * (y - m0(x)) / (1 - e(x))``, unbiased for tau(x)
    when either the outcome models or the propensity are right; one LightGBM regression of it on x is
    the effect. Same ``propensity``, ``propensity_clip`` and ``effect_params`` as the R-learner.

    ``stack=True`` blends that effect with the learner's own two-model estimate m1(x) - m0(x)
    (R-stacking, Nie & Wager 2021 sec. 4.3): ``b + a_t * (m1 - m0) + a_dr * tau_dr`` with a >= 0 and the
    weights minimising the R-loss on cross-fitted predictions of both; m = e * m1 + (1 - e) * m0. The
    pseudo-outcome's inverse-propensity terms are noisy where e nears 0 or 1, where the two-model
    estimate is not; the blend takes the better of each where the data say so. The weights are in
    ``stack_weights_``; the two-model part is the mean of the cross-fitting folds' arm models.
    """

    def __init__(
        self,
        *,
        stack: bool = False,
        propensity: float | str = "observed",
        n_folds: int = 5,
        propensity_clip: float = 0.05,
        effect_params: dict[str, Any] | None = None,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        reg_lambda: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        max_bin: int = 255,
        lgbm_params: dict[str, Any] | None = None,
        outcome: str = "auto",
        tuning: int | None = None,
        tuning_grid: tuple[dict[str, Any], ...] | None = None,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        super().__init__(
            propensity=propensity,
            n_folds=n_folds,
            propensity_clip=propensity_clip,
            effect_params=effect_params,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            num_leaves=num_leaves,
            min_child_samples=min_child_samples,
            reg_lambda=reg_lambda,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            max_bin=max_bin,
            lgbm_params=lgbm_params,
            outcome=outcome,
            tuning=tuning,
            tuning_grid=tuning_grid,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.stack = stack

    def _fit(self, X: np.ndarray, t: np.ndarray, y: np.ndarray, categorical: list[int]) -> None:
        splits = self._check_cross_fitting(t)
        m0, models0 = self._out_of_fold(X, y, t == 0, splits, categorical, "control")
        m1, models1 = self._out_of_fold(X, y, t == 1, splits, categorical, "treated")
        e = self._propensity_scores(X, t, splits, categorical)
        pseudo = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1.0 - e)
        self._fit_effect(X, pseudo, None, categorical)
        self.arm_models_ = (models0, models1) if self.stack else None
        self.stack_weights_ = None
        if self.stack:
            tau_dr = np.empty(len(t))
            for train, valid in splits:
                fold_model = lgb.LGBMRegressor(**self.effect_params_).fit(
                    X[train], pseudo[train], categorical_feature=categorical or "auto"
                )
                tau_dr[valid] = fold_model.predict(X[valid])
            residual_t = t - e
            design = np.column_stack([residual_t, -residual_t, (m1 - m0) * residual_t, tau_dr * residual_t])
            weights, _ = nnls(design, y - (e * m1 + (1.0 - e) * m0))
            self.stack_weights_ = {"intercept": float(weights[0] - weights[1]), "t": float(weights[2]),
                                   "dr": float(weights[3])}

    def _predict(self, X: np.ndarray) -> np.ndarray:
        tau_dr = self.effect_model_.predict(X)
        if not self.stack_weights_:
            return tau_dr
        models0, models1 = self.arm_models_
        tau_t = np.mean([self._predict_outcome(m1, X) - self._predict_outcome(m0, X)
                         for m0, m1 in zip(models0, models1, strict=True)], axis=0)
        w = self.stack_weights_
        return w["intercept"] + w["t"] * tau_t + w["dr"] * tau_dr
