"""Comment sentiment: CommentSentimentModel vs char TF-IDF+LR, a zh/en lexicon and SnowNLP, plus throughput.

Every system is trained (where it trains) and scored on the same stratified train/test split of
one labeled file (default: the seed set). SnowNLP is a Chinese-only library, so it is scored on
the Chinese (`language == zh`, or mostly-CJK when there is no language column) test rows, next to
CommentSentimentModel on exactly those rows. SnowNLP's P(positive) is mapped to labels with
p >= 0.6 -> positive, p <= 0.4 -> negative, otherwise neutral.

`--candidates` adds the feature/learner comparison that chose the model's defaults
(docs/sentiment.md records it).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from reelmart.bench.sentiment_real import CORPORA, CorpusUnavailable, evaluate_corpus
from reelmart.bench.table import measure, print_table

DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "seeds" / "comment_sentiment_labels.csv"
# Written by hand, not from the seed's templates: a check on how far the template-trained model generalises.
DEFAULT_HOLDOUT = Path(__file__).resolve().parents[2] / "seeds" / "_authoring" / "handwritten_holdout.csv"
SNOWNLP_POSITIVE = 0.6
SNOWNLP_NEGATIVE = 0.4
_CJK = re.compile(r"[\u4e00-\u9fff]")


# -- baselines --------------------------------------------------------------------------------
def char_tfidf_baseline(random_state: int = 0) -> object:
    """The plain baseline: raw text, char 1-3-gram TF-IDF, logistic regression (same C as ours)."""
    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=5000, random_state=random_state),
    )


class LexiconSentiment:
    """A small zh/en polarity lexicon with negation: the "no machine learning" reference point.

    Score = sum of +1 (positive term) / -1 (negative term); a negator right before a term flips
    it (不好看 -> -1, "not bad" -> +1). Score > 0 -> positive, < 0 -> negative, 0 -> neutral.
    Chinese terms match as substrings, English ones as whole words; longest match wins.
    """

    POSITIVE = (
        "好看 好吃 好听 好用 喜欢 爱了 绝了 绝绝子 yyds 太强 厉害 牛 棒 赞 推荐 值得 治愈 可爱 舒服 惊艳 宝藏 完美 满分 "
        "优秀 清楚 实用 良心 香 帅 漂亮 高级 封神 超值 笑死 哈哈 awsl 666 好评 收藏 感谢 支持 顶 丝滑 一绝 吹爆 圈粉 "
        "good great love loved amazing awesome best slay slays slayed slaps ate fire goated perfect obsessed underrated "
        "beautiful gorgeous cute funny lol helpful clear iconic elite clean worth recommend legend legendary w "
        "insane unreal incredible stunning satisfying favorite fav"
    ).split()
    NEGATIVE = (
        "难看 难吃 难听 下头 无语 失望 垃圾 差评 踩雷 智商税 割韭菜 拉胯 尬 离谱 烂 坑 骗 劝退 一般 破防 翻车 恶心 辣眼睛 "
        "敷衍 贵 差 土 抄袭 取关 后悔 浪费 不值 就这 呵呵 "
        "bad mid cringe trash worst boring overrated scam waste fake disappointing disappointed terrible awful ugly "
        "hate annoying flop yikes ew overpriced broke rude dirty gross ruined regret l painful meh"
    ).split()
    NEGATORS = "不 没 没有 别 并不 一点都不 一点也不 不太 not no never isn't don't doesn't didn't wasn't ain't aren't".split()

    def __init__(self) -> None:
        terms = sorted(set(self.POSITIVE) | set(self.NEGATIVE) | set(self.NEGATORS), key=len, reverse=True)
        parts = [re.escape(t) if _CJK.search(t) else rf"\b{re.escape(t)}\b" for t in terms]
        self._pattern = re.compile("|".join(parts))
        self._polarity = {t: 1 for t in self.POSITIVE} | {t: -1 for t in self.NEGATIVE}
        self._negators = set(self.NEGATORS)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LexiconSentiment:
        return self  # nothing to learn

    def score_text(self, text: str) -> int:
        score, negate_until = 0, -1
        for match in self._pattern.finditer(str(text).lower()):
            term = match.group()
            if term in self._negators:
                negate_until = match.end() + 2  # a negator reaches over at most two characters
                continue
            polarity = self._polarity[term]
            score += -polarity if match.start() <= negate_until else polarity
        return score

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        scores = np.fromiter((self.score_text(t) for t in texts), dtype=np.int64, count=len(texts))
        return np.where(scores > 0, "positive", np.where(scores < 0, "negative", "neutral"))


class SnowNLPSentiment:
    """SnowNLP's Chinese sentiment probability, mapped to three labels with fixed thresholds."""

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> SnowNLPSentiment:
        return self  # pretrained

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        from snownlp import SnowNLP

        out = []
        for text in texts:
            p = SnowNLP(text).sentiments if text.strip() else 0.5
            out.append("positive" if p >= SNOWNLP_POSITIVE else "negative" if p <= SNOWNLP_NEGATIVE else "neutral")
        return np.asarray(out)


class FeaturesThen:
    """The model's normalisation + hashed features in front of any scikit-learn classifier."""

    def __init__(self, learner: object) -> None:
        self.learner = learner

    def _X(self, texts: Sequence[str]):
        from models_ml.sentiment import normalize_batch

        return self.featurizer_.transform(normalize_batch(texts)).astype(np.float32)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> FeaturesThen:
        from models_ml.sentiment import HashedNgramFeaturizer, normalize_batch

        self.featurizer_ = HashedNgramFeaturizer(keep_names=False).fit(normalize_batch(texts))
        self.learner.fit(self._X(texts), np.asarray(labels))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.learner.predict(self._X(texts))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.learner.predict_proba(self._X(texts))


def snownlp_available() -> bool:
    try:
        import snownlp  # noqa: F401
    except ImportError:
        return False
    return True


# -- measuring --------------------------------------------------------------------------------
def _timed_predict(predict: Callable[[list[str]], np.ndarray], texts: list[str], min_rows: int) -> tuple[np.ndarray, float]:
    """Predictions on `texts` and comments per CPU-second, timed over at least `min_rows` comments.

    CPU time, not wall time: on a shared machine wall time measures the neighbours. Every system
    here runs single-threaded (BLAS limited to one thread), so the two agree on an idle box.
    """
    pred = predict(texts)
    repeats = max(1, -(-min_rows // max(len(texts), 1)))
    batch = texts * repeats
    start = time.process_time()
    with threadpool_limits(limits=1, user_api="blas"):
        predict(batch)
    return pred, len(batch) / max(time.process_time() - start, 1e-9)


def _quality_row(name: str, scope: str, y: np.ndarray, pred: np.ndarray, fit_s: float, per_s: float) -> dict:
    return {
        "system": name,
        "evaluated on": scope,
        "accuracy": float(accuracy_score(y, pred)),
        "macro-F1": float(f1_score(y, pred, average="macro", zero_division=0)),
        "fit s": fit_s,
        "comments/CPU-s": per_s,
    }


def _quality_rows(systems, texts: list[str], y: np.ndarray, zh: np.ndarray, what: str, min_rows: int) -> list[dict]:
    """One row per system on all rows, then CommentSentimentModel and SnowNLP on the Chinese rows."""
    rows = []
    for name, predict, fit_s in systems:
        pred, per_s = _timed_predict(predict, texts, min_rows)
        rows.append(_quality_row(name, f"all {what} (n={len(y):,})", y, pred, fit_s, per_s))
    zh_idx = np.flatnonzero(zh)
    if not len(zh_idx):
        rows.append({"system": "SnowNLP", "evaluated on": f"skipped: no Chinese {what}"})
        return rows
    zh_texts, zh_y, scope = [texts[i] for i in zh_idx], y[zh_idx], f"zh {what} (n={len(zh_idx):,})"
    name, predict, fit_s = systems[0]
    pred, per_s = _timed_predict(predict, zh_texts, min_rows)
    rows.append(_quality_row(name, scope, zh_y, pred, fit_s, per_s))
    if snownlp_available():
        pred, per_s = _timed_predict(SnowNLPSentiment().predict, zh_texts, 0)
        rows.append(_quality_row("SnowNLP 0.12.3 (0.4/0.6 thresholds)", scope, zh_y, pred, 0.0, per_s))
    else:
        rows.append({"system": "SnowNLP", "evaluated on": "not installed (pip install snownlp==0.12.3)"})
    return rows


def _chinese_mask(frame, texts: list[str]) -> np.ndarray:
    if "language" in frame.columns:
        return (frame["language"].astype(str).str.strip().str.lower() == "zh").to_numpy()
    return np.array([len(_CJK.findall(t)) >= 0.5 * max(len(t.replace(" ", "")), 1) for t in texts])


def _candidates(random_state: int) -> list[tuple[str, Callable[[], object]]]:
    from lightgbm import LGBMClassifier

    from models_ml.sentiment import CommentSentimentModel

    def model(**kw):
        return lambda: CommentSentimentModel(random_state=random_state, **kw)

    lr = {"learner": "logreg", "C": 10.0, "neutral_margin": 0.0, "char_ngram_range": (1, 3)}

    return [
        ("char TF-IDF + LR (baseline)", lambda: char_tfidf_baseline(random_state)),
        ("hashed char1-3 only, LR, uncalibrated", model(**lr, word_ngram_max=0, calibration=None)),
        ("hashed char1-3 + words, LR, uncalibrated", model(**lr, calibration=None)),
        ("hashed char1-3 + words, LR, sigmoid", model(**lr)),
        ("hashed char1-3 + words, LR, isotonic", model(**lr, calibration="isotonic")),
        ("hashed char1-4 + words, LR, sigmoid", model(**{**lr, "char_ngram_range": (1, 4)})),
        ("hashed char1-3 + words + jieba, LR, sigmoid", model(**lr, use_jieba=True)),
        ("hashed char1-3 + words, NB-LR, sigmoid", model(learner="nblr", C=10.0, char_ngram_range=(1, 3), neutral_margin=0)),
        ("hashed char1-3 + words, LinearSVC C=1, sigmoid", model(learner="linear_svm", C=1.0, char_ngram_range=(1, 3), neutral_margin=0)),
        ("hashed char1-3 + words, LinearSVC C=3, sigmoid", model(learner="linear_svm", C=3.0, char_ngram_range=(1, 3), neutral_margin=0)),
        ("hashed char1-4 + words, LinearSVC C=1, sigmoid", model(learner="linear_svm", C=1.0, char_ngram_range=(1, 4), neutral_margin=0)),
        ("hashed char1-3 + words, LinearSVC C=0.3, sigmoid", model(learner="linear_svm", C=0.3, char_ngram_range=(1, 3), neutral_margin=0)),
        (
            "hashed char1-3 + words, LightGBM",
            lambda: FeaturesThen(
                LGBMClassifier(n_estimators=200, learning_rate=0.1, num_leaves=31, min_child_samples=5,
                               random_state=random_state, n_jobs=1, verbose=-1)
            ),
        ),
        ("hashed char by CV + words, NBSVM C by CV, sigmoid", model(learner="nbsvm", neutral_margin=0)),
        ("NBSVM + LR blend, all by CV, sigmoid", model(neutral_margin=0)),
        ("NBSVM + LR blend + neutral band 0.05 (default)", model(neutral_margin=0.05)),
        ("NBSVM + LR blend + neutral band 0.10", model(neutral_margin=0.10)),
    ]


def _run_candidates(texts, y, train, test, cv_folds: int, random_state: int, min_rows: int) -> None:
    tr_texts, te_texts = [texts[i] for i in train], [texts[i] for i in test]
    rows = []
    for name, make in _candidates(random_state):
        start = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            est = make().fit(tr_texts, y[train])
        fit_s = time.perf_counter() - start
        pred, per_s = _timed_predict(est.predict, te_texts, min_rows)
        proba = est.predict_proba(te_texts)
        cv_f1 = []
        if cv_folds >= 2:
            for a, b in StratifiedKFold(cv_folds, shuffle=True, random_state=random_state).split(texts, y):
                with threadpool_limits(limits=1, user_api="blas"):
                    fold = make().fit([texts[i] for i in a], y[a])
                cv_f1.append(f1_score(y[b], fold.predict([texts[i] for i in b]), average="macro"))
        rows.append({
            "candidate": name,
            "accuracy": float(accuracy_score(y[test], pred)),
            "macro-F1": float(f1_score(y[test], pred, average="macro")),
            "log loss": float(log_loss(y[test], proba, labels=np.unique(y))),
            f"{cv_folds}-fold macro-F1": float(np.mean(cv_f1)) if cv_f1 else float("nan"),
            "fit s": fit_s,
            "comments/CPU-s": per_s,
        })
        print(f"  measured {name}", flush=True)
    print_table(rows, title=f"Sentiment candidates (held-out split n={len(test):,}; CV over all {len(y):,} rows)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labels", default=str(DEFAULT_LABELS), metavar="FILE.csv", help="labeled CSV (text,label)")
    parser.add_argument("--test-size", type=float, default=0.2, help="held-out share (default 0.2)")
    parser.add_argument(
        "--holdout", default=str(DEFAULT_HOLDOUT), metavar="FILE.csv",
        help="extra labeled file scored by the split-trained systems (default: the hand-written out-of-template set)",
    )
    parser.add_argument("--no-holdout", action="store_true", help="skip the --holdout table")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--throughput-rows", type=int, default=200_000, help="comments in the scoring run")
    parser.add_argument("--candidates", action="store_true", help="also run the feature/learner comparison")
    parser.add_argument("--cv-folds", type=int, default=5, help="folds for the candidates' CV column (0: skip)")
    real = parser.add_argument_group("real data (public review corpora shipped inside PyPI packages)")
    real.add_argument("--corpora", default="all", metavar="NAMES",
                      help="comma-separated corpora for the real-data tables (default all: " + ", ".join(CORPORA) + ")")
    real.add_argument("--no-real", action="store_true", help="skip the real-data tables")
    real.add_argument("--real-only", action="store_true", help="only the real-data tables (skip the seed-set ones)")
    real.add_argument("--real-seeds", default="0", metavar="S1,S2",
                      help="split seeds for the real-data tables (default 0); several give the seed spread")
    real.add_argument("--real-max-rows", type=int, default=0, help="stratified subsample per corpus (0: all rows)")
    real.add_argument("--bootstrap", type=int, default=1000, help="paired bootstrap resamples of each test part")


def real_candidates(random_state: int) -> dict:
    """Alternatives to the default measured on the real corpora (`--candidates`); each picks C by CV."""
    from models_ml.sentiment import CommentSentimentModel

    def model(**kw):
        return lambda: CommentSentimentModel(random_state=random_state, **kw)

    return {
        "previous default: char 1-3 + words, LinearSVC C=3": model(char_ngram_range=(1, 3), learner="linear_svm", C=3.0),
        "NBSVM alone (char range and C by CV; the 2026-12-07 default)": model(learner="nbsvm"),
        "LinearSVC (char range and C by CV)": model(learner="linear_svm"),
        "NB-LR (char range and C by CV)": model(learner="nblr", C_grid=(1.0, 3.0, 10.0)),
        "NBSVM + LR blend + jieba words (all by CV)": model(use_jieba=True),
    }


def run_real(args: argparse.Namespace) -> int:
    """The real-data tables: one row per corpus x seed x system, then protocol counts and speed."""
    import os

    from models_ml.sentiment import CommentSentimentModel

    names = list(CORPORA) if args.corpora == "all" else [n.strip() for n in args.corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        from reelmart.cli import CommandError

        raise CommandError(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
    seeds = [int(s) for s in str(args.real_seeds).split(",") if s.strip()]
    rows, protocol = [], []
    load_before = os.getloadavg()
    for name in names:
        for seed in seeds:
            try:
                table, stats = evaluate_corpus(
                    name, lambda seed=seed: CommentSentimentModel(random_state=seed), seed=seed,
                    n_boot=args.bootstrap, max_rows=args.real_max_rows or None,
                    throughput_rows=min(args.throughput_rows, 100_000), log=lambda m: print(m, flush=True),
                    candidates=real_candidates(seed) if args.candidates else None,
                )
            except CorpusUnavailable as exc:
                print(f"{name}: skipped ({exc})", flush=True)
                break
            rows.extend(table)
            protocol.append({"corpus": name, "seed": seed, **stats})
    load_after = os.getloadavg()
    if not rows:
        return 1
    print_table(rows, title="Comment sentiment on real corpora: macro-F1 on the test part, paired bootstrap 95% CIs")
    print_table(protocol, title="Real-data protocol: rows dropped and kept, scoring speed of CommentSentimentModel")
    print(f"load average (1/5/15 min) before {', '.join(f'{v:.1f}' for v in load_before)}; "
          f"after {', '.join(f'{v:.1f}' for v in load_after)} on {os.cpu_count()} cores", flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    if not args.real_only:
        status = run_seed(args)
        if status:
            return status
    return 0 if args.no_real else run_real(args)


def run_seed(args: argparse.Namespace) -> int:
    from models_ml.sentiment import CommentSentimentModel
    from reelmart.labels import read_labels_csv

    texts, labels, frame = read_labels_csv(args.labels)
    y = np.asarray(labels)
    index = np.arange(len(y))
    train, test = train_test_split(index, test_size=args.test_size, stratify=y, random_state=args.random_state)
    tr_texts, te_texts = [texts[i] for i in train], [texts[i] for i in test]
    zh = _chinese_mask(frame, texts)
    min_rows = min(20_000, args.throughput_rows)
    print(f"{Path(args.labels).name}: {len(y):,} labeled comments; train {len(train):,}, test {len(test):,}", flush=True)

    start = time.perf_counter()
    model = CommentSentimentModel(random_state=args.random_state).fit(tr_texts, y[train])
    model_fit = time.perf_counter() - start
    print(f"CommentSentimentModel: chosen by CV on the training part: {model.chosen_description()}", flush=True)
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        baseline = char_tfidf_baseline(args.random_state).fit(tr_texts, y[train])
    base_fit = time.perf_counter() - start
    systems = [
        ("CommentSentimentModel", model.predict, model_fit),
        ("char TF-IDF 1-3 + LR", baseline.predict, base_fit),
        ("zh/en lexicon + negation", LexiconSentiment().predict, 0.0),
    ]
    rows = _quality_rows(systems, te_texts, y[test], zh[test], "test rows", min_rows)
    print_table(rows, title="Comment sentiment: quality and speed on one stratified split")

    holdout = None if args.no_holdout else args.holdout
    if holdout:
        h_texts, h_labels, h_frame = read_labels_csv(holdout)
        h_zh = _chinese_mask(h_frame, h_texts)
        rows = _quality_rows(systems, h_texts, np.asarray(h_labels), h_zh, "hand-written rows", min(min_rows, 2000))
        print_table(rows, title=f"Out-of-template check: {Path(holdout).name} (trained on the split above)")

    # Scoring throughput: the test comments cycled to the requested size (typical lengths).
    rng = np.random.default_rng(args.random_state)
    big = [te_texts[i] for i in rng.integers(0, len(te_texts), size=args.throughput_rows)]
    mean_chars = float(np.mean([len(t) for t in big])) if big else 0.0
    runs = [
        ("CommentSentimentModel.predict_with_proba", lambda: model.predict_with_proba(big)),
        ("CommentSentimentModel.predict", lambda: model.predict(big)),
        ("char TF-IDF 1-3 + LR predict", lambda: baseline.predict(big)),
    ]
    throughput = []
    for name, fn in runs:
        cpu = time.process_time()
        with measure() as m:
            fn()
        cpu = time.process_time() - cpu
        throughput.append({
            "system": name,
            "comments": len(big),
            "mean chars": mean_chars,
            "wall s": m.seconds,
            "comments/s": len(big) / m.seconds if m.seconds else float("nan"),
            "CPU s": cpu,
            "comments/CPU-s": len(big) / cpu if cpu else float("nan"),
            "peak RSS MB": m.peak_rss_mb,
        })
    # CPU seconds are reported too: on a shared machine, wall time measures the neighbours.
    print_table(throughput, title=f"Scoring throughput ({len(big):,} comments, one process)")
    import os

    print("load average (1/5/15 min) " + ", ".join(f"{v:.1f}" for v in os.getloadavg()) + f" on {os.cpu_count()} cores")

    if args.candidates:
        _run_candidates(texts, y, train, test, args.cv_folds, args.random_state, min_rows)
    return 0
