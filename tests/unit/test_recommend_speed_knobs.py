"""The recommender's speed knobs (docs/recommendation.md, "Speed changes"): threads never change the
lists, the candidate pool bounds what ALS proposes, and the optional item-kNN feature still works.
Pure model tests (no warehouse), kept beside the other recommendation tests of this area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.recommend import Recommender
from models_ml.recommend.synthetic import make_interactions

SMALL = {"n_estimators": 20, "factors": 8, "iterations": 4, "refit_iterations": 1, "random_state": 5}


@pytest.fixture(scope="module")
def data():
    return make_interactions(n_users=400, n_items=300, n_events=5_000, random_state=4)


def test_threads_and_batches_do_not_change_the_lists(data):
    interactions, items, users = data
    everyone = interactions["user_id"].unique()
    one = Recommender(num_threads=1, batch_size=10_000, **SMALL).fit(interactions, items, users)
    many = Recommender(num_threads=2, batch_size=37, **SMALL).fit(interactions, items, users)
    pd.testing.assert_frame_equal(one.recommend(everyone, k=10), many.recommend(everyone, k=10))


def test_candidate_pool_bounds_the_als_candidates(data):
    interactions, items, users = data
    model = Recommender(candidate_pool=60, n_candidates=50, **SMALL).fit(interactions, items, users)
    pool = model.history_.pool
    assert pool is not None and len(pool) == 60 and np.all(np.diff(pool) > 0)
    recs = model.recommend(interactions["user_id"].unique(), k=10)
    new_items = set(model.item_index_[model.history_.item_count == 0])
    allowed = set(model.item_index_[pool]) | new_items
    assert set(recs["item_id"]) <= allowed
    # the pool is the most-viewed videos of the last pool_days days
    ts = pd.to_datetime(interactions["ts"])
    recent = interactions[ts >= ts.max() - pd.Timedelta(days=model.pool_days)]
    top = recent["item_id"].value_counts()
    assert set(top.index[:10]) <= set(model.item_index_[pool])
    whole = Recommender(candidate_pool=0, **SMALL).fit(interactions, items, users)
    assert whole.history_.pool is None


def test_optional_item_knn_feature(data):
    interactions, items, users = data
    model = Recommender(knn_feature=True, **SMALL).fit(interactions, items, users)
    assert "knn_score" in model._feature_names() and model.history_.knn is not None
    plain = Recommender(**SMALL).fit(interactions, items, users)
    assert "knn_score" not in plain._feature_names() and plain.history_.knn is None
    recs = model.recommend(interactions["user_id"].unique()[:50], k=5)
    assert recs.groupby("user_id").size().eq(5).all()
