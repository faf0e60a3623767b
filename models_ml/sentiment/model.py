"""`CommentSentimentModel`: calibrated linear sentiment classifier for short-video comments.

Pipeline: `normalize_batch` (NFKC, traditional -> simplified, placeholders, squeezing) ->
`HashedNgramFeaturizer` (char 1-3-grams + word uni/bigrams incl. emoji/kaomoji, sublinear
TF-IDF) -> a linear learner (a linear SVM by default; multinomial logistic regression and
NB-weighted logistic regression are the measured alternatives, see docs/sentiment.md) -> sigmoid
calibration (`CalibratedClassifierCV`, which also gives the SVM its probabilities) -> a neutral
band in `predict`.

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

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
LEARNERS = ("logreg", "nbsvm", "linear_svm")
SCORING_CHUNK = 32_768


class NBLogisticRegression(ClassifierMixin, BaseEstimator):
    """NBSVM-style classifier (Wang & Manning 2012) with a logistic loss, one-vs-rest.

    Each class gets naive-Bayes log-count ratios r = log(p/|p| / q/|q|) that rescale the features
    before a binary logistic regression; the weights are folded back (coef = w * r) so scoring is
    a plain sparse dot product.
    """

    def __init__(self, C: float = 10.0, alpha: float = 1.0, random_state: int | None = None) -> None:
        self.C = C
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: Sequence) -> NBLogisticRegression:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        targets = [self.classes_[1]] if len(self.classes_) == 2 else list(self.classes_)
        X = sp.csr_matrix(X)
        coefs, intercepts = [], []
        for target in targets:
            hit = y == target
            p = self.alpha + np.asarray(X[hit].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(X[~hit].sum(axis=0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            clf = LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
            clf.fit(X.multiply(r).tocsr(), hit)
            coefs.append(clf.coef_.ravel() * r)
            intercepts.append(clf.intercept_[0])
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(intercepts)
        return self

    def decision_function(self, X: sp.spmatrix) -> np.ndarray:
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if len(self.classes_) == 2 else scores

    def predict_proba(self, X: sp.spmatrix) -> np.ndarray:
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            p = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack((1 - p, p))
        p = 1.0 / (1.0 + np.exp(-scores))
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X: sp.spmatrix) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CommentSentimentModel(ClassifierMixin, BaseEstimator):
    """Sentiment of short-video comments (zh / en / mixed): negative, neutral, positive.

    Any label set with two or more classes works (e.g. negative/positive). Probabilities are
    calibrated with `CalibratedClassifierCV` (sigmoid, `calibration_cv` folds). `predict` adds a
    neutral band: when the label set contains `neutral_label` and the best non-neutral class
    leads the other non-neutral class by less than `neutral_margin` in probability
    (|p_positive - p_negative| < margin), the prediction is neutral. `predict_proba` is never
    changed by the band.

    Parameters
    ----------
    char_ngram_range, word_ngram_max, min_df, use_jieba : feature settings (see features.py).
    learner : "linear_svm" (default; best held-out and cross-validated macro-F1 and log loss in
        the candidate comparison), "logreg" (multinomial logistic regression) or "nbsvm".
    C : inverse regularisation strength of the learner.
    calibration : "sigmoid", "isotonic" or None (None is not allowed with "linear_svm").
    calibration_cv : folds for calibration (reduced to the smallest class count if needed).
    neutral_margin : width of the neutral band; 0 disables it. The default 0.05 costs ~0.001-0.003
        macro-F1 on the (crisply labeled) seed set and keeps coin-flip positive/negative calls
        out of the reports.
    max_chars : comments are truncated to this many characters before normalisation.
    random_state : seeds the calibration folds and the learner.
    """

    def __init__(
        self,
        char_ngram_range: tuple[int, int] = (1, 3),
        word_ngram_max: int = 2,
        min_df: int = 1,
        use_jieba: bool = False,
        learner: str = "linear_svm",
        C: float = 3.0,
        calibration: str | None = "sigmoid",
        calibration_cv: int = 5,
        neutral_margin: float = 0.05,
        neutral_label: str = "neutral",
        max_chars: int = MAX_CHARS,
        random_state: int | None = 0,
    ) -> None:
        self.char_ngram_range = char_ngram_range
        self.word_ngram_max = word_ngram_max
        self.min_df = min_df
        self.use_jieba = use_jieba
        self.learner = learner
        self.C = C
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.neutral_margin = neutral_margin
        self.neutral_label = neutral_label
        self.max_chars = max_chars
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------
    def _base_learner(self) -> BaseEstimator:
        if self.learner == "logreg":
            return LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
        if self.learner == "nbsvm":
            return NBLogisticRegression(C=self.C, random_state=self.random_state)
        if self.learner == "linear_svm":
            return LinearSVC(C=self.C, random_state=self.random_state)
        raise ValueError(f"learner must be one of {LEARNERS}, got {self.learner!r}")

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
        if self.calibration is None and self.learner == "linear_svm":
            raise ValueError("learner='linear_svm' has no probabilities; use calibration='sigmoid'")
        self.classes_ = classes
        self.class_prior_ = counts / counts.sum()
        self.n_train_ = len(texts)
        normalized = normalize_batch(texts, self.max_chars)
        self.featurizer_ = HashedNgramFeaturizer(
            char_ngram_range=tuple(self.char_ngram_range),
            word_ngram_max=self.word_ngram_max,
            min_df=self.min_df,
            use_jieba=self.use_jieba,
        ).fit(normalized)
        X = self.featurizer_.transform(normalized)
        folds = min(self.calibration_cv, int(counts.min()))
        base = self._base_learner()
        # One BLAS thread: these problems are tiny, and OpenBLAS threads on a busy 2-core box
        # made logistic regression 30x slower in measurement.
        with _FIT_LOCK, threadpool_limits(limits=1, user_api="blas"):
            if self.calibration is not None and folds >= 2:
                cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
                self.estimator_ = CalibratedClassifierCV(base, method=self.calibration, cv=cv).fit(X, y)
                self.calibrated_ = True
            else:
                if self.learner == "linear_svm":
                    raise ValueError("linear_svm needs at least two examples of every class to calibrate")
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
