"""Implicit-feedback weights and the definition of a positive interaction.

One home for both, so the model, its ranker labels and the offline evaluation agree on what
"the viewer liked it" means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

#: Signal columns of a watch event, as produced by the platform export (and `synthetic`).
SIGNAL_COLUMNS = ("completion_ratio", "liked", "shared", "followed", "comment_sentiment")

LIKE_WEIGHT = 1.0
SHARE_WEIGHT = 2.0
FOLLOW_WEIGHT = 2.0
SENTIMENT_WEIGHT = 1.0
MIN_WEIGHT = 0.05
POSITIVE_COMPLETION = 0.5


def interaction_weight(
    completion_ratio: ArrayLike,
    liked: ArrayLike,
    shared: ArrayLike,
    followed: ArrayLike,
    comment_sentiment: ArrayLike,
) -> float | np.ndarray:
    """Confidence weight of one watch event (or arrays of them) for implicit-feedback models.

    ``w = max(0.05, c + 1*liked + 2*shared + 2*followed + 1*s)`` with ``c`` the completion ratio
    clipped to [0, 1] and ``s`` the comment sentiment in [-1, 1] (0 when there is no comment, NaN).
    A watch always counts a little (floor 0.05, so ALS still sees it as an exposure the user chose);
    a negative comment lowers the weight, a positive one raises it. Shares and follows cost the viewer
    more than a like, so they count double. Passing NaN sentiment everywhere gives the
    "without sentiment" variant used in the evaluation.
    """
    completion = np.clip(np.nan_to_num(np.asarray(completion_ratio, dtype=float), nan=0.0), 0.0, 1.0)
    sentiment = np.clip(np.nan_to_num(np.asarray(comment_sentiment, dtype=float), nan=0.0), -1.0, 1.0)
    weight = (
        completion
        + LIKE_WEIGHT * np.asarray(liked, dtype=float)
        + SHARE_WEIGHT * np.asarray(shared, dtype=float)
        + FOLLOW_WEIGHT * np.asarray(followed, dtype=float)
        + SENTIMENT_WEIGHT * sentiment
    )
    weight = np.maximum(weight, MIN_WEIGHT)
    return float(weight) if weight.ndim == 0 else weight


def positive_mask(interactions: pd.DataFrame) -> np.ndarray:
    """Which interactions count as relevant (binary relevance for ranker labels and metrics).

    A positive is a watch the viewer demonstrably enjoyed: completion >= 0.5, or a like, share or
    follow. Comments are deliberately left out so that measuring the sentiment term is not circular.
    Without signal columns every interaction is a positive.
    """
    n = len(interactions)
    if "completion_ratio" not in interactions.columns:
        return np.ones(n, dtype=bool)
    mask = interactions["completion_ratio"].fillna(0.0).to_numpy(dtype=float) >= POSITIVE_COMPLETION
    for column in ("liked", "shared", "followed"):
        if column in interactions.columns:
            mask |= interactions[column].fillna(False).to_numpy(dtype=bool)
    return mask
