"""The real-data recommendation benchmark's pieces: the MovieLens-100k log read from the recbole wheel (as
`make install` installs it) and the bootstrap interval over users."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from models_ml.recommend import temporal_split
from reelmart.bench.recommend import bootstrap_interval, movielens_100k


@pytest.mark.skipif(
    not any(d.metadata["Name"] == "recbole" for d in importlib.metadata.distributions()),
    reason="recbole (the wheel that ships MovieLens-100k) is installed by `make install`",
)
def test_movielens_100k_is_the_published_log_as_implicit_feedback():
    data = movielens_100k()
    assert len(data) == 100_000
    assert data["user_id"].nunique() == 943 and data["item_id"].nunique() == 1_682
    assert not data.duplicated(["user_id", "item_id"]).any()
    assert (data["weight"] == 1.0).all() and data["rating"].between(1, 5).all()
    # ordered by user then time, so the per-user temporal split is reproducible
    assert data.groupby("user_id", sort=False)["ts"].apply(lambda t: t.is_monotonic_increasing).all()
    train, test = temporal_split(data)
    assert len(test) == sum(int(np.ceil(0.2 * n)) for n in data.groupby("user_id").size())
    latest_train = train.groupby("user_id")["ts"].max()
    earliest_test = test.groupby("user_id")["ts"].min()
    assert (latest_train.reindex(earliest_test.index) <= earliest_test).all()


def test_bootstrap_interval_covers_the_mean_and_shrinks_with_users():
    rng = np.random.default_rng(0)
    small = rng.normal(0.2, 0.1, 200)
    large = rng.normal(0.2, 0.1, 5_000)
    low, high = bootstrap_interval(small, 1_000, 1)
    assert low < small.mean() < high
    assert high - low == pytest.approx(2 * 1.96 * 0.1 / np.sqrt(200), rel=0.2)
    low_l, high_l = bootstrap_interval(large, 1_000, 1)
    assert high_l - low_l < (high - low) / 3
    assert bootstrap_interval(np.full(50, 0.3), 200, 0) == pytest.approx((0.3, 0.3))


def test_the_kept_fit_row_refreshes_a_fit_of_the_earlier_data():
    """The --real row for the daily build's kept fit: fitted on the earlier part, refreshed with all of train."""
    from models_ml.recommend import Recommender
    from models_ml.recommend.synthetic import make_interactions
    from reelmart.bench.recommend import _evaluate_refreshed, relevant_items

    interactions, _, _ = make_interactions(n_users=150, n_items=60, n_events=2_500, random_state=2)
    train, test = temporal_split(interactions)
    relevant = relevant_items(train, test)
    earlier = train[train["ts"] <= train["ts"].quantile(0.8)]
    model = Recommender(ranking="als", factors=8, iterations=4)
    table, extra = _evaluate_refreshed(model, earlier, train, relevant, n_items=60)
    assert len(table) == len(relevant) and table["ndcg"].between(0, 1).all()
    assert extra["fit_s"] >= 0 and set(model.user_index_) >= set(train["user_id"])
