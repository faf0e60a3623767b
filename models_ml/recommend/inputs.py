"""Warehouse-shaped frames to the recommender's inputs, and a deterministic model version.

The dbt Python models (warehouse/marts/recommendations) stay thin: they read the aggregated
interactions, video features and user profiles and hand them to these functions. Column names are
those of ``int_user_video_interactions_aggregated``, ``int_video_features_summarised`` and
``int_recommendation_users_selected``; no I/O happens here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .weights import interaction_weight

USER_FEATURE_PREFIX = "affinity_"


# What interactions_from_aggregates reads of int_user_video_interactions_aggregated. Load only these: the
# table also carries video and profile columns for people reading it, slow to load at 10M rows.
AGGREGATE_COLUMNS = (
    "user_id", "video_id", "last_interaction_at", "max_completion_ratio", "is_liked_any", "is_shared_any",
    "is_followed_any", "mean_comment_sentiment",
)

# The video catalogue (int_video_features_summarised, one row per video) is read whole on the driver by the
# warehouse models; this bounds it (docs/spark.md). Users are bounded by the models' sample sizes instead.
MAX_DRIVER_VIDEOS = 5_000_000


def interactions_from_aggregates(aggregates: pd.DataFrame, use_sentiment: bool = True) -> pd.DataFrame:
    """One user x video row -> ``user_id, item_id, weight, ts`` plus the raw signal columns.

    ``ts`` is the latest view, so a temporal split puts a video on the side of its most recent
    watch. The weight is `interaction_weight` of the best completion, like / share / follow on any
    view, and the user's mean comment sentiment on the video (no comment: no sentiment term;
    ``use_sentiment=False`` drops the term everywhere).
    """
    sentiment = aggregates["mean_comment_sentiment"].astype(float)
    if not use_sentiment:
        sentiment = pd.Series(np.nan, index=aggregates.index)
    frame = pd.DataFrame(
        {
            "user_id": aggregates["user_id"].to_numpy(),
            "item_id": aggregates["video_id"].to_numpy(),
            "ts": _microseconds(aggregates["last_interaction_at"]),
            "completion_ratio": aggregates["max_completion_ratio"].astype(float).clip(0.0, 1.0).to_numpy(),
            "liked": aggregates["is_liked_any"].fillna(False).astype(bool).to_numpy(),
            "shared": aggregates["is_shared_any"].fillna(False).astype(bool).to_numpy(),
            "followed": aggregates["is_followed_any"].fillna(False).astype(bool).to_numpy(),
            "comment_sentiment": sentiment.to_numpy(),
        }
    )
    frame["weight"] = interaction_weight(
        frame["completion_ratio"], frame["liked"], frame["shared"], frame["followed"], frame["comment_sentiment"]
    )
    # A stable row order makes the per-user temporal split (ties broken by row order) reproducible.
    return frame.sort_values(["user_id", "ts", "item_id"], kind="stable", ignore_index=True)


def item_features_from_videos(videos: pd.DataFrame) -> pd.DataFrame:
    """``int_video_features_summarised`` -> the recommender's ``item_features``."""
    return pd.DataFrame(
        {
            "item_id": videos["video_id"].to_numpy(),
            "category": videos["category"].to_numpy(),
            "creator_id": videos["creator_id"].to_numpy(),
            **({"title": videos["title"].to_numpy()} if "title" in videos else {}),
            **({"creator_name": videos["creator_handle"].to_numpy()} if "creator_handle" in videos else {}),
            "published_ts": _microseconds(videos["published_at"]),
            "duration_s": videos["duration_seconds"].astype(float).to_numpy(),
            "mean_sentiment": videos["mean_sentiment"].astype(float).to_numpy(),
            "completion_rate": videos["completion_rate"].astype(float).to_numpy(),
        }
    ).sort_values("item_id", ignore_index=True)


def user_features_from_profiles(users: pd.DataFrame, with_affinity: bool = True) -> pd.DataFrame:
    """``int_recommendation_users_selected`` -> ``user_features`` (segment, and the profile affinities).

    ``with_affinity=False`` leaves the affinities out: dim_users computes them over the whole data
    window, so an offline evaluation that used them would see the test period through the profile.
    """
    columns = ["user_id", "region", "age_band"]
    if with_affinity:
        columns += [c for c in users.columns if c.startswith(USER_FEATURE_PREFIX)]
    return users[columns].sort_values("user_id", ignore_index=True)


def _microseconds(values: pd.Series) -> np.ndarray:
    """Timestamps at the warehouse's precision (DuckDB gives microseconds, Spark nanoseconds), so the
    frames, and the model version hashed over them, are the same whichever engine built the input."""
    return pd.Series(pd.to_datetime(values)).dt.as_unit("us").to_numpy()


def frame_digest(*frames: pd.DataFrame) -> str:
    """SHA-256 over the frames' contents (row order included): equal data, equal digest.

    Float columns are hashed at single precision: a mean that the engine summed in another order (Spark
    and DuckDB do) differs in its last bits only, and the same data should get the same version on both.
    """
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(",".join(map(str, frame.columns)).encode())
        floats = frame.select_dtypes("floating").columns
        hashed = frame.astype({c: "float32" for c in floats}) if len(floats) else frame
        digest.update(pd.util.hash_pandas_object(hashed, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def code_digest() -> str:
    """SHA-256 of this package's source files: a change to the model's code is a new model too."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_version(params: dict, *frames: pd.DataFrame, prefix: str = "rec") -> str:
    """``prefix-<12 hex>`` from the hyper-parameters, the data and the model's code: a rebuild of the
    same data with the same settings and code gets the same version, any change gets a new one."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode())
    digest.update(frame_digest(*frames).encode())
    digest.update(code_digest().encode())
    return f"{prefix}-{digest.hexdigest()[:12]}"
