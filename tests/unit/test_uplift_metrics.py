"""Uplift metrics against scikit-uplift 0.5.1, the reference our definitions follow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklift.metrics as sk

from models_ml.uplift import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    random_qini_curve,
    random_uplift_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_by_decile,
    uplift_curve,
)

SEEDS = [0, 1, 2, 3, 4]

# sklift warns on empty arms in a top-k slice (it returns NaN, as we do) and on pandas 3 deprecations.
pytestmark = pytest.mark.filterwarnings(
    "ignore::RuntimeWarning", "ignore::DeprecationWarning", "ignore::FutureWarning"
)


def random_inputs(seed: int, n: int = 2000, ties: bool = False):
    """Outcomes correlated with treatment and score; with ties, scores take few distinct values."""
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n)
    score = rng.normal(size=n)
    if ties:
        score = np.round(score, 1)  # ~60 distinct values, so most users share their score
    p = 0.1 + 0.1 * treatment * (score > 0) + 0.05 * rng.random(n)
    y = (rng.random(n) < p).astype(int)
    return y, score, treatment


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_curves_match_sklift(seed: int, ties: bool) -> None:
    y, score, treatment = random_inputs(seed, ties=ties)
    for ours, theirs in [(qini_curve, sk.qini_curve), (uplift_curve, sk.uplift_curve)]:
        x_ours, v_ours = ours(y, score, treatment)
        x_ref, v_ref = theirs(y, score, treatment)
        np.testing.assert_array_equal(x_ours, x_ref)
        np.testing.assert_allclose(v_ours, v_ref, rtol=0, atol=1e-9)
    for negative_effect in (True, False):
        np.testing.assert_allclose(
            np.vstack(perfect_qini_curve(y, treatment, negative_effect)),
            np.vstack(sk.perfect_qini_curve(y, treatment, negative_effect)),
            rtol=0,
            atol=1e-9,
        )
    np.testing.assert_allclose(
        np.vstack(perfect_uplift_curve(y, treatment)),
        np.vstack(sk.perfect_uplift_curve(y, treatment)),
        atol=1e-9,
    )


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_scores_match_sklift(seed: int, ties: bool) -> None:
    y, score, treatment = random_inputs(seed, ties=ties)
    for negative_effect in (True, False):
        assert qini_auc_score(y, score, treatment, negative_effect) == pytest.approx(
            sk.qini_auc_score(y, score, treatment, negative_effect), abs=1e-9
        )
    assert uplift_auc_score(y, score, treatment) == pytest.approx(
        sk.uplift_auc_score(y, score, treatment), abs=1e-9
    )
    for strategy in ("overall", "by_group"):
        for k in (0.1, 0.3, 0.77, 1, 57, 900):
            assert uplift_at_k(y, score, treatment, strategy, k) == pytest.approx(
                sk.uplift_at_k(y, score, treatment, strategy, k), abs=1e-9, nan_ok=True
            ), (strategy, k)


def test_scores_match_sklift_on_small_samples_and_pandas_input() -> None:
    """Few users, so most curve steps and tie blocks are visible; pandas Series as input."""
    for seed in range(20):
        y, score, treatment = random_inputs(seed, n=12, ties=True)
        if len(set(y)) < 2 or len(set(treatment)) < 2:
            continue
        y_s, score_s, t_s = pd.Series(y), pd.Series(score), pd.Series(treatment)
        assert qini_auc_score(y_s, score_s, t_s) == pytest.approx(
            sk.qini_auc_score(y, score, treatment), abs=1e-9
        )
        assert uplift_auc_score(y_s, score_s, t_s) == pytest.approx(
            sk.uplift_auc_score(y, score, treatment), abs=1e-9
        )


def test_random_baselines_are_the_diagonal_sklift_plots() -> None:
    """sklift.viz draws random targeting as x * total / n over the model curve's x."""
    y, score, treatment = random_inputs(7, ties=True)
    for curve, baseline in [(qini_curve, random_qini_curve), (uplift_curve, random_uplift_curve)]:
        x, values = curve(y, score, treatment)
        x_random, y_random = baseline(y, treatment)
        np.testing.assert_allclose(np.interp(x, x_random, y_random), x * values[-1] / len(y), atol=1e-9)


def test_scores_orient_as_expected() -> None:
    """The true persuadables ranked first score high on noiseless data, its reverse is negative, a constant scores 0."""
    rng = np.random.default_rng(3)
    n = 4000
    treatment = rng.integers(0, 2, n)
    persuadable = rng.random(n) < 0.3
    y = (persuadable & (treatment == 1)).astype(int)
    truth = persuadable.astype(float)
    assert qini_auc_score(y, truth, treatment) > 0.75
    assert qini_auc_score(y, -truth, treatment) < 0
    assert qini_auc_score(y, np.zeros(n), treatment) == pytest.approx(0.0, abs=1e-12)
    assert uplift_auc_score(y, truth, treatment) > uplift_auc_score(y, np.zeros(n), treatment)


def test_uplift_by_decile_matches_sklift_percentiles() -> None:
    y, score, treatment = random_inputs(11, n=1003, ties=True)
    table = uplift_by_decile(y, score, treatment)
    reference = sk.uplift_by_percentile(y, score, treatment, strategy="overall", bins=10)
    assert list(table.columns) == [
        "decile",
        "n_treated",
        "n_control",
        "rate_treated",
        "rate_control",
        "observed_uplift",
        "mean_predicted_uplift",
    ]
    assert table["decile"].tolist() == list(range(1, 11))
    np.testing.assert_array_equal(table["n_treated"], reference["n_treatment"])
    np.testing.assert_array_equal(table["n_control"], reference["n_control"])
    np.testing.assert_allclose(table["rate_treated"], reference["response_rate_treatment"], atol=1e-12)
    np.testing.assert_allclose(table["rate_control"], reference["response_rate_control"], atol=1e-12)
    np.testing.assert_allclose(table["observed_uplift"], reference["uplift"], atol=1e-12)
    order = np.argsort(score, kind="mergesort")[::-1]
    expected_means = [part.mean() for part in np.array_split(score[order], 10)]
    np.testing.assert_allclose(table["mean_predicted_uplift"], expected_means, atol=1e-12)
    assert table[["n_treated", "n_control"]].to_numpy().sum() == len(y)


def test_continuous_outcome_is_accepted_where_defined() -> None:
    """Revenue per user: curves, uplift@k and deciles work; normalised scores refuse it."""
    rng = np.random.default_rng(5)
    treatment = rng.integers(0, 2, 500)
    revenue = rng.gamma(2.0, 3.0, 500) * (rng.random(500) < 0.2)
    score = rng.normal(size=500)
    x, values = qini_curve(revenue, score, treatment)
    assert x[-1] == 500 and values[0] == 0.0
    top = np.argsort(score, kind="mergesort")[::-1][:100]
    expected = revenue[top][treatment[top] == 1].mean() - revenue[top][treatment[top] == 0].mean()
    assert uplift_at_k(revenue, score, treatment, "overall", 100) == pytest.approx(expected)
    assert len(uplift_by_decile(revenue, score, treatment)) == 10
    with pytest.raises(ValueError, match="binary"):
        qini_auc_score(revenue, score, treatment)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0, 1, 1], [0.1, 0.2], [0, 1, 0]), "different lengths"),
        (([0, 1, 1], [0.1, 0.2, 0.3], [0, 2, 1]), "treatment must be 0"),
        (([0, 1, 1], [0.1, 0.2, 0.3], [1, 1, 1]), "no control rows"),
        (([0, 1, 1], [0.1, 0.2, 0.3], [0, 0, 0]), "no treated rows"),
        (([0, 0, 0], [0.1, 0.2, 0.3], [0, 1, 0]), "both 0 and 1"),
        (([0, 1, 1], [0.1, np.nan, 0.3], [0, 1, 0]), "NaN"),
    ],
)
def test_bad_inputs_raise_clear_errors(args, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        qini_auc_score(*args)


def test_bad_k_and_strategy() -> None:
    y, score, treatment = random_inputs(0, n=100)
    with pytest.raises(ValueError, match="strategy"):
        uplift_at_k(y, score, treatment, "best", 0.3)
    for k in (0, 1.0, 100, -3, "a"):
        with pytest.raises(ValueError, match="k"):
            uplift_at_k(y, score, treatment, "overall", k)
    with pytest.raises(ValueError, match="exceeds"):
        uplift_at_k(y, score, treatment, "by_group", 90)
    with pytest.raises(ValueError, match="bins"):
        uplift_by_decile(y, score, treatment, bins=0)
