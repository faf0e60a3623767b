"""The recommender's speed knobs (docs/recommendation.md, "Speed changes"): threads never change the
lists, the candidate pool bounds what ALS proposes, our batched ALS top-n matches implicit's, and the
optional item-kNN feature still works.
Pure model tests (no warehouse), kept beside the other recommendation tests of this area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.recommend import Recommender
from models_ml.recommend.model import _als_top_n, _single_threaded_blas
from models_ml.recommend.synthetic import make_interactions

SMALL = {"ranking": "ltr", "n_estimators": 20, "factors": 8, "iterations": 4, "refit_iterations": 1, "random_state": 5}


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


@pytest.mark.parametrize("candidate_pool", [60, 0])
@pytest.mark.parametrize("exclude_seen", [True, False])
def test_batched_als_top_n_matches_implicit(data, candidate_pool, exclude_seen):
    interactions, items, users = data
    model = Recommender(candidate_pool=candidate_pool, n_candidates=50, **SMALL)
    model.fit(interactions, items, users)
    history = model.history_
    users_ = np.flatnonzero(history.user_count > 0)  # recommend sends only warm users to ALS
    matrix = history.matrix[users_]
    ours = _als_top_n(history, users_, matrix, 50, exclude_seen)
    with _single_threaded_blas():
        theirs, scores = history.als.recommend(
            users_, matrix, N=50, filter_already_liked_items=exclude_seen, items=history.pool
        )
    # implicit pads a list that runs out of unseen items with seen ones scored at float32's lowest;
    # ours pads with -1 (no candidate), which the ranker then drops
    padded = scores <= np.finfo(np.float32).min
    assert ours.shape == theirs.shape
    assert np.array_equal(ours[~padded], theirs[~padded])  # float32 scores of 8 factors: no ties here
    assert (ours[padded] == -1).all()
    assert padded.any() == (exclude_seen and candidate_pool == 60)
    if exclude_seen:
        seen = set(zip(*matrix.nonzero(), strict=True))
        assert not any((row, item) in seen for row, items_ in enumerate(ours) for item in items_)


def test_batched_als_top_n_marks_exhausted_users():
    """A user who has seen almost the whole pool gets -1 padding, never a seen item."""
    interactions, items, users = make_interactions(n_users=60, n_items=40, n_events=1_500, random_state=2)
    model = Recommender(candidate_pool=0, n_candidates=30, **SMALL).fit(interactions, items, users)
    history = model.history_
    users_ = np.flatnonzero(history.user_count > 0)
    matrix = history.matrix[users_]
    top = _als_top_n(history, users_, matrix, 40, True)
    unseen = 40 - np.diff(matrix.indptr)
    assert ((top >= 0).sum(axis=1) == unseen).all()
    assert (top[:, : unseen.min()] >= 0).all()


def test_optional_item_knn_feature(data):
    interactions, items, users = data
    model = Recommender(knn_feature=True, **SMALL).fit(interactions, items, users)
    assert "knn_score" in model._feature_names() and model.history_.knn is not None
    plain = Recommender(**SMALL).fit(interactions, items, users)
    assert "knn_score" not in plain._feature_names() and plain.history_.knn is None
    recs = model.recommend(interactions["user_id"].unique()[:50], k=5)
    assert recs.groupby("user_id").size().eq(5).all()
