"""Choosing the served recommender (models_ml.recommend.selection) and the EASE and blend candidates:
a candidate that loses on the validation window is not served, the default serves exactly what it chose,
EASE is Steck's closed form, the blend is reciprocal-rank fusion of its three lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from models_ml.recommend import Recommender
from models_ml.recommend.model import _fit_ease
from models_ml.recommend.selection import SMALL_GRIDS, select_recommender
from models_ml.recommend.synthetic import make_interactions

FAST = {"factors": 8, "iterations": 4, "refit_iterations": 1, "n_estimators": 20, "num_threads": 2}
GRIDS = {**SMALL_GRIDS, "als": {"alpha": [1.0, 10.0]}, "knn": {"knn_neighbours": [20, 100]}}


@pytest.fixture(scope="module")
def data():
    return make_interactions(n_users=500, n_items=150, n_events=7_000, random_state=21)


@pytest.fixture(scope="module")
def selection(data):
    interactions, items, users = data
    return select_recommender(interactions, items, users, grids=GRIDS, base_params=FAST, random_state=3)


def test_table_has_every_family_and_setting_with_validation_metrics(selection):
    params, table = selection
    assert list(dict.fromkeys(table["family"])) == ["popular", "knn", "als", "ease", "blend", "ltr"]
    assert table.groupby("family").size().to_dict() == {"popular": 1, "knn": 2, "als": 2, "ease": 4, "blend": 1,
                                                        "ltr": 1}
    assert table["ndcg"].between(0, 1).all() and table["users"].nunique() == 1 and table["users"].iloc[0] > 100
    assert table["chosen"].sum() == 1 and table.groupby("family")["best_of_family"].sum().eq(1).all()
    for _, group in table.groupby("family"):
        assert group.loc[group["best_of_family"], "ndcg"].iloc[0] == group["ndcg"].max()
    # the blend is built on the tuned members; the re-ranker on the tuned ALS
    best = table[table["best_of_family"]].set_index("family")["params"]
    assert best["blend"]["knn_neighbours"] == best["knn"]["knn_neighbours"]
    assert best["blend"]["alpha"] == best["als"]["alpha"] == best["ltr"]["alpha"]
    assert best["blend"]["ease_l2"] == best["ease"]["ease_l2"]
    assert best["blend"]["recency_half_life"] == best["ease"]["recency_half_life"]


def test_the_chosen_family_is_not_beaten_outside_the_noise(selection):
    params, table = selection
    chosen = table[table["chosen"]].iloc[0]
    finalists = table[table["best_of_family"]]
    assert params["ranking"] == chosen["family"] and params["factors"] == FAST["factors"]
    leader = finalists.loc[finalists["ndcg"].idxmax()]
    if chosen["family"] != leader["family"]:  # only the preferred blend may stay, on a lead inside 2 SE
        assert chosen["family"] == "blend"
        assert leader["gain_over_preferred"] <= 2 * leader["gain_se"]
    popular = finalists.set_index("family").loc["popular"]
    assert popular["ndcg"] < chosen["ndcg"] and not table.loc[table["family"] == "popular", "chosen"].any()


def test_a_candidate_that_loses_is_not_served_even_when_preferred(data):
    interactions, items, users = data
    grids = {"knn": {"knn_neighbours": [50]}}
    params, table = select_recommender(interactions, items, users, families=("popular", "knn"), grids=grids,
                                       base_params=FAST, preferred="popular", random_state=3)
    finalists = table.set_index("family")
    assert finalists.loc["knn", "gain_over_preferred"] > 2 * finalists.loc["knn", "gain_se"]  # popular clearly loses
    assert params["ranking"] == "knn" and table.set_index("family")["chosen"].to_dict() == {"popular": False,
                                                                                            "knn": True}


def test_tolerance_decides_between_a_slight_leader_and_the_preferred(data):
    interactions, items, users = data
    common = {"families": ("knn", "ease"), "grids": {"knn": {"knn_neighbours": [50]}, "ease": {"ease_l2": [1.0]}},
              "base_params": FAST, "random_state": 3}
    strict = select_recommender(interactions, items, users, tolerance_se=0.0, preferred="knn", **common)[1]
    leader = strict.loc[strict["ndcg"].idxmax(), "family"]
    assert strict.loc[strict["chosen"], "family"].iloc[0] == leader
    other = "ease" if leader == "knn" else "knn"
    lenient = select_recommender(interactions, items, users, tolerance_se=1e9, preferred=other, **common)[1]
    assert lenient.loc[lenient["chosen"], "family"].iloc[0] == other


def test_default_serves_exactly_its_choice(data):
    interactions, items, users = data
    model = Recommender(selection_grids="small", random_state=3, **FAST).fit(interactions, items, users)
    chosen = model.selection_[model.selection_["chosen"]].iloc[0]
    assert model.selected_params_["ranking"] == chosen["family"]
    alone = Recommender(**model.selected_params_).fit(interactions, items, users)
    wanted = list(users["user_id"][:80]) + ["nobody"]
    pd.testing.assert_frame_equal(model.recommend(wanted, k=10), alone.recommend(wanted, k=10))


def test_selection_rejects_unknown_settings(data):
    interactions, items, users = data
    with pytest.raises(ValueError, match="families"):
        select_recommender(interactions, families=("magic",))
    with pytest.raises(ValueError, match="selection_grids"):
        Recommender(selection_grids="huge").fit(interactions)


def test_ease_is_the_closed_form():
    rng = np.random.default_rng(0)
    dense = (rng.random((60, 12)) < 0.3).astype(np.float32)
    matrix = sp.csr_matrix(dense * 2.5)  # weights are binarised
    items, weights = _fit_ease(matrix, np.asarray((dense > 0).sum(axis=0)).ravel(), l2=0.5, max_items=100)
    gram = dense.T.astype(float) @ dense
    lam = 0.5 * np.diag(gram).mean()
    p = np.linalg.inv(gram + lam * np.eye(12))
    expected = np.eye(12) - p / np.diag(p)[None, :]
    np.fill_diagonal(expected, 0.0)
    assert items.tolist() == list(range(12))
    np.testing.assert_allclose(weights, expected, rtol=1e-4, atol=1e-6)
    # only the most watched items are modelled
    top, _ = _fit_ease(matrix, np.arange(12), l2=0.5, max_items=4)
    assert top.tolist() == [8, 9, 10, 11]


def test_blend_is_reciprocal_rank_fusion_of_its_members(data):
    interactions, items, users = data
    members = {"knn_neighbours": 50, "ease_l2": 1.0, **FAST}
    blend = Recommender(ranking="blend", blend_depth=30, blend_weights=(1.0, 2.0, 0.5), **members)
    blend.fit(interactions, items, users)
    wanted = list(interactions["user_id"].unique()[:40])
    scores = {}
    for name, weight in (("als", 1.0), ("ease", 2.0), ("knn", 0.5)):
        member = Recommender(ranking=name, **members).fit(interactions, items, users)
        for row in member.recommend(wanted, k=30).itertuples():
            key = (row.user_id, row.item_id)
            scores[key] = scores.get(key, 0.0) + weight / (60.0 + row.rank)
    recs = blend.recommend(wanted, k=10)
    for user, group in recs.groupby("user_id"):
        expected = sorted(((s, i) for (u, i), s in scores.items() if u == user), key=lambda p: -p[0])[:10]
        np.testing.assert_allclose(group["score"].to_numpy(), [s for s, _ in expected])
        assert set(group["item_id"]) <= {i for (u, i) in scores if u == user}


def test_recency_weights_halve_every_half_life_of_later_watches():
    frame = pd.DataFrame({"user_id": [1, 1, 1, 2, 2], "item_id": ["a", "b", "c", "a", "c"],
                          "weight": 1.0, "ts": [30.0, 10.0, 20.0, 5.0, 5.0]})
    model = Recommender(ranking="ease", recency_half_life=1.0).fit(frame)
    recent = model.history_.recent.toarray()
    items = {name: model.item_index_.get_loc(name) for name in "abc"}
    assert recent[0, items["a"]] == 1.0 and recent[0, items["c"]] == 0.5 and recent[0, items["b"]] == 0.25
    assert recent[1, items["c"]] == 1.0 and recent[1, items["a"]] == 0.5  # a tie in time: row order decides
    assert Recommender(ranking="ease").fit(frame).history_.recent is None
    assert Recommender(ranking="als", recency_half_life=1.0, factors=2, iterations=1).fit(frame).history_.recent is None


@pytest.mark.parametrize("ranking", ["ease", "knn", "blend"])
def test_recency_changes_the_item_models_lists_but_never_shows_a_seen_video(data, ranking):
    interactions, items, users = data
    wanted = list(interactions["user_id"].unique()[:100])
    plain = Recommender(ranking=ranking, ease_l2=1.0, **FAST).fit(interactions, items, users).recommend(wanted)
    recent = Recommender(ranking=ranking, ease_l2=1.0, recency_half_life=3.0, **FAST).fit(interactions, items, users)
    lists = recent.recommend(wanted)
    seen = set(zip(interactions["user_id"], interactions["item_id"], strict=True))
    assert not any(pair in seen for pair in zip(lists["user_id"], lists["item_id"], strict=True))
    assert lists.groupby("user_id").size().eq(10).all()
    assert not lists["item_id"].equals(plain["item_id"])
