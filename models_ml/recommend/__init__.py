"""Video recommendation: implicit-feedback weights, a re-ranked CF recommender, offline evaluation."""

from .evaluation import evaluate_models, ranking_metrics, temporal_split, tune_als
from .model import Recommender
from .weights import interaction_weight, positive_mask

__all__ = [
    "Recommender",
    "evaluate_models",
    "interaction_weight",
    "positive_mask",
    "ranking_metrics",
    "temporal_split",
    "tune_als",
]
