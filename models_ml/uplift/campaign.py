"""How the warehouse fits one campaign's uplift model: features, LightGBM settings sized to the campaign, scoring.

The dbt model int_campaign_uplift_scored calls ``score_campaign`` per campaign and the campaign benchmark
fits exactly the same way through these functions. ``rows`` are rows of int_campaign_uplift_features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.uplift.learners import SLearner, TLearner, XLearner

__all__ = ["CATEGORICAL", "FEATURES", "LEARNERS", "SCORE_COLUMNS", "describe", "feature_frame", "learner_params",
           "score_campaign", "score_campaigns"]

LEARNERS = {"s": SLearner, "t": TLearner, "x": XLearner}
FEATURES = ["age_band", "country_code", "region", "device_os", "language", "tenure_days", "active_days",
            "views", "category_affinity"]
CATEGORICAL = ["age_band", "country_code", "region", "device_os", "language"]


def feature_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The learner's X: categorical profile columns as pandas categories, numbers as floats."""
    X = rows[FEATURES].copy()
    for column in CATEGORICAL:
        X[column] = X[column].astype("category")
    for column in set(FEATURES) - set(CATEGORICAL):
        X[column] = X[column].astype(float)
    return X


def learner_params(learner: str, params: dict, n_train: int) -> dict:
    """LightGBM settings for one campaign, with leaves sized to its training split.

    A conversion effect of a few points under Bernoulli noise needs big leaves before a split says
    anything: every leaf holds at least `min_child_share` of the training users (categorical groups
    too), so the regularisation means the same at every scale. The X-learner's effect models, fitted
    on noisier imputed effects, get `effect_min_child_multiple` times that.
    """
    min_child = max(20, round(float(params["min_child_share"]) * n_train))
    kwargs = {
        "n_estimators": int(params["n_estimators"]),
        "learning_rate": float(params["learning_rate"]),
        "num_leaves": int(params["num_leaves"]),
        "min_child_samples": min_child,
        "lgbm_params": {"min_data_per_group": min_child, "cat_smooth": float(params["cat_smooth"]),
                        "max_cat_threshold": int(params["max_cat_threshold"])},
        "n_jobs": int(params["n_jobs"]),
        "random_state": int(params["random_state"]),
    }
    if learner == "x":
        kwargs["effect_params"] = {"min_child_samples": min_child * int(params["effect_min_child_multiple"])}
    return kwargs


def describe(learner: str, kwargs: dict) -> str:
    """The model_version string: learner and every setting that changes the scores."""
    settings = {k: v for k, v in kwargs.items() if k not in ("n_jobs", "lgbm_params", "effect_params")}
    settings |= kwargs["lgbm_params"]
    if "effect_params" in kwargs:
        settings["effect_min_child_samples"] = kwargs["effect_params"]["min_child_samples"]
    return f"{learner}_learner lgbm " + " ".join(f"{k}={v}" for k, v in settings.items())


def score_campaign(rows: pd.DataFrame, learner: str, params: dict) -> tuple[np.ndarray, str, str]:
    """Fit on the training rows of one campaign, score all rows; returns scores, status, version."""
    train = rows[~rows["is_evaluation"]]
    kwargs = learner_params(learner, params, len(train))
    version = describe(learner, kwargs)
    nan = np.full(len(rows), np.nan)
    for arm, flag in (("treatment", True), ("holdout", False)):
        converters = int(train.loc[train["is_treatment"] == flag, "has_converted"].sum())
        if converters == 0:
            return nan, f"insufficient_data: no converter in the {arm} training split", version
    model = LEARNERS[learner](**kwargs)
    try:
        model.fit(feature_frame(train), train["is_treatment"].astype(int), train["has_converted"].astype(int))
    except ValueError as error:
        return nan, f"fit_failed: {error}", version
    return model.predict(feature_frame(rows)), "fitted", version


SCORE_COLUMNS = ["campaign_id", "user_id", "is_treatment", "has_converted", "is_evaluation", "uplift_score",
                 "model_name", "model_version", "fit_status"]


def score_campaigns(features: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Every campaign's model fitted and scored: one row per campaign x user (int_campaign_uplift_scored)."""
    learner = str(params["learner"]).lower()
    if learner not in LEARNERS:
        raise ValueError(f"campaign_uplift.learner must be one of {sorted(LEARNERS)}, got {learner!r}")
    features = features.sort_values(["campaign_id", "user_id"])
    frames = []
    for campaign_id, rows in features.groupby("campaign_id", sort=True):
        rows = rows.reset_index(drop=True)
        scores, status, version = score_campaign(rows, learner, params)
        frames.append(pd.DataFrame({
            "campaign_id": campaign_id,
            "user_id": rows["user_id"].astype("int64"),
            "is_treatment": rows["is_treatment"].astype(bool),
            "has_converted": rows["has_converted"].astype(bool),
            "is_evaluation": rows["is_evaluation"].astype(bool),
            "uplift_score": scores,
            "model_name": f"campaign_uplift:{campaign_id}",
            "model_version": version,
            "fit_status": status,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)
