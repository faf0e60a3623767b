"""Comment sentiment (Chinese, English, code-switched) for short-video comments; see docs/sentiment.md."""

from .api import LABELS, SCORE_COLUMNS, cross_validated_metrics, load_or_train, score_frame, validate_labels
from .features import HashedNgramFeaturizer
from .model import CommentSentimentModel, NBLogisticRegression
from .normalize import MAX_CHARS, normalize, normalize_batch, word_tokens

__all__ = [
    "LABELS",
    "MAX_CHARS",
    "SCORE_COLUMNS",
    "CommentSentimentModel",
    "HashedNgramFeaturizer",
    "NBLogisticRegression",
    "cross_validated_metrics",
    "load_or_train",
    "normalize",
    "normalize_batch",
    "score_frame",
    "validate_labels",
    "word_tokens",
]
