"""Offline evaluation: metrics against hand-computed cases, the temporal split, the model comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.recommend import evaluate_models, ranking_metrics, temporal_split
from models_ml.recommend.evaluation import catalogue_coverage, relevant_items, without_sentiment
from models_ml.recommend.synthetic import make_interactions

LOG2_3 = np.log2(3.0)


def test_metrics_on_a_hand_computed_example():
    # k = 3.
    # A: list [1, 2, 3], relevant {1, 3}: hits at ranks 1 and 3.
    #    P = 2/3, R = 2/2 = 1, DCG = 1/log2(2) + 1/log2(4) = 1.5, IDCG (2 hits) = 1 + 1/log2(3),
    #    AP = (P@1 + P@3) / min(3, 2) = (1 + 2/3) / 2 = 5/6.
    # B: list [4, 5, 6], relevant {7, 8, 9, 10}: nothing, all zero.
    # C: list [7] (short), relevant {7, 8, 9, 10}: hit at rank 1.
    #    P = 1/3 (divided by k, not by the list length), R = 1/4,
    #    NDCG = 1 / (1 + 1/log2(3) + 1/log2(4)) (ideal has min(3, 4) = 3 hits), AP = 1 / min(3, 4) = 1/3.
    # D: relevant set empty: skipped.
    recommended = {"A": [1, 2, 3], "B": [4, 5, 6], "C": [7], "D": [1]}
    relevant = {"A": {1, 3}, "B": {7, 8, 9, 10}, "C": {7, 8, 9, 10}, "D": set()}
    ndcg_a = 1.5 / (1 + 1 / LOG2_3)
    ndcg_c = 1 / (1 + 1 / LOG2_3 + 0.5)
    metrics = ranking_metrics(recommended, relevant, k=3)
    assert metrics["users"] == 3
    assert metrics["precision"] == pytest.approx((2 / 3 + 0 + 1 / 3) / 3)
    assert metrics["recall"] == pytest.approx((1 + 0 + 0.25) / 3)
    assert metrics["ndcg"] == pytest.approx((ndcg_a + 0 + ndcg_c) / 3)
    assert metrics["map"] == pytest.approx((5 / 6 + 0 + 1 / 3) / 3)


def test_perfect_list_scores_one_even_with_more_relevant_than_k():
    # 5 relevant items, k = 3, list [1, 2, 3] all relevant: AP = (1 + 1 + 1) / min(3, 5) = 1, NDCG = 1,
    # but recall is only 3/5 and precision 3/3.
    metrics = ranking_metrics({"u": [1, 2, 3]}, {"u": {1, 2, 3, 4, 5}}, k=3)
    assert metrics == pytest.approx({"precision": 1.0, "recall": 0.6, "ndcg": 1.0, "map": 1.0, "users": 1})


def test_order_matters_for_ndcg_and_map_but_not_precision():
    # relevant {9}; at rank 1: NDCG = 1, AP = 1; at rank 2: NDCG = 1/log2(3), AP = 1/2.
    first = ranking_metrics({"u": [9, 1]}, {"u": {9}}, k=2)
    second = ranking_metrics({"u": [1, 9]}, {"u": {9}}, k=2)
    assert first["precision"] == second["precision"] == 0.5
    assert second["ndcg"] == pytest.approx(1 / LOG2_3)
    assert second["map"] == pytest.approx(0.5)
    assert first["ndcg"] == first["map"] == 1.0


def test_user_without_a_list_counts_as_zero():
    metrics = ranking_metrics({"a": [1]}, {"a": {1}, "b": {2}}, k=1)
    assert metrics["ndcg"] == pytest.approx(0.5) and metrics["users"] == 2


def test_catalogue_coverage():
    recs = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 2, 2, 4]})
    assert catalogue_coverage(recs, 6) == pytest.approx(3 / 6)


def _events(rows):
    return pd.DataFrame(rows, columns=["user_id", "item_id", "ts"]).assign(weight=1.0)


def test_temporal_split_takes_each_users_latest_fifth():
    # user 1: 5 events -> ceil(0.2 * 5) = 1 in test (the latest, ts 50, although listed first);
    # user 2: 10 events -> 2 in test (ts 9, 10); user 3: 2 events (< 3) -> all in train.
    rows = [(1, "z", 50)] + [(1, f"i{t}", t) for t in range(1, 5)]
    rows += [(2, f"j{t}", t) for t in range(1, 11)] + [(3, "a", 1), (3, "b", 2)]
    train, test = temporal_split(_events(rows))
    assert sorted(map(tuple, test[["user_id", "item_id"]].to_numpy())) == [(1, "z"), (2, "j10"), (2, "j9")]
    assert len(train) + len(test) == len(rows)
    assert set(train["user_id"]) == {1, 2, 3}


def test_relevant_items_are_unseen_positives():
    train = pd.DataFrame({"user_id": [1, 1], "item_id": ["a", "b"]})
    test = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2],
            "item_id": ["a", "c", "d", "a"],
            "completion_ratio": [1.0, 0.9, 0.1, 0.2],
            "liked": [True, False, False, True],
        }
    )
    # "a" was already seen by user 1, "d" is a barely watched video: not a positive.
    assert relevant_items(train, test) == {1: {"c"}, 2: {"a"}}


def test_without_sentiment_drops_only_the_comment_term():
    frame = pd.DataFrame(
        {
            "completion_ratio": [0.8, 0.8],
            "liked": [True, False],
            "shared": [False, False],
            "followed": [False, False],
            "comment_sentiment": [-0.5, np.nan],
            "weight": [1.3, 0.8],
        }
    )
    assert without_sentiment(frame)["weight"].tolist() == pytest.approx([1.8, 0.8])


@pytest.fixture(scope="module")
def comparison():
    interactions, items, users = make_interactions(
        n_users=2_500, n_items=300, n_events=25_000, random_state=11
    )
    return evaluate_models(interactions, items, users, tune=False, num_threads=2)


def test_evaluate_models_compares_the_models(comparison):
    assert comparison["model"].tolist() == [
        "most-popular",
        "item-kNN",
        "ALS",
        "EASE",
        "rank blend",
        "full model",
        "full model, no sentiment",
        "ALS, no sentiment",
    ]
    for column in ("precision", "recall", "ndcg", "map", "coverage"):
        assert comparison[column].between(0, 1).all()
    assert comparison["users"].nunique() == 1 and comparison["users"].iloc[0] > 1_000
    full = comparison.set_index("model").loc["full model"]
    assert full["ndcg_gain_of_full"] == 0.0


def test_full_model_beats_als_and_item_knn_on_ndcg(comparison):
    table = comparison.set_index("model")
    for baseline in ("ALS", "item-kNN", "most-popular"):
        assert table.loc["full model", "ndcg"] > table.loc[baseline, "ndcg"]
        assert table.loc[baseline, "ndcg_gain_of_full"] > 2 * table.loc[baseline, "gain_se"]


def test_population_cap_compares_the_models_on_a_user_sample(comparison):
    interactions, items, users = make_interactions(n_users=2_500, n_items=300, n_events=25_000, random_state=11)
    capped = evaluate_models(interactions, items, users, tune=False, num_threads=2, max_train_users=1_000)
    assert capped["users"].nunique() == 1 and 200 < capped["users"].iloc[0] <= 1_000
    assert capped["users"].iloc[0] < comparison["users"].iloc[0]
    # At or above the population the cap changes nothing.
    uncapped = evaluate_models(interactions, items, users, tune=False, num_threads=2, max_train_users=2_500)
    pd.testing.assert_frame_equal(uncapped.drop(columns="fit_seconds"), comparison.drop(columns="fit_seconds"))


def test_population_sample_does_not_depend_on_row_order():
    """Viewers are drawn from their sorted ids (the warehouse draws the same positions in the engine)."""
    from models_ml.recommend.evaluation import sample_population, sample_positions

    interactions, _, _ = make_interactions(n_users=300, n_items=50, n_events=3_000, random_state=2)
    sample = sample_population(interactions, 40, random_state=1)
    shuffled = sample_population(interactions.sample(frac=1.0, random_state=9), 40, random_state=1)
    assert sample["user_id"].nunique() == 40
    assert sorted(sample["user_id"].unique()) == sorted(shuffled["user_id"].unique())
    users = np.sort(interactions["user_id"].unique())
    assert set(sample["user_id"]) == set(users[sample_positions(len(users), 40, 1)])
    assert sample_positions(300, 300, 1) is None and sample_population(interactions, None, 1) is interactions
