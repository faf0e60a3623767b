"""Evaluation of campaign uplift models: held-out metrics per campaign, and learners compared with references.

``evaluate_campaigns`` gives the rows of int_campaign_uplift_evaluated (Qini coefficient, AUUC and
uplift@10% on each campaign's evaluation split). ``compare_learners`` is the campaign benchmark's
comparison: per learner, fitted exactly as the warehouse fits it (models_ml.uplift.campaign), the
held-out metrics averaged over campaigns, with the CATE error against a planted per-user uplift and
four references scored on the same users: random targeting; a response model (rank by the chance to
convert when treated, what targeting without uplift modelling does); the best function of the
features (a regressor fitted to the planted uplift itself, which no learner sees: the ceiling that the
features allow); and the oracle (rank by the planted uplift). A paired bootstrap gives each row's Qini a
90% interval, alone and as a difference to the S-learner.
"""

from __future__ import annotations

import json
import time

import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.evaluations import EVALUATION_COLUMNS
from models_ml.uplift import campaign as _campaign
from models_ml.uplift.metrics import qini_auc_score, uplift_at_k, uplift_auc_score

__all__ = ["METRICS", "REFERENCES", "REFERENCE_LABELS", "compare_learners", "evaluate", "evaluate_campaigns",
           "setup_rmse", "summarise_setups"]

BOOTSTRAP_REPLICATES = 100
REFERENCES = ["random", "response", "ceiling", "oracle"]
REFERENCE_LABELS = {
    "random": "random targeting",
    "response": "response model (no uplift)",
    "ceiling": "best function of the features",
    "oracle": "oracle (true tau)",
}
SELECTION_LABELS = {"auto": "selected by R-loss", "auto_qini": "selected by validation Qini"}
# The ceiling regressor learns the planted uplift, a smooth target without outcome noise, so it gets
# more capacity than the learners: it estimates E[tau | features], the best any ranking on them can do.
CEILING_PARAMS = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 31, "min_child_samples": 200}


METRICS = {
    "qini_coefficient": lambda y, u, t: qini_auc_score(y, u, t),
    "auuc": lambda y, u, t: uplift_auc_score(y, u, t),
    "uplift_at_10pct": lambda y, u, t: uplift_at_k(y, u, t, "overall", 0.1),
}


def evaluate(rows: pd.DataFrame) -> list[tuple[str, float | None, dict]]:
    """Each metric on one campaign's evaluation split, with its sample sizes."""
    held_out = rows[rows["is_evaluation"] & rows["uplift_score"].notna()]
    y = held_out["has_converted"].to_numpy(dtype=float)
    t = held_out["is_treatment"].to_numpy(dtype=float)
    u = held_out["uplift_score"].to_numpy(dtype=float)
    sizes = {"split": "evaluation", "n_users": int(len(held_out)), "n_treated": int(t.sum()),
             "n_converters": int(y.sum())}
    out = []
    for metric, function in METRICS.items():
        try:
            value, note = float(function(y, u, t)), None
        except ValueError as error:
            value, note = None, str(error)
        if value is not None and value != value:
            value, note = None, "undefined on this split (an arm is empty among the top users)"
        out.append((metric, value, {**sizes, **({"note": note} if note else {})}))
    return out






def evaluate_campaigns(scored: pd.DataFrame, evaluated_at, selections: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per campaign model x metric (int_campaign_uplift_evaluated); unfitted models get NULLs and why.

    The served model gets the held-out metrics. When the learner was selected (``selections``: campaign_id
    -> the fit's selection JSON, as in int_campaign_uplift_fitted), model
    ``campaign_uplift_selection:<campaign_id>`` gets, per candidate's model_version, its validation R-loss
    and ``selected`` (1 for the served one, 0 otherwise).
    """
    rows = []
    for (campaign_id, name, version, status), group in scored.groupby(
        ["campaign_id", "model_name", "model_version", "fit_status"], sort=True
    ):
        results = evaluate(group) if status == "fitted" else [
            (metric, None, {"note": status}) for metric in METRICS
        ]
        for metric, value, details in results:
            rows.append({
                "model_name": name, "model_version": version, "metric": metric, "value": value,
                "evaluated_at": evaluated_at, "details": json.dumps({"campaign_id": campaign_id, **details}),
            })
        selection = json.loads((selections or {}).get(campaign_id) or "{}")
        for learner, candidate in selection.items():
            loss = candidate["validation_r_loss"]
            details = {"campaign_id": campaign_id, "learner": learner, "split": "validation part of the training split",
                       "selected": candidate["selected"], **({"note": candidate["note"]} if "note" in candidate else {})}
            for metric, value in (("validation_r_loss", loss if loss == loss else None),
                                  ("selected", 1.0 if candidate["selected"] else 0.0)):
                rows.append({
                    "model_name": f"campaign_uplift_selection:{campaign_id}",
                    "model_version": candidate["model_version"], "metric": metric,
                    "value": value, "evaluated_at": evaluated_at, "details": json.dumps(details),
                })
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)


def _fit_and_score(scorer, learner: str, settings: dict, train: pd.DataFrame, test: pd.DataFrame,
                   rng: np.random.Generator) -> tuple[np.ndarray | None, float, float]:
    """One campaign's held-out scores for a learner (or a baseline), with fit and score seconds."""
    if learner == "oracle":
        return test["true_uplift"].to_numpy(dtype=float), 0.0, 0.0
    if learner == "random":
        return rng.random(len(test)), 0.0, 0.0
    if learner in ("response", "ceiling"):
        return _reference_scores(scorer, learner, settings, train, test), 0.0, 0.0
    if learner == "auto_qini":  # the selection by validation Qini instead of R-loss
        model = scorer.make_model("auto", {**settings, "selection_criterion": "qini"}, len(train))
    else:
        model = scorer.make_model(learner, settings, len(train))
    started = time.perf_counter()
    try:
        model.fit(scorer.feature_frame(train), train["is_treatment"].to_numpy(dtype=int),
                  train["has_converted"].to_numpy(dtype=int))
    except ValueError:
        return None, 0.0, 0.0
    fitted = time.perf_counter()
    predicted = model.predict(scorer.feature_frame(test))
    return predicted, fitted - started, time.perf_counter() - fitted


def _reference_scores(scorer, name: str, settings: dict, train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Scores of the response model or of the best function of the features, on the same features.

    The response model is a LightGBM classifier of conversion among treated training users with the
    learners' own settings. The ceiling regresses the planted uplift on the training users' features.
    """
    common = {"n_jobs": int(settings["n_jobs"]), "random_state": int(settings["random_state"]), "verbose": -1,
              "deterministic": True, "force_col_wise": True}
    if name == "response":
        kwargs = scorer.learner_params("s", settings, len(train))
        treated = train[train["is_treatment"].astype(bool)]
        model = lgb.LGBMClassifier(
            **{k: kwargs[k] for k in ("n_estimators", "learning_rate", "num_leaves", "min_child_samples")},
            **kwargs["lgbm_params"], **common,
        ).fit(scorer.feature_frame(treated), treated["has_converted"].astype(int))
        return model.predict_proba(scorer.feature_frame(test))[:, 1]
    model = lgb.LGBMRegressor(**CEILING_PARAMS, **common)
    model.fit(scorer.feature_frame(train), train["true_uplift"].to_numpy(dtype=float))
    return model.predict(scorer.feature_frame(test))


def _bootstrap_qini(campaigns: list[dict], names: list[str], replicates: int, seed: int) -> dict[str, np.ndarray]:
    """Mean-over-campaigns Qini coefficient per learner on the same resamples of each evaluation split.

    Resampling users with replacement within each campaign, identically for every learner, gives paired
    replicates: the spread of a learner's mean Qini and of its difference to another learner.
    """
    rng = np.random.default_rng(seed)
    totals = {name: np.zeros(replicates) for name in names}
    for campaign in campaigns:
        y, t = campaign["y"], campaign["t"]
        for r in range(replicates):
            sample = rng.integers(0, len(y), len(y))
            for name in names:
                totals[name][r] += qini_auc_score(y[sample], campaign["scores"][name][sample], t[sample])
    return {name: total / len(campaigns) for name, total in totals.items()}


def _interval(values: np.ndarray) -> str:
    low, high = np.quantile(values, [0.05, 0.95])
    return f"[{low:+.4f}, {high:+.4f}]"


def compare_learners(features: pd.DataFrame, truth: pd.DataFrame, learners: list[str], settings: dict,
                     replicates: int = BOOTSTRAP_REPLICATES, seed: int = 0) -> list[dict]:
    """Fit each learner per campaign on the training split; score and compare them on the evaluation split.

    Besides the learners, the references (random, response model, best function of the features,
    oracle; see the module docstring) are scored on the same users. "of ceiling" is the row's mean Qini over
    the bootstrap replicates relative to the best function of the features'. Campaigns whose planted effect is zero for
    everyone are left out of the means: no ranking can beat random there. Every learner is compared
    with the S-learner (when it runs) by a paired bootstrap of the mean Qini coefficient.
    """
    scorer = _campaign
    features = features.merge(truth, on=["campaign_id", "user_id"], how="left")
    names = [*learners, *REFERENCES]
    rng = np.random.default_rng(seed)
    timing = {name: [0.0, 0.0] for name in names}
    campaigns = []
    for _, campaign in features.groupby("campaign_id", sort=True):
        train, test = campaign[~campaign["is_evaluation"]], campaign[campaign["is_evaluation"]]
        true = test["true_uplift"].to_numpy(dtype=float)
        y, t = test["has_converted"].to_numpy(dtype=float), test["is_treatment"].to_numpy(dtype=float)
        if (np.isnan(campaign["true_uplift"]).any() or not np.any(true) or not y.any() or t.all()
                or not t.any()):
            continue
        scores = {}
        for name in names:
            predicted, fit_s, score_s = _fit_and_score(scorer, name, settings, train, test, rng)
            if predicted is None or np.isnan(predicted).any():
                break
            scores[name] = predicted
            timing[name][0] += fit_s
            timing[name][1] += score_s
        else:
            campaigns.append({"users": len(campaign), "y": y, "t": t, "true": true, "scores": scores})
    if not campaigns:
        return []
    replicated = _bootstrap_qini(campaigns, names, replicates, seed)
    rows = []
    for name in names:
        def mean_over_campaigns(metric, name=name) -> float:
            return float(np.mean([metric(c["y"], c["scores"][name], c["t"], c["true"]) for c in campaigns]))

        rows.append({
            "learner": REFERENCE_LABELS.get(name, SELECTION_LABELS.get(name, f"{name.upper()}-learner")),
            "campaigns": len(campaigns), "users": sum(c["users"] for c in campaigns),
            "fit s": None if name in REFERENCES else timing[name][0],
            "score s": None if name in REFERENCES else timing[name][1],
            "Qini coef": mean_over_campaigns(lambda y, u, t, _: qini_auc_score(y, u, t)),
            "Qini 90% CI": _interval(replicated[name]),
            "vs S 90% CI": _interval(replicated[name] - replicated["s"]) if "s" in names and name != "s" else "",
            "vs response 90% CI": _interval(replicated[name] - replicated["response"]) if name != "response" else "",
            "of ceiling": float(np.mean(replicated[name]) / np.mean(replicated["ceiling"])),
            "AUUC": mean_over_campaigns(lambda y, u, t, _: uplift_auc_score(y, u, t)),
            "uplift@10%": mean_over_campaigns(lambda y, u, t, _: uplift_at_k(y, u, t, "overall", 0.1)),
            "CATE RMSE": None if name in ("random", "response") else mean_over_campaigns(
                lambda y, u, t, true: float(np.sqrt(np.mean((u - true) ** 2)))),
            "CATE corr": None if name == "random" else mean_over_campaigns(
                lambda y, u, t, true: float(np.corrcoef(u, true)[0, 1]) if np.std(u) > 0 else float("nan")),
        })
    return rows




def _t_interval(values: np.ndarray, level: float = 0.90) -> tuple[float, float]:
    """Two-sided t interval of the mean over replications (a single value gives a zero-width interval)."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return float(values.mean()), float(values.mean())
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def setup_rmse(learners: dict, setup: str, setup_index: int, *, n: int = 1000, d: int = 6, sigma: float = 1.0,
               n_test: int = 5000, replications: int = 5, seed: int = 0) -> tuple[dict, dict]:
    """Per learner, the CATE RMSE of each replication of one Nie & Wager setup, and the total fit seconds.

    ``learners`` maps a name to ``factory(random_state) -> unfitted estimator``. Replication r draws a
    training set of ``n`` users and a test set of ``n_test`` users (seeded by seed, setup_index and r)
    and fits every learner on the same training set; RMSE is against the true effect of the test users,
    which no learner sees (each tunes itself on its training data only).
    """
    from models_ml.uplift.synthetic import make_nie_wager_data

    rmse = {name: np.zeros(replications) for name in learners}
    seconds = dict.fromkeys(learners, 0.0)
    for r in range(replications):
        train = make_nie_wager_data(setup, n, d, sigma, random_state=[seed, setup_index, r, 0])
        test = make_nie_wager_data(setup, n_test, d, sigma, random_state=[seed, setup_index, r, 1])
        for name, factory in learners.items():
            started = time.perf_counter()
            model = factory(r).fit(train.X, train.treatment, train.y)
            seconds[name] += time.perf_counter() - started
            rmse[name][r] = np.sqrt(np.mean((model.predict(test.X) - test.true_cate) ** 2))
    return rmse, seconds


def summarise_setups(results: dict[str, tuple[dict, dict]], reference: str) -> list[dict]:
    """Rows per setup and learner from ``setup_rmse`` results (setup -> (rmse, seconds)), against ``reference``.

    Mean RMSE with a 90% t interval over replications; the mean ratio to the reference's RMSE on the
    same draws with its interval; then one row per learner averaging the ratio over the setups
    (replication r of every setup paired).
    """
    setups = list(results)
    names = list(results[setups[0]][0])
    if reference not in names:
        raise ValueError(f"reference {reference!r} is not among the learners {names}")
    rows = []
    for setup, (rmse, seconds) in results.items():
        for name in names:
            ratio = rmse[name] / rmse[reference]
            rows.append({"setup": setup, "learner": name, "CATE RMSE": float(rmse[name].mean()),
                         "RMSE 90% CI": "[{:.3f}, {:.3f}]".format(*_t_interval(rmse[name])),
                         "vs reference": float(ratio.mean()),
                         "ratio 90% CI": "" if name == reference else "[{:.3f}, {:.3f}]".format(*_t_interval(ratio)),
                         "fit s": seconds[name] / len(rmse[name])})
    for name in names:
        ratios = np.mean([results[s][0][name] / results[s][0][reference] for s in setups], axis=0)
        rows.append({"setup": "mean of " + "".join(setups), "learner": name,
                     "CATE RMSE": float(np.mean([results[s][0][name].mean() for s in setups])),
                     "vs reference": float(ratios.mean()),
                     "ratio 90% CI": "" if name == reference else "[{:.3f}, {:.3f}]".format(*_t_interval(ratios))})
    return rows
