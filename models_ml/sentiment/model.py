"""`CommentSentimentModel`: calibrated linear sentiment classifier for short-video comments.

Pipeline: `normalize_batch` (NFKC, traditional -> simplified, placeholders, squeezing) ->
`HashedNgramFeaturizer` (char 1-3- or 1-5-grams + word uni/bigrams incl. emoji/kaomoji, and, where
the CV keeps them, the words of Chinese runs from segment.py; sublinear TF-IDF) -> a linear learner
(by default NBSVM and logistic regression blended; features, Cs and weight chosen by cross-validation
on the training labels; the alternatives are measured in docs/sentiment.md) -> sigmoid calibration (`CalibratedClassifierCV`, which also gives the SVM its
probabilities) -> a neutral band in `predict`.

Defined results for degenerate input: a comment with no known feature after normalisation
(empty, whitespace-only, only an unseen emoji, only a URL never seen in training ...) gets the
training class priors from `predict_proba` and the neutral label from `predict` (or the most
frequent class if the label set has no neutral). Emoji-only comments whose emoji were seen in
training are scored normally: 😍 and 🙄 carry sentiment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from .features import HashedNgramFeaturizer
from .normalize import MAX_CHARS, normalize_batch

# liblinear (LinearSVC, LogisticRegression's liblinear solver) draws from C's process-global rand()
# with the GIL released, so two fits running in parallel threads (dbt runs Python models in threads)
# interleave their draws and give slightly different models (~1e-6 in probability). Fits take turns.
_FIT_LOCK = threading.Lock()

log = logging.getLogger(__name__)

FORMAT_VERSION = 4  # 4: Chinese word view chosen by CV; 3: NBSVM + LR blend, weight and both Cs chosen by CV
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
LEARNERS = ("nbsvm+lr", "nbsvm", "nblr", "logreg", "linear_svm")
_NO_PROBA = ("nbsvm+lr", "nbsvm", "linear_svm")  # SVMs: probabilities only through calibration
SCORING_CHUNK = 32_768
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def nb_log_count_ratio(X: sp.spmatrix, hit: np.ndarray, alpha: float) -> np.ndarray:
    """Naive-Bayes log-count ratio r = log((p/|p|1) / (q/|q|1)) of one class against the rest.

    Counts are of feature presence (binarized), as in Wang & Manning (2012): with TF-IDF values
    (~0.1 each) the smoothing alpha would swamp the counts of every rare n-gram and flatten r.
    """
    present = X.copy()
    present.data = np.ones_like(present.data)
    p = alpha + np.asarray(present[hit].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[~hit].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


class _NBLinear(ClassifierMixin, BaseEstimator):
    """One-vs-rest linear classifier on features rescaled by naive-Bayes log-count ratios.

    Each class gets ratios r that rescale the features before a binary linear fit; the weights
    are folded back (coef = w * r) so scoring is a plain sparse dot product.
    """

    def _binary(self):  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    def fit(self, X: sp.spmatrix, y: Sequence) -> _NBLinear:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        targets = [self.classes_[1]] if len(self.classes_) == 2 else list(self.classes_)
        X = sp.csr_matrix(X)
        coefs, intercepts = [], []
        for target in targets:
            hit = y == target
            r = nb_log_count_ratio(X, hit, self.alpha)
            clf = self._binary().fit(X.multiply(r).tocsr(), hit)
            coefs.append(clf.coef_.ravel() * r)
            intercepts.append(clf.intercept_[0])
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(intercepts)
        return self

    def decision_function(self, X: sp.spmatrix) -> np.ndarray:
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if len(self.classes_) == 2 else scores

    def predict(self, X: sp.spmatrix) -> np.ndarray:
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


class NBLogisticRegression(_NBLinear):
    """NB-weighted logistic regression (the logistic-loss variant of NBSVM), one-vs-rest."""

    def __init__(self, C: float = 10.0, alpha: float = 1.0, random_state: int | None = None) -> None:
        self.C = C
        self.alpha = alpha
        self.random_state = random_state

    def _binary(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)

    def predict_proba(self, X: sp.spmatrix) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        if len(self.classes_) == 2:
            return np.column_stack((1 - p, p))
        return p / p.sum(axis=1, keepdims=True)


class NBSVM(_NBLinear):
    """NBSVM (Wang & Manning 2012): a linear SVM on NB-rescaled features, one-vs-rest.

    No probabilities of its own; CommentSentimentModel calibrates its decision function.
    """

    def __init__(self, C: float = 1.0, alpha: float = 1.0, random_state: int | None = None) -> None:
        self.C = C
        self.alpha = alpha
        self.random_state = random_state

    def _binary(self) -> LinearSVC:
        return LinearSVC(C=self.C, random_state=self.random_state)


def _spread(X: sp.spmatrix, coef: np.ndarray, intercept: np.ndarray) -> float:
    """Standard deviation of a linear model's decision values on X (1.0 if they are constant)."""
    spread = float(np.std(np.asarray(X @ coef.T) + intercept))
    return spread if spread > 0 else 1.0


class NBSVMBlend(_NBLinear):
    """A weighted sum of an NBSVM's and a logistic regression's decision functions, same features.

    NBSVM is strong on the sentiment-bearing n-grams it rescales; a multinomial logistic regression
    on the plain TF-IDF is the stronger three-class learner (docs/sentiment.md measures both). Each
    decision function is divided by its spread on the training rows, so `weight` (NBSVM's share)
    means the same for any C. Both parts are linear in X, so they fold into one `coef_` and
    `intercept_`: scoring costs one sparse dot product, as for either learner alone. weight=1 is
    NBSVM alone and weight=0 logistic regression alone (the other part is then not fitted).
    """

    def __init__(self, C: float = 1.0, C_lr: float = 10.0, weight: float = 0.5, alpha: float = 1.0,
                 random_state: int | None = None) -> None:
        self.C = C
        self.C_lr = C_lr
        self.weight = weight
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: Sequence) -> NBSVMBlend:
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"weight must be in [0, 1], got {self.weight!r}")
        X = sp.csr_matrix(X)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        parts = []
        if self.weight > 0:
            parts.append((self.weight, NBSVM(C=self.C, alpha=self.alpha, random_state=self.random_state).fit(X, y)))
        if self.weight < 1:
            lr = LogisticRegression(C=self.C_lr, max_iter=5000, random_state=self.random_state).fit(X, y)
            parts.append((1.0 - self.weight, lr))
        scaled = [(w / _spread(X, m.coef_, m.intercept_), m) for w, m in parts]
        self.coef_ = sum(k * m.coef_ for k, m in scaled)
        self.intercept_ = sum(k * m.intercept_ for k, m in scaled)
        return self


class CommentSentimentModel(ClassifierMixin, BaseEstimator):
    """Sentiment of short-video comments (zh / en / mixed): negative, neutral, positive.

    Any label set with two or more classes works (e.g. negative/positive). The char n-gram range
    and the learner's hyper-parameters (C; for the default blend also the logistic regression's C
    and the blend weight) are chosen together by stratified cross-validation on the labels given
    to `fit` (best mean macro-F1 over the grids) unless they are set. Probabilities are calibrated
    with `CalibratedClassifierCV` (sigmoid, `calibration_cv` folds). `predict` adds a neutral band:
    when the label set contains `neutral_label` and the best non-neutral class leads the other
    non-neutral class by less than `neutral_margin` in probability (|p_positive - p_negative| <
    margin), the prediction is neutral. `predict_proba` is never changed by the band.

    Parameters
    ----------
    char_ngram_range : char n-gram range; None (default) chooses one of `char_ngram_grid` by CV.
    word_ngram_max, min_df : feature settings (see features.py).
    use_jieba : add the words of Chinese runs as a view of their own (jieba's dictionary, segmented
        for the whole batch by segment.py). False (default: it did not win by CV on real Chinese
        reviews, docs/sentiment.md), True, or None to let the CV choose from `jieba_grid` at the char
        range it chose without them (only tried when some training text has Chinese characters).
    learner : "nbsvm+lr" (default: `NBSVMBlend`, NBSVM and logistic regression summed with a
        CV-chosen weight; weight 1 or 0 is either one alone), "nbsvm" (linear SVM on
        naive-Bayes-rescaled n-grams), "nblr" (the same with a logistic loss), "linear_svm" or
        "logreg" (multinomial logistic regression). The choice is measured in docs/sentiment.md.
    C : inverse regularisation strength of the (NB)SVM or LR; None (default) chooses it from `C_grid`.
    C_lr, blend_weight : the blend's logistic-regression C and NBSVM share (learner "nbsvm+lr");
        None (default) chooses them from `C_lr_grid` and `blend_grid`.
    char_ngram_grid, C_grid, C_lr_grid, blend_grid, selection_cv : the values tried and the folds.
    calibration : "sigmoid", "isotonic" or None (None is not allowed with the SVM learners).
    calibration_cv : folds for calibration (reduced to the smallest class count if needed).
    neutral_margin : width of the neutral band; 0 disables it.
    max_chars : comments are truncated to this many characters before normalisation.
    random_state : seeds the selection and calibration folds and the learner.
    """

    def __init__(
        self,
        char_ngram_range: tuple[int, int] | None = None,
        char_ngram_grid: tuple[tuple[int, int], ...] = ((1, 3), (1, 5)),
        word_ngram_max: int = 2,
        min_df: int = 1,
        use_jieba: bool | None = False,
        jieba_grid: tuple[bool, ...] = (False, True),
        learner: str = "nbsvm+lr",
        C: float | None = None,
        C_grid: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0),
        C_lr: float | None = None,
        C_lr_grid: tuple[float, ...] = (3.0, 10.0, 30.0),
        blend_weight: float | None = None,
        blend_grid: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0),
        selection_cv: int = 3,
        calibration: str | None = "sigmoid",
        calibration_cv: int = 5,
        neutral_margin: float = 0.05,
        neutral_label: str = "neutral",
        max_chars: int = MAX_CHARS,
        random_state: int | None = 0,
    ) -> None:
        self.char_ngram_range = char_ngram_range
        self.char_ngram_grid = char_ngram_grid
        self.word_ngram_max = word_ngram_max
        self.min_df = min_df
        self.use_jieba = use_jieba
        self.jieba_grid = jieba_grid
        self.learner = learner
        self.C = C
        self.C_grid = C_grid
        self.C_lr = C_lr
        self.C_lr_grid = C_lr_grid
        self.blend_weight = blend_weight
        self.blend_grid = blend_grid
        self.selection_cv = selection_cv
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.neutral_margin = neutral_margin
        self.neutral_label = neutral_label
        self.max_chars = max_chars
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------
    def _base_learner(self, C: float | None, C_lr: float | None = None, weight: float | None = None) -> BaseEstimator:
        if self.learner == "nbsvm+lr":
            return NBSVMBlend(C=C if C is not None else 1.0, C_lr=C_lr if C_lr is not None else 10.0,
                              weight=weight, random_state=self.random_state)
        if self.learner == "logreg":
            return LogisticRegression(C=C, max_iter=5000, random_state=self.random_state)
        if self.learner == "nbsvm":
            return NBSVM(C=C, random_state=self.random_state)
        if self.learner == "nblr":
            return NBLogisticRegression(C=C, random_state=self.random_state)
        if self.learner == "linear_svm":
            return LinearSVC(C=C, random_state=self.random_state)
        raise ValueError(f"learner must be one of {LEARNERS}, got {self.learner!r}")

    def _featurizer(self, char_ngram_range: tuple[int, int], use_jieba: bool) -> HashedNgramFeaturizer:
        return HashedNgramFeaturizer(
            char_ngram_range=tuple(char_ngram_range),
            word_ngram_max=self.word_ngram_max,
            min_df=self.min_df,
            use_jieba=use_jieba,
        )

    def _settings(self) -> list[tuple[float | None, float | None, float | None]]:
        """(C, C_lr, weight) settings the CV compares, in tie-break order (earlier wins a tie)."""
        grid = [float(self.C)] if self.C is not None else sorted(float(c) for c in self.C_grid)
        if self.learner != "nbsvm+lr":
            if not grid:
                raise ValueError("C_grid needs at least one value (or set C)")
            return [(C, None, None) for C in grid]
        lr_grid = [float(self.C_lr)] if self.C_lr is not None else sorted(float(c) for c in self.C_lr_grid)
        weights = [float(self.blend_weight)] if self.blend_weight is not None else sorted(
            {float(w) for w in self.blend_grid}, reverse=True)
        if not grid or not lr_grid or not weights:
            raise ValueError("C_grid, C_lr_grid and blend_grid need at least one value (or set C, C_lr, blend_weight)")
        if any(not 0.0 <= w <= 1.0 for w in weights):
            raise ValueError(f"blend weights must be in [0, 1], got {weights}")
        settings = []
        for w in weights:  # NBSVM-heavy first; a part with weight 0 has no C of its own
            for C in grid if w > 0 else [None]:
                settings.extend((C, C_lr, w) for C_lr in (lr_grid if w < 1 else [None]))
        return settings

    @staticmethod
    def _setting_name(char_range: tuple[int, int], setting: tuple, use_jieba: bool = False) -> str:
        C, C_lr, weight = setting
        name = f"char {char_range[0]}-{char_range[1]}" + (" + jieba words" if use_jieba else "")
        if weight is None:
            return f"{name}, C={C:g}"
        parts = ([f"NBSVM C={C:g} x {weight:g}"] if weight > 0 else []) + (
            [f"LR C={C_lr:g} x {1 - weight:g}"] if weight < 1 else [])
        return f"{name}, " + " + ".join(parts)

    def _cv_scores(self, X: sp.csr_matrix, y: np.ndarray, settings: list[tuple], folds: int) -> np.ndarray:
        """Mean macro-F1 of each setting over stratified folds; learners (NB ratios included) refitted per fold.

        For the blend, each part is fitted once per fold and C; the weighted sums are then formed
        from the parts' decision values (each divided by its spread on the fold's training rows,
        as NBSVMBlend does), so the weight grid costs no extra fits.
        """
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        scores = np.zeros(len(settings))
        for train, test in splitter.split(np.zeros(len(y)), y):
            Xa, Xb, ya = X[train], X[test], y[train]
            if self.learner != "nbsvm+lr":
                for j, (C, _, _) in enumerate(settings):
                    learner = self._base_learner(C).fit(Xa, ya)
                    scores[j] += f1_score(y[test], learner.predict(Xb), average="macro") / folds
                continue
            classes = np.unique(ya)
            parts: dict[tuple[str, float], np.ndarray] = {}
            for C in sorted({s[0] for s in settings if s[0] is not None}):
                m = NBSVM(C=C, random_state=self.random_state).fit(Xa, ya)
                parts["nb", C] = (np.asarray(Xb @ m.coef_.T) + m.intercept_) / _spread(Xa, m.coef_, m.intercept_)
            lr = LogisticRegression(max_iter=5000, warm_start=True, random_state=self.random_state)
            for C_lr in sorted({s[1] for s in settings if s[1] is not None}):  # ascending C, warm starts
                lr.set_params(C=C_lr).fit(Xa, ya)
                parts["lr", C_lr] = (np.asarray(Xb @ lr.coef_.T) + lr.intercept_) / _spread(Xa, lr.coef_, lr.intercept_)
            for j, (C, C_lr, w) in enumerate(settings):
                d = (w * parts["nb", C] if w > 0 else 0) + ((1 - w) * parts["lr", C_lr] if w < 1 else 0)
                pred = classes[(d[:, 0] > 0).astype(int)] if d.shape[1] == 1 else classes[np.argmax(d, axis=1)]
                scores[j] += f1_score(y[test], pred, average="macro") / folds
        return scores

    def _select(self, normalized: list[str], y: np.ndarray, smallest_class: int) -> sp.csr_matrix:
        """Choose the features and the learner's setting with the best CV macro-F1 on the training labels.

        The char n-gram ranges are compared first; the word view of Chinese runs (`use_jieba=None`)
        is then tried at the chosen range only, and kept only if it scores strictly higher (it costs
        scoring time). Ties go to the earlier range and the earlier setting (`_settings` order). The
        featurizer (vocabulary, IDF: no labels involved) is fitted on all training texts. Sets
        featurizer_, use_jieba_, C_, C_lr_, blend_weight_, char_ngram_range_ and cv_results_;
        returns the training matrix of the chosen featurizer.
        """
        ranges = [tuple(self.char_ngram_range)] if self.char_ngram_range is not None else [
            tuple(r) for r in self.char_ngram_grid]
        if not ranges:
            raise ValueError("char_ngram_grid needs at least one value (or set char_ngram_range)")
        if self.use_jieba is None:
            views = sorted({bool(v) for v in self.jieba_grid})
            if not views:
                raise ValueError("jieba_grid needs at least one value (or set use_jieba)")
            if True in views and not any(_HAS_CJK.search(t) for t in normalized):
                views = [False]  # no Chinese: the word view would add nothing
        else:
            views = [bool(self.use_jieba)]
        settings = self._settings()
        folds = min(self.selection_cv, smallest_class)
        candidates = len(ranges) * len(settings) + (len(settings) if len(views) > 1 else 0)
        self.cv_results_ = {}
        best = (-1.0, None, None, None, None)

        def consider(char_range: tuple[int, int], use_jieba: bool) -> None:
            nonlocal best
            featurizer = self._featurizer(char_range, use_jieba).fit(normalized)
            X = featurizer.transform(normalized)
            if candidates == 1 or folds < 2:
                scores = np.zeros(len(settings))
            else:
                scores = self._cv_scores(X, y, settings, folds)
                for setting, score in zip(settings, scores, strict=True):
                    self.cv_results_[self._setting_name(char_range, setting, use_jieba)] = round(float(score), 6)
            j = int(np.argmax(scores))
            if scores[j] > best[0]:
                best = (float(scores[j]), char_range, use_jieba, settings[j], (featurizer, X))

        for char_range in ranges:
            consider(char_range, views[0])
        if len(views) > 1:
            consider(best[1], views[1])
        _, self.char_ngram_range_, self.use_jieba_, (self.C_, self.C_lr_, self.blend_weight_), (self.featurizer_, X) = best
        return X

    def chosen(self) -> dict:
        """The hyper-parameters the CV chose, as keyword arguments that fix them (e.g. for a re-fit in CV folds)."""
        self._check_fitted()
        out = {"char_ngram_range": tuple(self.char_ngram_range_), "use_jieba": bool(self.use_jieba_), "C": self.C_}
        if self.learner == "nbsvm+lr":
            out.update(C_lr=self.C_lr_, blend_weight=self.blend_weight_)
        return out

    def chosen_description(self) -> str:
        """What the CV chose, in words, e.g. "char 1-5, NBSVM C=1 x 0.5 + LR C=10 x 0.5"."""
        self._check_fitted()
        return self._setting_name(self.char_ngram_range_, (self.C_, self.C_lr_, self.blend_weight_), self.use_jieba_)

    def fit(self, texts: Sequence[str], labels: Sequence) -> CommentSentimentModel:
        """Fit on raw comment texts and their labels; returns self."""
        texts = list(texts)
        y = np.asarray(labels)
        if len(texts) != len(y):
            raise ValueError(f"texts and labels differ in length: {len(texts)} != {len(y)}")
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise ValueError("need at least two distinct labels to fit a sentiment model")
        if self.calibration not in ("sigmoid", "isotonic", None):
            raise ValueError(f"calibration must be 'sigmoid', 'isotonic' or None, got {self.calibration!r}")
        if self.learner not in LEARNERS:
            raise ValueError(f"learner must be one of {LEARNERS}, got {self.learner!r}")
        if self.calibration is None and self.learner in _NO_PROBA:
            raise ValueError(f"learner={self.learner!r} has no probabilities; use calibration='sigmoid'")
        self.classes_ = classes
        self.class_prior_ = counts / counts.sum()
        self.n_train_ = len(texts)
        normalized = normalize_batch(texts, self.max_chars)
        folds = min(self.calibration_cv, int(counts.min()))
        # One BLAS thread: these problems are tiny, and OpenBLAS threads on a busy 2-core box
        # made logistic regression much slower in measurement (docs/sentiment.md).
        with _FIT_LOCK, threadpool_limits(limits=1, user_api="blas"):
            X = self._select(normalized, y, int(counts.min()))
            base = self._base_learner(self.C_, self.C_lr_, self.blend_weight_)
            if self.calibration is not None and folds >= 2:
                cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
                self.estimator_ = CalibratedClassifierCV(base, method=self.calibration, cv=cv).fit(X, y)
                self.calibrated_ = True
            else:
                if self.learner in _NO_PROBA:
                    raise ValueError(f"{self.learner} needs at least two examples of every class to calibrate")
                if self.calibration is not None:
                    log.warning("too few examples per class (%d) to calibrate; probabilities are raw", folds)
                self.estimator_ = base.fit(X, y)
                self.calibrated_ = False
        if not np.array_equal(self.estimator_.classes_, self.classes_):
            raise RuntimeError("learner reordered the classes")  # predict_proba columns must match classes_
        self.version_ = self._fingerprint(texts, y)
        return self

    def _fingerprint(self, texts: list[str], y: np.ndarray) -> str:
        """Content hash of data and hyper-parameters: same inputs, same version string."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.get_params(), sort_keys=True, default=str).encode())
        for text, label in zip(texts, y.tolist(), strict=True):
            digest.update(f"{text}\x1f{label}\x1e".encode("utf-8", "surrogatepass"))
        return f"v{FORMAT_VERSION}-{digest.hexdigest()[:10]}"

    # -- scoring -----------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise sklearn.exceptions.NotFittedError("CommentSentimentModel is not fitted yet; call fit()")

    def _transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        self._check_fitted()
        return self.featurizer_.transform(normalize_batch(texts, self.max_chars))

    def _chunks(self, texts: Sequence[str]) -> list[list[str]]:
        """Batches of SCORING_CHUNK comments: bounded memory and cache-sized numpy arrays."""
        if isinstance(texts, str):
            raise TypeError("pass a list of comments, not a single string")
        texts = list(texts)
        if not texts:
            return [[]]
        return [texts[i : i + SCORING_CHUNK] for i in range(0, len(texts), SCORING_CHUNK)]

    def _proba_from_features(self, X: sp.csr_matrix) -> np.ndarray:
        with threadpool_limits(limits=1, user_api="blas"):
            proba = self.estimator_.predict_proba(X)
        empty = np.diff(X.indptr) == 0
        if empty.any():
            proba[empty] = self.class_prior_
        return proba

    def _labels_from_proba(self, proba: np.ndarray, empty: np.ndarray) -> np.ndarray:
        best = np.argmax(proba, axis=1)
        neutral = np.flatnonzero(self.classes_ == self.neutral_label)
        if len(neutral) == 0:
            return self.classes_[best]
        n = neutral[0]
        others = [i for i in range(len(self.classes_)) if i != n]
        if len(others) == 2 and self.neutral_margin > 0:
            margin = np.abs(proba[:, others[0]] - proba[:, others[1]])
            best = np.where((best != n) & (margin < self.neutral_margin), n, best)
        best = np.where(empty, n, best)
        return self.classes_[best]

    def predict_with_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Labels and probabilities from one featurisation pass (what batch scoring uses)."""
        chunks = self._chunks(texts)
        if chunks == [[]]:
            return self.classes_[:0].copy(), np.zeros((0, len(self.classes_)))
        labels, probas = [], []
        for chunk in chunks:
            X = self._transform(chunk)
            proba = self._proba_from_features(X)
            labels.append(self._labels_from_proba(proba, np.diff(X.indptr) == 0))
            probas.append(proba)
        return np.concatenate(labels), np.vstack(probas)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one column per entry of `classes_`, in that order."""
        return self.predict_with_proba(texts)[1]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels, with the neutral band applied (see the class docstring)."""
        return self.predict_with_proba(texts)[0]

    def score(self, texts: Sequence[str], labels: Sequence, sample_weight: Sequence | None = None) -> float:
        """Macro-F1 (not accuracy): the classes are imbalanced and each one matters."""
        return float(f1_score(labels, self.predict(texts), average="macro", sample_weight=sample_weight))

    # -- explanations --------------------------------------------------------------------------
    def _class_weights(self) -> np.ndarray:
        """Per-class weight vectors in feature space, shape (n_classes, n_features).

        For a calibrated model the folds' learners are averaged. Multinomial weights are centred
        across classes; a binary learner's single vector w becomes (-w, w).
        """
        if getattr(self, "_weights", None) is not None:
            return self._weights
        learners = (
            [c.estimator for c in self.estimator_.calibrated_classifiers_] if self.calibrated_ else [self.estimator_]
        )
        W = np.mean([np.atleast_2d(est.coef_) for est in learners], axis=0)
        if W.shape[0] == 1:
            W = np.vstack((-W[0], W[0]))
        elif self.learner == "logreg":
            W = W - W.mean(axis=0, keepdims=True)
        self._weights = W
        return W

    def explain(self, texts: Sequence[str], top_n: int = 5) -> list[list[tuple[str, float]]]:
        """Top terms pushing each comment toward its predicted label: [(term, contribution), ...].

        Contribution = TF-IDF value x the label's (centred) weight, so the numbers are additive
        logit contributions before calibration. Overlapping char n-grams of one word are
        collapsed to the strongest one, and Latin char-n-gram fragments are left out (English
        words appear whole, as word features). Comments with no known terms get an empty list.
        """
        out: list[list[tuple[str, float]]] = []
        for chunk in self._chunks(texts):
            if not chunk:
                break
            out.extend(self._explain_chunk(chunk, top_n))
        return out

    def _explain_chunk(self, texts: list[str], top_n: int) -> list[list[tuple[str, float]]]:
        X = self._transform(texts)
        labels = self._labels_from_proba(self._proba_from_features(X), np.diff(X.indptr) == 0)
        label_index = np.searchsorted(self.classes_, labels)
        W = self._class_weights()
        names = self.featurizer_.feature_names_
        skip = self.featurizer_.fragment_mask_
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        contrib = X.data * W[label_index[rows], X.indices]
        out: list[list[tuple[str, float]]] = []
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            order = np.argsort(-contrib[lo:hi], kind="stable")
            chosen: list[tuple[str, float]] = []
            for j in order.tolist():
                value = float(contrib[lo + j])
                if value <= 0 or len(chosen) == top_n:
                    break
                column = X.indices[lo + j]
                if skip[column]:
                    continue
                term = str(names[column]).strip()
                if not term or any(term in t or t in term for t, _ in chosen):
                    continue
                chosen.append((term, round(value, 4)))
            out.append(chosen)
        return out

    # -- persistence ---------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_weights", None)
        return state

    def metadata(self, metrics: dict | None = None) -> dict:
        """What `save` writes beside the model: enough to know what an artifact is without loading it."""
        self._check_fitted()
        return {
            "model": type(self).__name__,
            "format_version": FORMAT_VERSION,
            "version": self.version_,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_size": int(self.n_train_),
            "classes": [str(c) for c in self.classes_],
            "class_prior": [round(float(p), 6) for p in self.class_prior_],
            "n_features": int(self.featurizer_.n_features),
            "calibrated": bool(self.calibrated_),
            "chosen": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.chosen().items()},
            "chosen_description": self.chosen_description(),
            "selection_cv_macro_f1": dict(self.cv_results_),
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.get_params().items()},
            "sklearn_version": sklearn.__version__,
            "metrics": metrics or {},
        }

    def save(self, path: str | Path, metrics: dict | None = None) -> Path:
        """Write `model.joblib` and `metadata.json` into the directory `path`; returns it."""
        self._check_fitted()
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, directory / MODEL_FILE, compress=3)
        (directory / METADATA_FILE).write_text(
            json.dumps(self.metadata(metrics), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return directory

    @classmethod
    def load(cls, path: str | Path) -> CommentSentimentModel:
        """Load an artifact written by `save` (the directory or its model.joblib)."""
        path = Path(path)
        directory = path if path.is_dir() else path.parent
        model_file = path if path.is_file() else directory / MODEL_FILE
        if not model_file.exists():
            raise FileNotFoundError(f"no sentiment model at {path} (expected {MODEL_FILE})")
        metadata_file = directory / METADATA_FILE
        if metadata_file.exists():
            meta = json.loads(metadata_file.read_text(encoding="utf-8"))
            if meta.get("format_version") != FORMAT_VERSION:
                raise ValueError(
                    f"{metadata_file}: format_version {meta.get('format_version')} is not {FORMAT_VERSION}; retrain"
                )
        model = joblib.load(model_file)
        if not isinstance(model, cls):
            raise TypeError(f"{model_file} holds a {type(model).__name__}, not a {cls.__name__}")
        return model
