"""Comment sentiment (Chinese, English, code-switched) for short-video comments; see docs/sentiment.md."""

from .api import (
    COMMENT_SENTIMENT_COLUMNS,
    EVALUATION_COLUMNS,
    LABELS,
    SCORE_COLUMNS,
    cross_validated_metrics,
    evaluate_on_labels,
    evaluation_rows,
    load_or_train,
    model_evaluation,
    score_comments,
    score_frame,
    validate_labels,
)
from .features import HashedNgramFeaturizer
from .model import NBSVM, CommentSentimentModel, NBLogisticRegression, NBSVMBlend
from .normalize import MAX_CHARS, normalize, normalize_batch, word_tokens

__all__ = [
    "COMMENT_SENTIMENT_COLUMNS",
    "EVALUATION_COLUMNS",
    "LABELS",
    "MAX_CHARS",
    "SCORE_COLUMNS",
    "CommentSentimentModel",
    "HashedNgramFeaturizer",
    "NBLogisticRegression",
    "NBSVM",
    "NBSVMBlend",
    "cross_validated_metrics",
    "evaluate_on_labels",
    "evaluation_rows",
    "load_or_train",
    "model_evaluation",
    "normalize",
    "normalize_batch",
    "score_comments",
    "score_frame",
    "validate_labels",
    "word_tokens",
]
