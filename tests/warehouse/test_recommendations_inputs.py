"""The edge between the warehouse and the recommender (models_ml.recommend.inputs): column mapping,
the weight of a user x video row, and a model version that changes exactly when data or settings do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.recommend import interaction_weight
from models_ml.recommend.inputs import (
    interactions_from_aggregates,
    model_version,
    user_features_from_profiles,
)


def _aggregates() -> pd.DataFrame:
    return pd.DataFrame({
        "user_id": [2, 1, 1],
        "video_id": [10, 11, 10],
        "last_interaction_at": pd.to_datetime(["2026-10-02 10:00", "2026-10-03 09:00", "2026-10-01 08:00"]),
        "max_completion_ratio": [1.4, 0.3, 0.9],
        "is_liked_any": [True, False, False],
        "is_shared_any": [False, False, True],
        "is_followed_any": [False, False, False],
        "mean_comment_sentiment": [np.nan, -0.8, 0.5],
    })


def test_interactions_map_columns_and_weights():
    frame = interactions_from_aggregates(_aggregates())
    assert list(frame[["user_id", "item_id"]].itertuples(index=False, name=None)) == [(1, 10), (1, 11), (2, 10)]
    # completion clipped to 1, like +1, no comment: no sentiment term
    assert frame.loc[frame["user_id"] == 2, "weight"].item() == pytest.approx(2.0)
    # 0.3 completion with a negative comment (-0.8): floored at the minimum weight
    assert frame.loc[(frame["user_id"] == 1) & (frame["item_id"] == 11), "weight"].item() == pytest.approx(
        interaction_weight(0.3, False, False, False, -0.8))
    assert frame.loc[(frame["user_id"] == 1) & (frame["item_id"] == 10), "weight"].item() == pytest.approx(
        0.9 + 2.0 + 0.5)


def test_without_sentiment_drops_only_the_comment_term():
    with_ = interactions_from_aggregates(_aggregates())
    without = interactions_from_aggregates(_aggregates(), use_sentiment=False)
    assert without["comment_sentiment"].isna().all()
    assert without["weight"].tolist() == pytest.approx([2.9, 0.3, 2.0])
    assert with_["weight"].tolist() != without["weight"].tolist()


def test_model_version_is_deterministic_and_sensitive():
    frame = interactions_from_aggregates(_aggregates())
    params = {"factors": 16, "k": 10}
    version = model_version(params, frame)
    assert version == model_version(dict(reversed(list(params.items()))), frame.copy())
    assert version.startswith("rec-") and len(version) == 16
    assert model_version({**params, "factors": 32}, frame) != version
    changed = frame.copy()
    changed.loc[0, "weight"] += 0.1
    assert model_version(params, changed) != version


def test_model_version_ignores_the_last_bits_of_a_float_sum():
    """Spark and DuckDB add a mean's terms in another order; the same data must keep one version."""
    frame = interactions_from_aggregates(_aggregates())
    reordered = frame.copy()
    reordered["comment_sentiment"] = np.nextafter(frame["comment_sentiment"].to_numpy(), np.inf)
    assert (reordered["comment_sentiment"].to_numpy() != frame["comment_sentiment"].to_numpy()).any()
    assert model_version({"k": 10}, reordered) == model_version({"k": 10}, frame)


def test_profile_affinities_can_be_left_out():
    users = pd.DataFrame({"user_id": [2, 1], "region": ["eu", "cn"], "age_band": ["18-24", "25-34"],
                          "affinity_food": [0.2, 0.7], "is_active": [True, False]})
    assert list(user_features_from_profiles(users).columns) == ["user_id", "region", "age_band", "affinity_food"]
    plain = user_features_from_profiles(users, with_affinity=False)
    assert list(plain.columns) == ["user_id", "region", "age_band"] and plain["user_id"].tolist() == [1, 2]
