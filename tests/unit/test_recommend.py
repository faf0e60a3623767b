"""Recommender behaviour: id maps, seen-item exclusion, determinism, cold start, persistence, weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.recommend import Recommender, interaction_weight, positive_mask
from models_ml.recommend.synthetic import CATEGORIES, make_interactions

COLUMNS = ["user_id", "item_id", "score", "rank", "reason"]
SMALL = {
    "ranking": "ltr", "n_estimators": 30, "factors": 16, "iterations": 6, "refit_iterations": 2, "num_threads": 2,
}


@pytest.fixture(scope="module")
def data():
    return make_interactions(n_users=600, n_items=200, n_events=8_000, random_state=3)


@pytest.fixture(scope="module")
def fitted(data):
    interactions, items, users = data
    return Recommender(random_state=7, **SMALL).fit(interactions, items, users)


def _as_strings(interactions, items, users):
    interactions = interactions.assign(
        user_id="u" + interactions["user_id"].astype(str), item_id="v" + interactions["item_id"].astype(str)
    )
    return (
        interactions,
        items.assign(item_id="v" + items["item_id"].astype(str)),
        users.assign(user_id="u" + users["user_id"].astype(str)),
    )


# ---------------------------------------------------------------- interaction_weight
def test_weight_rises_with_every_engagement_signal():
    base = interaction_weight(0.5, False, False, False, np.nan)
    assert interaction_weight(0.9, False, False, False, np.nan) > base
    assert interaction_weight(0.5, True, False, False, np.nan) > base
    assert interaction_weight(0.5, False, True, False, np.nan) > interaction_weight(
        0.5, True, False, False, np.nan
    )
    assert interaction_weight(0.5, False, False, True, np.nan) > base


def test_negative_comment_lowers_weight_and_missing_comment_is_neutral():
    neutral = interaction_weight(0.8, True, False, False, np.nan)
    assert interaction_weight(0.8, True, False, False, -0.6) < neutral
    assert interaction_weight(0.8, True, False, False, 0.6) > neutral
    assert interaction_weight(0.8, True, False, False, 0.0) == neutral
    # 0.8 + 1 (like) - 1 (most negative comment) = 0.8
    assert interaction_weight(0.8, True, False, False, -1.0) == pytest.approx(0.8)


def test_weight_stays_positive_and_inputs_are_clipped():
    assert interaction_weight(0.0, False, False, False, -1.0) == pytest.approx(0.05)
    assert interaction_weight(1.7, False, False, False, 3.0) == interaction_weight(
        1.0, False, False, False, 1.0
    )


def test_weight_is_vectorised_like_the_scalar_version():
    completion = np.array([0.1, 0.9, 0.5])
    liked = np.array([False, True, True])
    sentiment = np.array([np.nan, -0.5, 0.9])
    vector = interaction_weight(completion, liked, [False, False, True], [False, True, False], sentiment)
    scalar = [
        interaction_weight(c, bool(lk), s, f, m)
        for c, lk, s, f, m in zip(
            completion, liked, [False, False, True], [False, True, False], sentiment, strict=True
        )
    ]
    np.testing.assert_allclose(vector, scalar)


def test_positive_mask_ignores_comments():
    frame = pd.DataFrame(
        {
            "completion_ratio": [0.9, 0.2, 0.2, 0.2],
            "liked": [False, True, False, False],
            "shared": [False, False, False, False],
            "followed": [False, False, False, False],
            "comment_sentiment": [np.nan, np.nan, 1.0, np.nan],
        }
    )
    assert positive_mask(frame).tolist() == [True, True, False, False]
    assert positive_mask(frame[["comment_sentiment"]]).all()


# ---------------------------------------------------------------- recommender
def test_output_columns_and_ranks(fitted, data):
    users = data[0]["user_id"].unique()[:20]
    recs = fitted.recommend(users, k=7)
    assert list(recs.columns) == COLUMNS
    assert recs.groupby("user_id")["rank"].apply(list).map(lambda r: r == list(range(1, 8))).all()
    assert not recs.duplicated(["user_id", "item_id"]).any()
    assert (recs.groupby("user_id")["score"].apply(lambda s: s.is_monotonic_decreasing)).all()
    assert recs["reason"].str.len().gt(5).all()
    assert set(recs["user_id"]) == set(users)


@pytest.mark.parametrize("ranking", ["ltr", "als", "knn", "ease", "blend", "popular"])
def test_seen_items_are_excluded(data, ranking, fitted):
    interactions, items, users = data
    model = (
        fitted if ranking == "ltr"
        else Recommender(**{**SMALL, "ranking": ranking}).fit(interactions, items, users)
    )
    wanted = interactions["user_id"].unique()[:100]
    recs = model.recommend(wanted, k=10)
    seen = set(zip(interactions["user_id"], interactions["item_id"], strict=True))
    assert not any(pair in seen for pair in zip(recs["user_id"], recs["item_id"], strict=True))
    assert recs.groupby("user_id").size().eq(10).all()


def test_seen_items_can_come_back_when_not_excluded(data):
    interactions, items, users = data
    model = Recommender(ranking="popular").fit(interactions, items, users)
    recs = model.recommend(interactions["user_id"].unique()[:100], k=10, exclude_seen=False)
    seen = set(zip(interactions["user_id"], interactions["item_id"], strict=True))
    assert any(pair in seen for pair in zip(recs["user_id"], recs["item_id"], strict=True))


def test_string_and_int_ids_give_the_same_recommendations(data, fitted):
    interactions, items, users = data
    as_strings = _as_strings(interactions, items, users)
    model = Recommender(random_state=7, **SMALL).fit(*as_strings)
    assert model.user_index_[0] == "u" + str(fitted.user_index_[0])
    assert len(model.user_index_) == len(fitted.user_index_)
    wanted = interactions["user_id"].unique()[:50]
    from_ints = fitted.recommend(wanted, k=10)
    from_strings = model.recommend(["u" + str(u) for u in wanted], k=10)
    assert from_strings["item_id"].str.startswith("v").all()
    pd.testing.assert_series_equal(from_strings["item_id"], "v" + from_ints["item_id"].astype(str))
    np.testing.assert_allclose(from_strings["score"], from_ints["score"])


def test_mixed_id_types_map_to_contiguous_indices():
    frame = pd.DataFrame(
        {
            "user_id": [1, "1", 1, (2, 3)],
            "item_id": ["a", 7, 7, "a"],
            "weight": [1.0, 2.0, 1.0, 0.5],
            "ts": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"], utc=True),
        }
    )
    model = Recommender(ranking="popular").fit(frame)
    assert list(model.user_index_) == [1, "1", (2, 3)]
    assert model.history_.matrix.shape == (3, 2)
    assert model.history_.matrix[0, 1] == 1.0  # user 1 watched item 7 once
    recs = model.recommend(["1"], k=5)
    assert recs["item_id"].tolist() == ["a"]  # the only video "1" has not seen


def test_two_fits_give_identical_recommendations(data, fitted):
    interactions, items, users = data
    again = Recommender(random_state=7, **SMALL).fit(interactions, items, users)
    wanted = users["user_id"]
    pd.testing.assert_frame_equal(fitted.recommend(wanted), again.recommend(wanted))


def test_random_state_matters(data, fitted):
    interactions, items, users = data
    other = Recommender(random_state=8, **SMALL).fit(interactions, items, users)
    wanted = interactions["user_id"].unique()[:200]
    assert not fitted.recommend(wanted)["score"].equals(other.recommend(wanted)["score"])


def test_cold_user_gets_popular_in_segment(data):
    interactions, items, users = data
    newcomer = users.iloc[[0]].assign(user_id=10_000)
    model = Recommender(random_state=7, **SMALL).fit(interactions, items, pd.concat([users, newcomer]))
    recs = model.recommend([10_000, "never-seen"], k=5)
    assert recs.groupby("user_id").size().to_dict() == {10_000: 5, "never-seen": 5}
    mine = recs[recs["user_id"] == 10_000]
    segment = f"{newcomer['region'].iloc[0]}, {newcomer['age_band'].iloc[0]}"
    assert mine["reason"].str.contains(segment, regex=False).all()
    same_segment = users[
        (users["region"] == newcomer["region"].iloc[0]) & (users["age_band"] == newcomer["age_band"].iloc[0])
    ]
    counts = interactions[interactions["user_id"].isin(same_segment["user_id"])]["item_id"].value_counts()
    assert mine["item_id"].iloc[0] == counts.index[0]
    stranger = recs[recs["user_id"] == "never-seen"]
    assert stranger["reason"].str.startswith("Among the most watched on the platform: ").all()
    assert stranger["item_id"].iloc[0] == interactions["item_id"].value_counts().index[0]


def test_new_video_without_interactions_becomes_a_candidate(data):
    interactions, items, users = data
    favourite = CATEGORIES[int(np.argmax(users.filter(like="affinity_").iloc[0].to_numpy()))]
    fresh = pd.DataFrame(
        {
            "item_id": [99_999],
            "category": [favourite],
            "creator_id": [-1],
            "published_ts": [interactions["ts"].max()],
            "duration_s": [20.0],
        }
    )
    model = Recommender(random_state=7, **SMALL).fit(interactions, pd.concat([items, fresh]), users)
    assert model.history_.item_count[model.item_index_.get_loc(99_999)] == 0
    recs = model.recommend([users["user_id"].iloc[0]], k=len(model.item_index_))
    row = recs[recs["item_id"] == 99_999]
    assert len(row) == 1
    reason = row["reason"].iloc[0]
    assert reason.startswith(f"New in {favourite}, published ") and f"; {favourite} is " in reason, reason
    assert reason.endswith("% of what you watch."), reason


def test_save_load_round_trip(tmp_path, fitted, data):
    path = tmp_path / "recommender.pkl"
    fitted.save(path)
    loaded = Recommender.load(path)
    assert loaded.get_params() == fitted.get_params()
    wanted = list(data[2]["user_id"][:100]) + ["nobody"]
    pd.testing.assert_frame_equal(loaded.recommend(wanted), fitted.recommend(wanted))


def test_load_rejects_other_pickles(tmp_path):
    import pickle

    path = tmp_path / "other.pkl"
    path.write_bytes(pickle.dumps({"format": 1, "model": "not a model"}))
    with pytest.raises(ValueError, match="not a saved Recommender"):
        Recommender.load(path)


def test_fit_rejects_missing_columns():
    with pytest.raises(ValueError, match="lacks columns"):
        Recommender().fit(pd.DataFrame({"user_id": [1], "item_id": [2]}))


# ---------------------------------------------------------------- refresh (the daily build's kept fit)
@pytest.fixture(scope="module")
def refreshed(data, tmp_path_factory):
    """Fitted on the earlier 85% of the interactions (and saved), refreshed with all of them plus a new viewer
    and a new video."""
    interactions, items, users = data
    cut = interactions["ts"].quantile(0.85)
    earlier = interactions[interactions["ts"] <= cut]
    model = Recommender(random_state=7, **SMALL).fit(earlier, items, users)
    kept = {"ranker": model.ranker_, "item_factors": model.history_.als.item_factors.copy(),
            "n_items": len(model.item_index_)}
    newcomer = interactions[interactions["user_id"] == users["user_id"].iloc[5]].assign(user_id=10_000_001)
    new_video = interactions[interactions["item_id"] == interactions["item_id"].mode()[0]].assign(item_id=99_998)
    new_items = pd.concat([items, items.iloc[:1].assign(item_id=99_998)], ignore_index=True)
    new_users = pd.concat([users, users.iloc[5:6].assign(user_id=10_000_001)], ignore_index=True)
    everything = pd.concat([interactions, newcomer, new_video], ignore_index=True)
    fit_path = tmp_path_factory.mktemp("fit") / "fit.pkl"
    model.save(fit_path)
    model.refresh(everything, new_items, new_users)
    return model, kept, everything, new_items, new_users, fit_path


def test_refresh_keeps_what_was_learned(refreshed):
    model, kept, *_ = refreshed
    assert model.ranker_ is kept["ranker"]
    np.testing.assert_array_equal(model.history_.als.item_factors[: kept["n_items"]], kept["item_factors"])


def test_refresh_excludes_what_was_watched_since_the_fit(refreshed):
    model, _, everything, *_ = refreshed
    users = everything["user_id"].drop_duplicates().iloc[:200].tolist()
    recs = model.recommend(users, k=10).merge(everything[["user_id", "item_id"]].drop_duplicates(),
                                              on=["user_id", "item_id"], how="inner")
    assert recs.empty


def test_refresh_serves_new_viewers_and_scores_new_videos(refreshed):
    model, kept, everything, *_ = refreshed
    newcomer = model.recommend([10_000_001], k=10)
    assert len(newcomer) == 10 and not newcomer["reason"].str.startswith("Popular").any()
    position = model.user_index_.get_loc(10_000_001)
    assert np.abs(model.history_.als.user_factors[position]).sum() > 0
    assert np.abs(model.history_.als.item_factors[model.item_index_.get_loc(99_998)]).sum() > 0
    assert len(model.item_index_) == kept["n_items"] + 1


def test_refreshing_the_stored_fit_is_deterministic(refreshed):
    """The warehouse refreshes the stored fit (models_ml.recommend.kept), never a refreshed model."""
    model, _, everything, items, users, fit_path = refreshed
    again = Recommender.load(fit_path).refresh(everything, items, users)
    wanted = everything["user_id"].drop_duplicates().iloc[:100].tolist()
    pd.testing.assert_frame_equal(again.recommend(wanted), model.recommend(wanted))


def test_refresh_needs_a_fit(data):
    with pytest.raises(ValueError, match="call fit first"):
        Recommender(**SMALL).refresh(*data)
