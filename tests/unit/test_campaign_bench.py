"""The campaign benchmark's learner comparison: baselines, paired intervals, null campaigns left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.uplift.evaluation import compare_learners

SETTINGS = {"learner": "x", "n_estimators": 100, "learning_rate": 0.03, "num_leaves": 4, "min_child_share": 0.04,
            "effect_min_child_multiple": 4, "cat_smooth": 100, "max_cat_threshold": 4, "n_jobs": 1, "random_state": 0}

AGES = ["18-24", "25-34", "35-44", "45-54", "55+"]


def lift_study(campaign_id: str, n: int, effect: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A campaign whose true uplift is large for the young and the category fans, as in the simulator.

    The most active users convert anyway (sure things): their baseline is high, their uplift no higher.
    """
    age = rng.integers(0, len(AGES), n)
    affinity = rng.beta(2, 8, n)
    active_days = rng.integers(1, 30, n)
    true_uplift = effect * np.array([1.5, 1.0, 0.6, 0.3, 0.1])[age] * affinity / 0.2
    treated = rng.random(n) < 0.8
    converted = rng.random(n) < 0.02 + 0.2 * (active_days / 30) ** 3 + treated * true_uplift
    features = pd.DataFrame({
        "campaign_id": campaign_id, "user_id": np.arange(n), "is_treatment": treated, "has_converted": converted,
        "conversions": converted.astype(int), "age_band": np.array(AGES)[age], "country_code": "CN",
        "region": rng.choice(["CN-11", "CN-31"], n), "device_os": rng.choice(["ios", "android"], n),
        "language": "zh", "tenure_days": rng.integers(1, 700, n), "active_days": active_days,
        "views": rng.integers(1, 60, n), "category_affinity": affinity, "is_evaluation": rng.random(n) < 0.5,
    })
    return features, pd.DataFrame({"campaign_id": campaign_id, "user_id": np.arange(n), "true_uplift": true_uplift})


def test_learners_are_compared_with_the_references_on_effect_campaigns_only() -> None:
    rng = np.random.default_rng(5)
    parts = [lift_study("cmp_a", 40_000, 0.04, rng), lift_study("cmp_null", 20_000, 0.0, rng)]
    features = pd.concat([f for f, _ in parts], ignore_index=True)
    truth = pd.concat([t for _, t in parts], ignore_index=True)
    rows = {row["learner"]: row for row in compare_learners(features, truth, ["s", "x"], SETTINGS, replicates=20)}
    assert list(rows) == ["S-learner", "X-learner", "random targeting", "response model (no uplift)",
                          "best function of the features", "oracle (true tau)"]
    assert all(row["campaigns"] == 1 and row["users"] == 40_000 for row in rows.values())  # the null one is out
    oracle, random = rows["oracle (true tau)"], rows["random targeting"]
    assert oracle["CATE RMSE"] == 0 and oracle["CATE corr"] == 1
    assert min(oracle["Qini coef"], rows["X-learner"]["Qini coef"]) > random["Qini coef"] + 0.05
    low, high = (float(v) for v in rows["X-learner"]["Qini 90% CI"].strip("[]").split(","))
    assert low <= rows["X-learner"]["Qini coef"] <= high and low > 0
    assert rows["S-learner"]["vs S 90% CI"] == "" and rows["X-learner"]["vs S 90% CI"].startswith("[")
    assert rows["X-learner"]["fit s"] > 0 and random["fit s"] is None


def test_response_model_targets_sure_things_and_the_ceiling_bounds_the_learners() -> None:
    """Ranking by the chance to convert picks the active users who convert anyway; the ceiling, fitted to
    the planted uplift, ranks at least as well as any learner and close to the oracle."""
    rng = np.random.default_rng(11)
    features, truth = lift_study("cmp_a", 60_000, 0.04, rng)
    rows = {row["learner"]: row for row in compare_learners(features, truth, ["x"], SETTINGS, replicates=20)}
    response, ceiling = rows["response model (no uplift)"], rows["best function of the features"]
    learner, oracle = rows["X-learner"], rows["oracle (true tau)"]
    assert response["Qini coef"] < learner["Qini coef"] - 0.03
    assert response["CATE RMSE"] is None and response["fit s"] is None
    assert learner["Qini coef"] <= ceiling["Qini coef"] + 0.02
    assert ceiling["CATE corr"] > 0.95 and abs(ceiling["Qini coef"] - oracle["Qini coef"]) < 0.03
