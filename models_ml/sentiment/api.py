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
    cost about 3x the scoring itself; top_n=0 leaves top_terms empty and skips them).
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
