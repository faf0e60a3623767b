"""The warehouse's uplift wrapper sizes LightGBM's leaves to each campaign's training split."""

from __future__ import annotations

import pytest

from models_ml.uplift import campaign
from reelmart.warehouse import PROJECT_DIR

SETTINGS = {"n_estimators": 100, "learning_rate": 0.03, "num_leaves": 4, "min_child_share": 0.04,
            "effect_min_child_multiple": 4, "cat_smooth": 100, "max_cat_threshold": 4, "n_jobs": 1,
            "random_state": 0}


@pytest.fixture(scope="module")
def scorer():
    return campaign


@pytest.mark.parametrize(("n_train", "min_child"), [(250_000, 10_000), (50_000, 2_000), (100, 20)])
def test_smallest_leaf_is_a_share_of_the_training_users(scorer, n_train, min_child) -> None:
    kwargs = scorer.learner_params("t", SETTINGS, n_train)
    assert kwargs["min_child_samples"] == min_child
    assert kwargs["lgbm_params"]["min_data_per_group"] == min_child
    assert "effect_params" not in kwargs


def test_x_learner_effect_models_get_coarser_leaves(scorer) -> None:
    kwargs = scorer.learner_params("x", SETTINGS, 50_000)
    assert kwargs["effect_params"] == {"min_child_samples": 8_000}
    model = scorer.LEARNERS["x"](**kwargs)  # every setting is a real constructor argument
    assert model.get_params()["effect_params"]["min_child_samples"] == 8_000
    version = scorer.describe("x", kwargs)
    assert version.startswith("x_learner lgbm ")
    assert "min_child_samples=2000" in version and "effect_min_child_samples=8000" in version


def test_project_settings_are_complete(scorer) -> None:
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    settings = project["vars"]["campaign_uplift"]
    names = scorer.candidate_names(settings)  # learner auto with known candidates, or one known learner
    assert names and set(names) <= set(scorer.LEARNERS)
    for name in names:
        scorer.learner_params(name, settings, 10_000)  # no missing key
    scorer.make_model(str(settings["learner"]), settings, 10_000)  # incl. validation_share for auto


def test_r_and_dr_cross_fit_with_coarser_effect_leaves(scorer) -> None:
    for learner in ("r", "dr"):
        kwargs = scorer.learner_params(learner, SETTINGS | {"n_folds": 2}, 50_000)
        assert kwargs["n_folds"] == 2 and kwargs["effect_params"] == {"min_child_samples": 8_000}
        assert scorer.LEARNERS[learner](**kwargs).get_params()["n_folds"] == 2
        assert scorer.describe(learner, kwargs).startswith(f"{learner}_learner lgbm ")
