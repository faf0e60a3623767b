"""R- and DR-learner, Nie & Wager's setups, per-model tuning, and choosing a campaign's learner by R-loss."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone

from models_ml.uplift import (
    DRLearner,
    LearnerSelector,
    RLearner,
    TLearner,
    make_nie_wager_data,
    make_uplift_data,
    r_loss,
)
from models_ml.uplift import campaign as campaign_fit
from models_ml.uplift.evaluation import evaluate_campaigns, setup_rmse, summarise_setups
from models_ml.uplift.tuning import GBM_GRID, tune_lgbm

FIXED = {"n_estimators": 100, "learning_rate": 0.05, "num_leaves": 4, "min_child_samples": 20, "n_jobs": 1}


def rmse(model, data) -> float:
    return float(np.sqrt(np.mean((model.predict(data.X) - data.true_cate) ** 2)))


def test_nie_wager_setups_follow_the_published_formulas() -> None:
    a = make_nie_wager_data("A", 3000, random_state=0)
    assert a.X.shape == (3000, 6) and a.X.min() >= 0 and a.X.max() <= 1
    np.testing.assert_allclose(a.true_cate, (a.X[:, 0] + a.X[:, 1]) / 2)
    assert a.propensity.min() == pytest.approx(0.1) and a.propensity.max() <= 0.9
    b = make_nie_wager_data("b", 3000, d=12, random_state=0)
    assert b.X.shape == (3000, 12) and np.all(b.propensity == 0.5)
    np.testing.assert_allclose(b.true_cate, b.X[:, 0] + np.log1p(np.exp(b.X[:, 1])))
    c = make_nie_wager_data("C", 3000, random_state=0)
    assert np.all(c.true_cate == 1.0)
    np.testing.assert_allclose(c.propensity, 1 / (1 + np.exp(c.X[:, 1] + c.X[:, 2])))
    d = make_nie_wager_data("D", 3000, sigma=0.0, random_state=0)
    mu1, mu0 = np.maximum(d.X[:, :3].sum(1), 0), np.maximum(d.X[:, 3:5].sum(1), 0)
    np.testing.assert_allclose(d.true_cate, mu1 - mu0)
    # Without noise, y = b + (t - 1/2) tau: treated users sit on mu1 and held-out users on mu0.
    np.testing.assert_allclose(d.y, np.where(d.treatment == 1, mu1, mu0))
    assert 0.3 < d.treatment.mean() < 0.6
    np.testing.assert_array_equal(make_nie_wager_data("D", 50, random_state=4).y,
                                  make_nie_wager_data("D", 50, random_state=4).y)
    for bad, message in (({"setup": "E"}, "setup"), ({"d": 4}, "five features"), ({"n": 0}, "positive")):
        with pytest.raises(ValueError, match=message):
            make_nie_wager_data(**({"setup": "A", "n": 10} | bad))


def test_r_and_dr_recover_a_constant_effect_that_a_t_learner_blurs() -> None:
    """Setup C: a rough baseline, tau = 1. Subtracting two baseline fits (T) leaves their error in the effect;
    the R- and DR-learner model the effect directly."""
    train, test = make_nie_wager_data("C", 3000, random_state=1), make_nie_wager_data("C", 2000, random_state=2)
    t_error = rmse(TLearner(random_state=0, **FIXED).fit(train.X, train.treatment, train.y), test)
    for learner in (RLearner, DRLearner):
        model = learner(propensity="model", random_state=0, **FIXED).fit(train.X, train.treatment, train.y)
        assert rmse(model, test) < 0.8 * t_error, learner.__name__


def test_stacked_dr_blends_with_its_two_model_estimate() -> None:
    train = make_nie_wager_data("D", 2000, random_state=3)
    model = DRLearner(stack=True, propensity="model", random_state=0, **FIXED).fit(train.X, train.treatment, train.y)
    weights = model.stack_weights_
    assert set(weights) == {"intercept", "t", "dr"} and weights["t"] >= 0 and weights["dr"] >= 0
    assert weights["t"] + weights["dr"] > 0.5  # the blend keeps most of the effect's scale
    plain = clone(model).set_params(stack=False).fit(train.X, train.treatment, train.y)
    assert plain.stack_weights_ is None
    np.testing.assert_allclose(plain.predict(train.X), plain.effect_model_.predict(train.X))
    assert not np.allclose(model.predict(train.X), plain.predict(train.X))


def test_cross_fitting_settings_are_checked() -> None:
    data = make_nie_wager_data("B", 300, random_state=0)
    for params, message in (({"n_folds": 1}, "n_folds"), ({"propensity_clip": 0.5}, "propensity_clip"),
                            ({"propensity": "guess"}, "propensity")):
        with pytest.raises(ValueError, match=message):
            RLearner(**FIXED, **params).fit(data.X, data.treatment, data.y)
    few_treated = np.r_[np.ones(3, dtype=int), np.zeros(297, dtype=int)]
    with pytest.raises(ValueError, match="at least n_folds"):
        DRLearner(**FIXED).fit(data.X, few_treated, data.y)


def test_tuning_chooses_on_the_training_loss_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 3))
    constant = 1.0 + rng.normal(0, 1.0, 600)  # nothing to learn: the CV picks few rounds
    step = np.where(X[:, 0] > 0, 2.0, -2.0) + rng.normal(0, 0.1, 600)  # plenty to learn
    base = {"learning_rate": 0.05, "verbose": -1, "n_jobs": 1, "random_state": 0}
    flat, sharp = tune_lgbm("regressor", base, X, constant), tune_lgbm("regressor", base, X, step)
    assert flat["n_estimators"] < sharp["n_estimators"]
    assert tune_lgbm("regressor", base, X, step) == sharp
    with pytest.raises(ValueError, match="kind"):
        tune_lgbm("ranker", base, X, step)
    data = make_nie_wager_data("A", 400, random_state=0)
    model = TLearner(tuning=2, n_jobs=1, random_state=0).fit(data.X, data.treatment, data.y)
    assert model.model_treated_.n_estimators <= 300
    with pytest.raises(ValueError, match="tuning"):
        TLearner(tuning=1, n_jobs=1).fit(data.X, data.treatment, data.y)


def test_tuning_picks_linear_leaves_for_a_hinge_and_a_learner_can_restrict_its_grid() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(800, 4))
    hinge = np.maximum(X[:, 0] + X[:, 1] + X[:, 2], 0) + rng.normal(0, 0.3, 800)
    base = {"learning_rate": 0.05, "verbose": -1, "n_jobs": 1, "random_state": 0}
    assert tune_lgbm("regressor", base, X, hinge).get("linear_tree") is True
    assert "linear_tree" not in tune_lgbm("regressor", base, X, hinge, grid=GBM_GRID)
    data = make_nie_wager_data("D", 600, random_state=0)
    kwargs = {"tuning": 2, "n_jobs": 1, "random_state": 0}
    restricted = TLearner(tuning_grid=GBM_GRID, **kwargs).fit(data.X, data.treatment, data.y)
    assert not any(m.get_params().get("linear_tree") for m in (restricted.model_treated_, restricted.model_control_))
    default = TLearner(**kwargs).fit(data.X, data.treatment, data.y)
    assert any(m.get_params().get("linear_tree") for m in (default.model_treated_, default.model_control_))
    assert clone(TLearner(tuning_grid=GBM_GRID)).get_params()["tuning_grid"] == GBM_GRID


def test_setup_comparison_pairs_draws_and_averages_ratios() -> None:
    learners = {"t": lambda seed: TLearner(random_state=seed, **FIXED),
                "r": lambda seed: RLearner(propensity="model", random_state=seed, **FIXED)}
    results = {s: setup_rmse(learners, s, i, n=600, n_test=500, replications=2) for i, s in enumerate("AC")}
    rows = {(row["setup"], row["learner"]): row for row in summarise_setups(results, "t")}
    assert rows["A", "t"]["vs reference"] == 1 and rows["A", "t"]["ratio 90% CI"] == ""
    expected = np.mean([results[s][0]["r"] / results[s][0]["t"] for s in "AC"])
    assert rows["mean of AC", "r"]["vs reference"] == pytest.approx(expected)
    assert rows["C", "r"]["vs reference"] < 1  # the constant effect again


class ConstantUplift(BaseEstimator):
    """A candidate that ignores the data: it predicts the same (wrong) uplift for everyone."""

    def __init__(self, value: float = 0.5, **_: object) -> None:
        self.value = value

    def fit(self, X, treatment, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.full(len(X), self.value)


def test_r_loss_prefers_the_true_effect() -> None:
    data = make_nie_wager_data("B", 5000, random_state=0)
    m = data.y - (data.treatment - 0.5) * data.true_cate  # E[y | x] up to noise, with e = 1/2
    m = m + data.propensity * data.true_cate - 0.5 * data.true_cate
    true_loss = r_loss(data.y, data.treatment, data.true_cate, m, data.propensity)
    assert true_loss < r_loss(data.y, data.treatment, np.zeros(5000), m, data.propensity)
    assert true_loss < r_loss(data.y, data.treatment, data.true_cate + 0.5, m, 0.5)


def test_a_candidate_that_loses_the_validation_is_not_served() -> None:
    data = make_nie_wager_data("B", 3000, random_state=5)
    candidates = {"wrong": ConstantUplift(5.0), "t": TLearner(random_state=0, **FIXED)}
    selector = LearnerSelector(candidates, random_state=0).fit(data.X, data.treatment, data.y)
    assert selector.selected_ == "t"
    assert selector.validation_losses_["wrong"] > selector.validation_losses_["t"]
    served = TLearner(random_state=0, **FIXED).fit(data.X, data.treatment, data.y)  # refitted on every user
    np.testing.assert_allclose(selector.predict(data.X), served.predict(data.X))
    # Listing order does not decide; a good constant can win against a poor fit.
    flipped = LearnerSelector({"t": TLearner(random_state=0, **FIXED), "wrong": ConstantUplift(5.0)},
                              random_state=0).fit(data.X, data.treatment, data.y)
    assert flipped.selected_ == "t"


class FeatureUplift(BaseEstimator):
    """A candidate that ranks users by one feature, times a sign."""

    def __init__(self, column: str = "category_affinity", sign: float = 1.0) -> None:
        self.column = column
        self.sign = sign

    def fit(self, X, treatment, y):
        return self

    def predict(self, X):
        return self.sign * X[self.column].to_numpy(dtype=float)


def test_qini_criterion_serves_the_best_validation_ranking() -> None:
    data = make_uplift_data(20_000, random_state=3, effect_scale=3.0)  # the effect rises with affinity
    candidates = {"reversed": FeatureUplift(sign=-1.0), "affinity": FeatureUplift()}
    selector = LearnerSelector(candidates, criterion="qini", random_state=0).fit(data.X, data.treatment, data.y)
    assert selector.selected_ == "affinity"
    assert selector.validation_qini_["affinity"] > 0 > selector.validation_qini_["reversed"]
    flipped = LearnerSelector(dict(reversed(candidates.items())), criterion="qini", random_state=0)
    assert flipped.fit(data.X, data.treatment, data.y).selected_ == "affinity"
    with pytest.raises(ValueError, match="criterion"):
        LearnerSelector(candidates, criterion="auuc").fit(data.X, data.treatment, data.y)
    with pytest.raises(ValueError, match="0/1 outcome"):
        LearnerSelector(candidates, criterion="qini").fit(data.X, data.treatment, data.y + 0.5)
    by_loss = LearnerSelector(candidates, random_state=0).fit(data.X, data.treatment, data.y + 0.5)
    assert np.isnan(list(by_loss.validation_qini_.values())).all()  # undefined for a continuous outcome, not a failure


def test_selector_skips_candidates_that_cannot_fit_and_checks_inputs() -> None:
    data = make_nie_wager_data("B", 600, random_state=0)

    class Broken(ConstantUplift):
        def fit(self, X, treatment, y):
            raise ValueError("cannot fit this")

    selector = LearnerSelector({"broken": Broken(), "zero": ConstantUplift(0.0)}, random_state=0)
    selector.fit(data.X, data.treatment, data.y)
    assert selector.selected_ == "zero" and "cannot fit" in selector.failures_["broken"]
    assert np.isnan(selector.validation_losses_["broken"])
    with pytest.raises(ValueError, match="no candidate"):
        LearnerSelector({"broken": Broken()}).fit(data.X, data.treatment, data.y)
    with pytest.raises(ValueError, match="propensity"):
        LearnerSelector({"zero": ConstantUplift()}, propensity="guess").fit(data.X, data.treatment, data.y)
    with pytest.raises(ValueError, match="validation_share"):
        LearnerSelector({"zero": ConstantUplift()}, validation_share=1.0).fit(data.X, data.treatment, data.y)
    with pytest.raises(ValueError, match="not fitted"):
        LearnerSelector({"zero": ConstantUplift()}).predict(data.X)


SETTINGS = {"learner": "auto", "candidates": ["s", "t"], "validation_share": 0.3, "n_folds": 2,
            "n_estimators": 50, "learning_rate": 0.05, "num_leaves": 4, "min_child_share": 0.01,
            "effect_min_child_multiple": 4, "cat_smooth": 100, "max_cat_threshold": 4, "n_jobs": 1, "random_state": 0}


def lift_study(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    affinity = rng.beta(2, 5, n)
    treated = rng.random(n) < 0.8
    converted = rng.random(n) < 0.05 + treated * 0.3 * affinity
    return pd.DataFrame({
        "campaign_id": "cmp_a", "user_id": np.arange(n), "is_treatment": treated, "has_converted": converted,
        "age_band": rng.choice(["18-24", "25-34"], n), "country_code": "CN", "region": rng.choice(["a", "b"], n),
        "device_os": rng.choice(["ios", "android"], n), "language": "zh", "tenure_days": rng.integers(1, 700, n),
        "active_days": rng.integers(1, 30, n), "views": rng.integers(1, 60, n), "category_affinity": affinity,
        "is_evaluation": rng.random(n) < 0.5,
    })


def test_campaign_serves_the_validation_winner_and_records_the_table(monkeypatch) -> None:
    monkeypatch.setitem(campaign_fit.LEARNERS, "wrong", ConstantUplift)
    rows = lift_study(8000, 0)
    fits = campaign_fit.fit_campaigns(rows, SETTINGS | {"candidates": ["wrong", "t"]})
    scored = campaign_fit.score_with_fits(rows, fits)
    assert set(scored["learner"]) == {"t"} and set(scored["fit_status"]) == {"fitted"}
    assert "selection" not in scored  # the validation table stays on the fit's one row per campaign
    selections = dict(zip(fits["campaign_id"], fits["selection"], strict=True))
    table = json.loads(selections["cmp_a"])
    assert table["t"]["selected"] and not table["wrong"]["selected"]
    assert table["wrong"]["validation_r_loss"] > table["t"]["validation_r_loss"]
    assert scored["model_version"].iloc[0] == table["t"]["model_version"]
    evaluations = evaluate_campaigns(scored, pd.Timestamp("2026-01-01"), selections)
    assert not evaluations.duplicated(["model_name", "model_version", "metric"]).any()
    served = evaluations[evaluations["model_name"] == "campaign_uplift:cmp_a"]
    assert set(served["metric"]) == {"qini_coefficient", "auuc", "uplift_at_10pct"}
    choice = evaluations[(evaluations["model_name"] == "campaign_uplift_selection:cmp_a")
                         & (evaluations["metric"] == "selected")]
    assert choice.set_index("model_version")["value"].to_dict() == {
        table["wrong"]["model_version"]: 0.0, table["t"]["model_version"]: 1.0}


def test_campaign_learner_settings_are_checked() -> None:
    rows = lift_study(500, 1)
    for bad in ({"learner": "z"}, {"candidates": ["s", "q"]}, {"candidates": []}):
        with pytest.raises(ValueError, match="campaign_uplift"):
            campaign_fit.score_campaigns(rows, SETTINGS | bad)
    fixed = campaign_fit.fit_campaigns(rows, SETTINGS | {"learner": "s"})
    assert set(fixed["learner"]) == {"s"} and set(fixed["selection"]) == {"{}"}
    by_qini = campaign_fit.make_model("auto", SETTINGS | {"selection_criterion": "qini"}, 1000)
    assert by_qini.criterion == "qini" and campaign_fit.make_model("auto", SETTINGS, 1000).criterion == "r_loss"
