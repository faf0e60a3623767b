"""How the warehouse fits one campaign's uplift model: features, LightGBM settings sized to the campaign, scoring.

The dbt model int_campaign_uplift_fitted calls ``fit_campaigns`` on the scheduled fit (issue 19) and
int_campaign_uplift_scored ``score_with_fits`` on every build; the campaign benchmark fits exactly the same
way through these functions. ``rows`` are rows of int_campaign_uplift_features.
"""

from __future__ import annotations

import base64
import json
import pickle
import zlib
from typing import NamedTuple

import numpy as np
import pandas as pd

from models_ml.uplift.learners import DRLearner, RLearner, SLearner, TLearner, XLearner
from models_ml.uplift.selection import LearnerSelector

__all__ = ["CATEGORICAL", "FEATURES", "FIT_COLUMNS", "LEARNERS", "SCORE_COLUMNS", "CampaignFit", "CampaignScores",
           "candidate_names", "describe", "dump_model", "feature_frame", "fit_campaign", "fit_campaigns",
           "learner_params", "load_model", "make_model", "score_campaign", "score_campaigns", "score_with_fits"]

LEARNERS = {"s": SLearner, "t": TLearner, "x": XLearner, "r": RLearner, "dr": DRLearner}
FEATURES = ["age_band", "country_code", "region", "device_os", "language", "tenure_days", "active_days",
            "views", "category_affinity"]
CATEGORICAL = ["age_band", "country_code", "region", "device_os", "language"]


class CampaignScores(NamedTuple):
    """One campaign's scores with how they were made: status, served model_version and learner, and the
    validation table when the learner was selected (name -> model_version, validation_r_loss, selected)."""

    scores: np.ndarray
    status: str
    version: str
    learner: str
    selection: dict


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
    on noisier imputed effects, get `effect_min_child_multiple` times that, and so do the R- and
    DR-learner's effect models (fitted on residual ratios and pseudo-outcomes), which cross-fit their
    nuisance models over `n_folds` folds.
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
    if learner in ("x", "r", "dr"):
        kwargs["effect_params"] = {"min_child_samples": min_child * int(params["effect_min_child_multiple"])}
    if learner in ("r", "dr"):
        kwargs["n_folds"] = int(params["n_folds"])
    return kwargs


def describe(learner: str, kwargs: dict) -> str:
    """The model_version string: learner and every setting that changes the scores."""
    settings = {k: v for k, v in kwargs.items() if k not in ("n_jobs", "lgbm_params", "effect_params")}
    settings |= kwargs["lgbm_params"]
    if "effect_params" in kwargs:
        settings["effect_min_child_samples"] = kwargs["effect_params"]["min_child_samples"]
    return f"{learner}_learner lgbm " + " ".join(f"{k}={v}" for k, v in settings.items())


def candidate_names(params: dict) -> list[str]:
    """The learners var `campaign_uplift` asks for: its `learner`, or its `candidates` when learner is auto."""
    learner = str(params["learner"]).lower()
    names = [str(c).lower() for c in params.get("candidates", [])] if learner == "auto" else [learner]
    unknown = [name for name in names if name not in LEARNERS]
    if learner != "auto" and unknown:
        raise ValueError(f"campaign_uplift.learner must be 'auto' or one of {sorted(LEARNERS)}, got {learner!r}")
    if unknown or not names:
        raise ValueError(f"campaign_uplift.candidates must be a non-empty list of {sorted(LEARNERS)}, got {names}")
    return names


class CampaignFit(NamedTuple):
    """One campaign's fit: the fitted estimator (None when it could not be fitted) and how it was made: status,
    served model_version and learner, the validation table when the learner was selected (name ->
    model_version, validation_r_loss, selected), and how many training users it saw."""

    model: object
    status: str
    version: str
    learner: str
    selection: dict
    training_users: int


def fit_campaign(rows: pd.DataFrame, learner: str, params: dict) -> CampaignFit:
    """Fit one campaign's model on its training rows (``is_evaluation`` false).

    ``learner`` is one of LEARNERS, or "auto": every candidate of ``params["candidates"]`` is fitted on
    part of the training split and the one with the lowest R-loss on the rest (``validation_share``) is
    refitted on the whole training split and served (models_ml.uplift.selection).
    """
    train = rows[~rows["is_evaluation"].astype(bool)]
    names = candidate_names({**params, "learner": learner})
    versions = {name: describe(name, learner_params(name, params, len(train))) for name in names}
    first = versions[names[0]]
    for arm, flag in (("treatment", True), ("holdout", False)):
        converters = int(train.loc[train["is_treatment"] == flag, "has_converted"].sum())
        if converters == 0:
            return CampaignFit(None, f"insufficient_data: no converter in the {arm} training split", first,
                               names[0], {}, len(train))
    X, t, y = feature_frame(train), train["is_treatment"].to_numpy(dtype=int), train["has_converted"].to_numpy(dtype=int)
    model = make_model(learner, params, len(train))
    try:
        model.fit(X, t, y)
    except ValueError as error:
        return CampaignFit(None, f"fit_failed: {error}", first, names[0], {}, len(train))
    if learner != "auto":
        return CampaignFit(model, "fitted", first, learner, {}, len(train))
    selection = {name: {"model_version": versions[name], "validation_r_loss": loss,
                        "selected": name == model.selected_,
                        **({"note": model.failures_[name]} if name in model.failures_ else {})}
                 for name, loss in model.validation_losses_.items()}
    return CampaignFit(model, "fitted", versions[model.selected_], model.selected_, selection, len(train))


def score_campaign(rows: pd.DataFrame, learner: str, params: dict) -> CampaignScores:
    """Fit on the training rows of one campaign (``fit_campaign``), score all rows."""
    fit = fit_campaign(rows, learner, params)
    scores = np.full(len(rows), np.nan) if fit.model is None else fit.model.predict(feature_frame(rows))
    return CampaignScores(scores, fit.status, fit.version, fit.learner, fit.selection)


def make_model(learner: str, params: dict, n_train: int):
    """The unfitted estimator for ``learner`` (one of LEARNERS, or "auto": a LearnerSelector of the candidates,
    by validation R-loss unless ``params["selection_criterion"]`` is "qini")."""
    if learner != "auto":
        return LEARNERS[learner](**learner_params(learner, params, n_train))
    candidates = {name: LEARNERS[name](**learner_params(name, params, n_train))
                  for name in candidate_names({**params, "learner": "auto"})}
    return LearnerSelector(candidates, validation_share=float(params["validation_share"]),
                           criterion=str(params.get("selection_criterion", "r_loss")),
                           random_state=int(params["random_state"]))

SCORE_COLUMNS = ["campaign_id", "user_id", "is_treatment", "has_converted", "is_evaluation", "uplift_score",
                 "model_name", "model_version", "fit_status", "learner"]
FIT_COLUMNS = ["campaign_id", "model_name", "model_version", "fit_status", "learner", "selection", "training_users",
               "fitted_model"]


def dump_model(model) -> str | None:
    """A fitted estimator as text for a warehouse column (pickle, zlib, base64); None for no model.

    The column is read back only by ``load_model`` in the build that wrote the warehouse (the scheduled
    fit of issue 19 is kept between refits); a model from elsewhere must not be loaded: unpickling runs code.
    """
    if model is None:
        return None
    return base64.b64encode(zlib.compress(pickle.dumps(model, protocol=5), 6)).decode("ascii")


def load_model(text):
    """The estimator ``dump_model`` wrote (None for None / NULL)."""
    if text is None or text != text:
        return None
    return pickle.loads(zlib.decompress(base64.b64decode(text)))


def fit_campaigns(features: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Every campaign's model fitted on its training split: one row per campaign (int_campaign_uplift_fitted).

    ``fitted_model`` is the estimator as ``dump_model`` text (NULL when the campaign could not be fitted: the
    reason is in fit_status); ``selection`` the JSON validation table of the candidates (empty when var
    campaign_uplift names one learner).
    """
    learner = str(params["learner"]).lower()
    candidate_names(params)  # a bad learner or candidate list fails before any fit
    rows = []
    for campaign_id, group in features.sort_values(["campaign_id", "user_id"]).groupby("campaign_id", sort=True):
        fit = fit_campaign(group.reset_index(drop=True), learner, params)
        rows.append({"campaign_id": campaign_id, "model_name": f"campaign_uplift:{campaign_id}",
                     "model_version": fit.version, "fit_status": fit.status, "learner": fit.learner,
                     "selection": json.dumps(fit.selection), "training_users": fit.training_users,
                     "fitted_model": dump_model(fit.model)})
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def score_with_fits(features: pd.DataFrame, fits: pd.DataFrame) -> pd.DataFrame:
    """Every user of every campaign scored by its campaign's fit (rows of ``fit_campaigns``, kept or new).

    One row per campaign x user (int_campaign_uplift_scored). A campaign without a fit row gets a NULL score
    and fit_status 'not_fitted'; the fit's status, version and learner are repeated on its rows (its selection
    table stays on the fit's one row: repeated per user it was most of the table's bytes).
    """
    by_campaign = {row["campaign_id"]: row for row in fits.to_dict("records")}
    features = features.sort_values(["campaign_id", "user_id"])
    frames = []
    for campaign_id, rows in features.groupby("campaign_id", sort=True):
        rows = rows.reset_index(drop=True)
        fit = by_campaign.get(campaign_id)
        model = load_model(fit["fitted_model"]) if fit is not None else None
        scores = np.full(len(rows), np.nan) if model is None else model.predict(feature_frame(rows))
        frames.append(pd.DataFrame({
            "campaign_id": campaign_id,
            "user_id": rows["user_id"].astype("int64"),
            "is_treatment": rows["is_treatment"].astype(bool),
            "has_converted": rows["has_converted"].astype(bool),
            "is_evaluation": rows["is_evaluation"].astype(bool),
            "uplift_score": scores,
            "model_name": f"campaign_uplift:{campaign_id}",
            "model_version": fit["model_version"] if fit is not None else None,
            "fit_status": fit["fit_status"] if fit is not None else "not_fitted",
            "learner": fit["learner"] if fit is not None else None,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)


def score_campaigns(features: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Every campaign's model fitted and scored: one row per campaign x user (``fit_campaigns`` then
    ``score_with_fits``, the warehouse's two steps in one call)."""
    return score_with_fits(features, fit_campaigns(features, params))
