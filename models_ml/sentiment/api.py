"""Functions the warehouse's dbt Python model and the CLI call: train-or-load, score, evaluate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold

from ..evaluations import EVALUATION_COLUMNS
from .model import CommentSentimentModel

log = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
SCORE_COLUMNS = ["sentiment_label", "p_negative", "p_neutral", "p_positive", "sentiment_score", "top_terms"]


def validate_labels(frame: pd.DataFrame, allowed: Sequence[str] = LABELS) -> tuple[list[str], list[str]]:
    """Check a labeled frame (columns text, label) and return (texts, labels).

    Labels are stripped and lower-cased; raises ValueError with a one-line reason on a missing
    column, an empty frame, an unknown label or a label set with fewer than two classes.
    """
    missing = [c for c in ("text", "label") if c not in frame.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}; found: {', '.join(map(str, frame.columns)) or 'none'}")
    if len(frame) == 0:
        raise ValueError("no labeled rows")
    labels = frame["label"].astype("string").str.strip().str.lower()
    blank = (labels.isna() | (labels == "")).to_numpy()
    if blank.any():
        rows = (np.flatnonzero(blank)[:5] + 1).tolist()
        raise ValueError(f"empty label in data row(s) {rows}")
    unknown = sorted(set(labels) - set(allowed))
    if unknown:
        raise ValueError(f"unknown label(s) {unknown}; expected one of {list(allowed)}")
    if labels.nunique() < 2:
        raise ValueError(f"need at least two distinct labels, found only {labels.iloc[0]!r}")
    texts = frame["text"].astype("string").fillna("").tolist()
    return texts, labels.tolist()


def load_or_train(artifact_path: str | None, labels_df: pd.DataFrame, **params) -> CommentSentimentModel:
    """The saved model at `artifact_path` if there is one, else a model fitted on `labels_df`.

    Nothing is written: a dbt run on a fresh checkout trains in memory from the seed
    (`text`, `label` columns) rather than failing; `reelmart sentiment train` makes artifacts.
    """
    if artifact_path and Path(artifact_path).exists():
        return CommentSentimentModel.load(artifact_path)
    if artifact_path:
        log.warning("no sentiment artifact at %s; training from %d labeled rows", artifact_path, len(labels_df))
    texts, labels = validate_labels(labels_df)
    return CommentSentimentModel(**params).fit(texts, labels)


def score_frame(
    model: CommentSentimentModel, df: pd.DataFrame, text_col: str = "text", top_n: int = 3
) -> pd.DataFrame:
    """`df` plus sentiment columns, same index and row order.

    Columns added: sentiment_label, p_negative, p_neutral, p_positive (0.0 for a class the model
    does not have, e.g. a binary model's neutral), sentiment_score = p_positive - p_negative in
    [-1, 1], and top_terms: the `top_n` terms behind the label, joined with " | " (explanations
    cost more than the scoring itself, see docs/sentiment.md; top_n=0 leaves top_terms empty and skips them).
    """
    if text_col not in df.columns:
        raise KeyError(f"score_frame: no column {text_col!r} in the frame")
    known = set(map(str, model.classes_))
    if not {"negative", "positive"} <= known:
        raise ValueError(f"score_frame needs a model with negative and positive classes, got {sorted(known)}")
    texts = df[text_col].tolist()
    labels, proba = model.predict_with_proba(texts)
    out = df.copy()
    out["sentiment_label"] = labels.astype(str)
    for name in LABELS:
        where = np.flatnonzero(model.classes_.astype(str) == name)
        out[f"p_{name}"] = proba[:, where[0]] if len(where) else 0.0
    out["sentiment_score"] = out["p_positive"] - out["p_negative"]
    if top_n > 0 and len(texts):
        out["top_terms"] = [" | ".join(term for term, _ in terms) for terms in model.explain(texts, top_n=top_n)]
    else:
        out["top_terms"] = ""
    return out


def cross_validated_metrics(
    texts: Sequence[str], labels: Sequence[str], cv: int = 5, random_state: int = 0, **params
) -> dict:
    """Stratified k-fold evaluation of CommentSentimentModel, shaped for a model_evaluations row.

    accuracy / macro_f1 are fold means (with standard deviations); per-class precision/recall/F1,
    log loss and the confusion matrix (rows = true, columns = predicted, in `classes` order) pool
    the out-of-fold predictions.
    """
    texts = list(texts)
    y = np.asarray(labels)
    classes = np.unique(y)
    oof_pred = np.empty(len(y), dtype=object)
    oof_proba = np.zeros((len(y), len(classes)))
    accuracy, macro_f1 = [], []
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    for train, test in splitter.split(np.zeros(len(y)), y):
        model = CommentSentimentModel(random_state=random_state, **params)
        model.fit([texts[i] for i in train], y[train])
        fold_texts = [texts[i] for i in test]
        pred, proba = model.predict_with_proba(fold_texts)
        oof_pred[test] = pred
        oof_proba[test] = proba
        accuracy.append(accuracy_score(y[test], pred))
        macro_f1.append(f1_score(y[test], pred, average="macro"))
    precision, recall, f1, support = precision_recall_fscore_support(y, oof_pred.astype(y.dtype), labels=classes)
    return {
        "model": "CommentSentimentModel",
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in CommentSentimentModel(**params).get_params().items()},
        "n": len(y),
        "cv": cv,
        "random_state": random_state,
        "classes": classes.tolist(),
        "accuracy": float(np.mean(accuracy)),
        "accuracy_std": float(np.std(accuracy)),
        "macro_f1": float(np.mean(macro_f1)),
        "macro_f1_std": float(np.std(macro_f1)),
        "log_loss": float(log_loss(y, oof_proba, labels=classes)),
        "per_class": {
            str(c): {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": confusion_matrix(y, oof_pred.astype(y.dtype), labels=classes).tolist(),
    }


# -- shapes for the warehouse (dbt Python models fct_comment_sentiment, int_sentiment_model_evaluated) ----

COMMENT_KEY_COLUMNS = ["comment_id", "user_id", "video_id", "ad_id", "comment_date"]
COMMENT_SENTIMENT_COLUMNS = [*COMMENT_KEY_COLUMNS, *SCORE_COLUMNS, "model_version"]
MODEL_NAME = "comment_sentiment"


def score_comments(model: CommentSentimentModel | None, comments: pd.DataFrame, text_col: str = "comment_text",
                   top_n: int = 3) -> pd.DataFrame:
    """fct_comment_sentiment rows: the comment keys, the scores of `score_frame` and the model version.

    `model` may be None only when `comments` is empty (an incremental run with nothing new to score
    need not train or load a model); the result then has the columns and no rows.
    """
    missing = [c for c in [*COMMENT_KEY_COLUMNS, text_col] if c not in comments.columns]
    if missing:
        raise KeyError(f"score_comments: missing column(s) {missing}")
    if len(comments) == 0:
        empty = comments[COMMENT_KEY_COLUMNS].copy()
        for column in SCORE_COLUMNS + ["model_version"]:
            empty[column] = pd.Series(dtype="float64" if column.startswith(("p_", "sentiment_score")) else "object")
        return empty[COMMENT_SENTIMENT_COLUMNS]
    if model is None:
        raise ValueError("score_comments: a model is needed to score a non-empty frame")
    scored = score_frame(model, comments.reset_index(drop=True), text_col=text_col, top_n=top_n)
    scored["model_version"] = str(model.version_)
    return scored[COMMENT_SENTIMENT_COLUMNS]


def evaluate_on_labels(model: CommentSentimentModel, texts: Sequence[str], labels: Sequence[str]) -> dict:
    """Metrics of an already fitted model on labeled data it may not have seen (no cross-validation).

    Same keys as `cross_validated_metrics` (standard deviations and `cv` are None), for an artifact
    that was saved without its evaluation.json.
    """
    y = np.asarray(labels).astype(str)
    pred, proba = model.predict_with_proba(list(texts))
    pred = pred.astype(str)
    classes = np.array(sorted(set(map(str, model.classes_)) | set(y)))
    precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
    model_classes = model.classes_.astype(str)
    known = np.isin(y, model_classes)
    return {
        "model": "CommentSentimentModel",
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()},
        "n": len(y),
        "cv": None,
        "random_state": model.random_state,
        "classes": classes.tolist(),
        "accuracy": float(accuracy_score(y, pred)),
        "accuracy_std": None,
        "macro_f1": float(f1_score(y, pred, labels=classes, average="macro", zero_division=0)),
        "macro_f1_std": None,
        "log_loss": float(log_loss(y[known], proba[known], labels=model_classes)) if known.any() else None,
        "per_class": {
            str(c): {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": confusion_matrix(y, pred, labels=classes).tolist(),
    }


def evaluation_rows(evaluation: dict, model_version: str, evaluated_at, source: str,
                    model_name: str = MODEL_NAME) -> pd.DataFrame:
    """A long table (the six columns of fct_model_evaluations) from a `cross_validated_metrics` dict.

    One row per metric: accuracy, macro_f1, log_loss, and precision / recall / f1 per class
    (`precision_negative`, ...). Every row's details JSON carries the shared context (source, n,
    folds, classes, the confusion matrix with rows = true and columns = predicted, parameters), so a
    report can read the matrix from any row; the fold standard deviation rides on its metric's row.
    """
    import json

    context = {
        "source": source,
        "n": evaluation.get("n"),
        "cv": evaluation.get("cv"),
        "classes": evaluation.get("classes"),
        "confusion_matrix": evaluation.get("confusion_matrix"),
        "params": evaluation.get("params"),
    }
    metrics: list[tuple[str, float | None, dict]] = [
        ("accuracy", evaluation.get("accuracy"), {"std": evaluation.get("accuracy_std")}),
        ("macro_f1", evaluation.get("macro_f1"), {"std": evaluation.get("macro_f1_std")}),
        ("log_loss", evaluation.get("log_loss"), {}),
    ]
    for label, scores in sorted((evaluation.get("per_class") or {}).items()):
        for name in ("precision", "recall", "f1"):
            metrics.append((f"{name}_{label}", scores.get(name), {"class": label, "support": scores.get("support")}))
    rows = [
        {
            "model_name": model_name,
            "model_version": model_version,
            "metric": metric,
            "value": None if value is None else float(value),
            "evaluated_at": evaluated_at,
            "details": json.dumps({**context, **extra}, ensure_ascii=False, sort_keys=True),
        }
        for metric, value, extra in metrics
    ]
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)


def model_evaluation(artifact_path: str | None, labels_df: pd.DataFrame, as_of, cv: int = 5,
                     random_state: int = 0) -> pd.DataFrame:
    """The evaluation rows of the model the warehouse scores with (see `load_or_train`).

    A configured artifact reports the cross-validated evaluation.json that `reelmart sentiment train`
    wrote beside it, dated by its metadata's created_at; an artifact without one is checked on
    `labels_df` instead. Without an artifact, the seed-trained model is cross-validated on `labels_df`
    with the same parameters, dated `as_of` (the caller's data as-of time), so rebuilds are identical.
    """
    import json

    if artifact_path and Path(artifact_path).exists():
        model = CommentSentimentModel.load(artifact_path)
        directory = Path(artifact_path) if Path(artifact_path).is_dir() else Path(artifact_path).parent
        metadata_file, evaluation_file = directory / "metadata.json", directory / "evaluation.json"
        metadata = json.loads(metadata_file.read_text(encoding="utf-8")) if metadata_file.exists() else {}
        created = pd.Timestamp(metadata["created_at"]).tz_convert(None) if metadata.get("created_at") else as_of
        if evaluation_file.exists():
            evaluation = json.loads(evaluation_file.read_text(encoding="utf-8"))
            source = f"cross-validation at training ({evaluation.get('labels_file') or 'artifact labels'})"
        else:
            texts, labels = validate_labels(labels_df)
            evaluation = evaluate_on_labels(model, texts, labels)
            source = "artifact checked on the seed labels (not cross-validated)"
        return evaluation_rows(evaluation, str(model.version_), created, source)
    model = load_or_train(None, labels_df, random_state=random_state)
    texts, labels = validate_labels(labels_df)
    folds = min(cv, int(pd.Series(labels).value_counts().min()))
    # The hyper-parameters the served model chose are kept fixed in the folds: the evaluation runs
    # on every build, and repeating the search in each fold would multiply its cost by the folds.
    evaluation = cross_validated_metrics(texts, labels, cv=folds, random_state=random_state, **model.chosen())
    return evaluation_rows(evaluation, str(model.version_), as_of,
                           "cross-validation on the seed labels (hyper-parameters as chosen on all of them)")
