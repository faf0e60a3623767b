"""`reelmart sentiment train|evaluate`: fit the comment sentiment model and check it on labeled data."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from reelmart.bench.table import print_table
from reelmart.cli import CommandError
from reelmart.labels import read_labels_csv

DEFAULT_ARTIFACTS = Path("artifacts") / "sentiment"
EVALUATION_FILE = "evaluation.json"


def _latest_artifact(root: Path = DEFAULT_ARTIFACTS) -> Path:
    candidates = sorted(root.glob("*/model.joblib"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise CommandError(f"no trained model under {root}/; run `reelmart sentiment train` or pass --model")
    return candidates[-1].parent


def _train(args: argparse.Namespace) -> int:
    from models_ml.sentiment import CommentSentimentModel, cross_validated_metrics

    texts, labels, _ = read_labels_csv(args.labels)
    smallest = int(pd.Series(labels).value_counts().min())
    folds = min(args.cv, smallest)
    if folds < 2:
        raise CommandError(f"{args.labels}: every label needs at least 2 rows for cross-validation")
    print(f"cross-validating on {len(texts):,} comments ({folds} folds) ...", flush=True)
    evaluation = cross_validated_metrics(texts, labels, cv=folds, random_state=args.random_state)
    model = CommentSentimentModel(random_state=args.random_state).fit(texts, labels)
    evaluation["version"] = model.version_
    evaluation["chosen"] = model.metadata()["chosen"]
    evaluation["labels_file"] = str(args.labels)
    out = Path(args.out) if args.out else DEFAULT_ARTIFACTS / model.version_
    summary = {k: evaluation[k] for k in ("accuracy", "macro_f1", "log_loss", "cv", "n")}
    try:
        model.save(out, metrics=summary)
        (out / EVALUATION_FILE).write_text(json.dumps(evaluation, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write the model to {out}: {exc.strerror or exc}") from None
    print(
        f"model {model.version_}: cv accuracy {evaluation['accuracy']:.4f}, "
        f"macro-F1 {evaluation['macro_f1']:.4f} (+/- {evaluation['macro_f1_std']:.4f})"
    )
    print(f"hyper-parameters chosen by {model.selection_cv}-fold CV on these labels: {model.chosen_description()}")
    print(f"wrote {out / 'model.joblib'}, {out / 'metadata.json'}, {out / EVALUATION_FILE}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    from models_ml.sentiment import CommentSentimentModel

    texts, labels, _ = read_labels_csv(args.labels)
    model_path = Path(args.model) if args.model else _latest_artifact()
    try:
        model = CommentSentimentModel.load(model_path)
    except (FileNotFoundError, ValueError, TypeError) as exc:
        raise CommandError(str(exc)) from None
    except Exception as exc:  # a corrupt or foreign joblib file: say so in one line
        raise CommandError(f"{model_path}: cannot load model ({type(exc).__name__}: {exc})") from None
    y = np.asarray(labels)
    pred = model.predict(texts).astype(str)
    classes = sorted(set(model.classes_.astype(str)) | set(y))
    precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
    print(f"model {model_path} ({getattr(model, 'version_', 'unversioned')}) on {len(y):,} comments from {args.labels}")
    print(f"accuracy {accuracy_score(y, pred):.4f}   macro-F1 {f1_score(y, pred, labels=classes, average='macro', zero_division=0):.4f}\n")
    print_table(
        [
            {"class": c, "precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        ],
        title="Per class",
    )
    matrix = confusion_matrix(y, pred, labels=classes)
    print_table(
        [{"true \\ predicted": c, **{p: int(v) for p, v in zip(classes, row, strict=True)}} for c, row in zip(classes, matrix, strict=True)],
        title="Confusion matrix (rows: true label, columns: predicted)",
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    sentiment = subparsers.add_parser("sentiment", help="train and evaluate the comment sentiment model")
    actions = sentiment.add_subparsers(dest="action", required=True, metavar="ACTION")

    train = actions.add_parser("train", help="fit on a labeled CSV; write the model and its cross-validated evaluation")
    train.add_argument("--labels", required=True, metavar="FILE.csv", help="UTF-8 CSV with columns text,label")
    train.add_argument("--out", metavar="DIR", help=f"artifact directory (default {DEFAULT_ARTIFACTS}/<version>/)")
    train.add_argument("--cv", type=int, default=5, help="cross-validation folds (default 5)")
    train.add_argument("--random-state", type=int, default=0)
    train.set_defaults(func=_train)

    evaluate = actions.add_parser("evaluate", help="score a labeled CSV with a trained model and print the metrics")
    evaluate.add_argument("--labels", required=True, metavar="FILE.csv", help="UTF-8 CSV with columns text,label")
    evaluate.add_argument("--model", metavar="PATH", help="artifact directory (default: newest under artifacts/sentiment/)")
    evaluate.set_defaults(func=_evaluate)
