"""Per-user uplift scores per campaign: a thin wrapper over the models_ml.uplift meta-learners.

Grain: one row per campaign x user of the lift study. For each campaign the learner named by the var
`campaign_uplift.learner` is fitted on the training split (treatment = randomised to treatment,
outcome = converted during the flight) and scores every user. A campaign whose training split has no
converter in an arm cannot be fitted: its users get a NULL score and the reason in fit_status.
"""

import json

import numpy as np
import pandas as pd

from models_ml.uplift import SLearner, TLearner, XLearner

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


def learner_params(params: dict, n_train: int) -> dict:
    """LightGBM settings; min_child_samples shrinks for small studies so that trees can split at all."""
    return {
        "n_estimators": int(params["n_estimators"]),
        "learning_rate": float(params["learning_rate"]),
        "num_leaves": int(params["num_leaves"]),
        "min_child_samples": int(min(int(params["min_child_samples"]), max(10, n_train // 20))),
        "n_jobs": int(params["n_jobs"]),
        "random_state": int(params["random_state"]),
    }


def score_campaign(rows: pd.DataFrame, learner: str, params: dict) -> tuple[np.ndarray, str, str]:
    """Fit on the training rows of one campaign, score all rows; returns scores, status, version."""
    train = rows[~rows["is_evaluation"]]
    kwargs = learner_params(params, len(train))
    version = f"{learner}_learner lgbm " + " ".join(f"{k}={v}" for k, v in kwargs.items() if k != "n_jobs")
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


def model(dbt, session):
    dbt.config(materialized="table")
    uplift_config = dbt.config.get("uplift")
    params = json.loads(uplift_config) if isinstance(uplift_config, str) else dict(uplift_config)
    learner = str(params["learner"]).lower()
    if learner not in LEARNERS:
        raise ValueError(f"campaign_uplift.learner must be one of {sorted(LEARNERS)}, got {learner!r}")
    features = dbt.ref("int_campaign_uplift_features").df().sort_values(["campaign_id", "user_id"])
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
    columns = ["campaign_id", "user_id", "is_treatment", "has_converted", "is_evaluation", "uplift_score",
               "model_name", "model_version", "fit_status"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
