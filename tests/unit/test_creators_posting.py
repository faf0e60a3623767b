"""Best time to post (issue 17): the window estimator on synthetic videos with a known good window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.creators.posting import COLUMNS, posting_time_effects


def _videos(good_start: dict[str, int], n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    category = rng.choice(list(good_start), n)
    hour = rng.integers(0, 24, n)
    good = np.array([h // 4 * 4 == good_start[c] for c, h in zip(category, hour, strict=True)])
    views = rng.integers(5, 60, n)
    completed = rng.binomial(views, np.where(good, 0.55, 0.35))
    return pd.DataFrame({"category": category, "publish_hour": hour, "early_views": views,
                         "early_completed_views": completed})


def test_the_planted_window_is_the_only_best_time_per_category():
    truth = {"food": 8, "gaming": 20, "travel": 0}
    table = posting_time_effects(_videos(truth))
    assert list(table.columns) == COLUMNS
    assert len(table) == 18
    best = table[table["is_best_time"]]
    assert dict(zip(best["category"], best["bucket_start_hour"], strict=True)) == truth
    assert (best["watch_through_lower"] > best["category_watch_through"]).all()
    assert (table["lift_lower"] <= table["lift"]).all() and (table["lift"] <= table["lift_upper"]).all()
    assert table.groupby("category")["early_views"].sum().sum() == _videos(truth)["early_views"].sum()


def test_no_effect_flags_nothing_and_shrinks_toward_the_category_mean():
    rng = np.random.default_rng(3)
    n = 400
    views = rng.integers(5, 40, n)
    videos = pd.DataFrame({"category": rng.choice(["a", "b"], n), "publish_hour": rng.integers(0, 24, n),
                           "early_views": views, "early_completed_views": rng.binomial(views, 0.4)})
    table = posting_time_effects(videos)
    assert not table["is_best_time"].any()
    assert (table["lift"].abs() <= table["raw_lift"].abs() + 1e-12).all()


def test_thin_videos_are_left_out_and_bad_windows_refused():
    videos = pd.DataFrame({"category": ["a", "a", "a"], "publish_hour": [1, 2, 13], "early_views": [10, 1, 8],
                           "early_completed_views": [5, 1, 2]})
    table = posting_time_effects(videos, min_views=3)
    assert table["videos"].sum() == 2
    assert posting_time_effects(videos.iloc[:0]).empty
    with pytest.raises(ValueError, match="divide 24"):
        posting_time_effects(videos, bucket_hours=5)


def test_planted_window_score_counts_flags_and_top_windows():
    from models_ml.creators.posting import score_planted_windows

    truth = {"food": 8, "gaming": 20, "travel": 0}
    score = score_planted_windows(posting_time_effects(_videos(truth)), {**truth, "gaming": 4})
    assert score == {"categories": 3, "flagged": 3, "flagged right": 2, "top shrunk right": 2, "top raw right": 2}


def test_an_empty_table_scores_zero():
    from models_ml.creators.posting import score_planted_windows

    empty = posting_time_effects(pd.DataFrame(columns=["category", "publish_hour", "early_views",
                                                       "early_completed_views"]))
    assert score_planted_windows(empty, {"a": 0}) == {"categories": 0, "flagged": 0, "flagged right": 0,
                                                      "top shrunk right": 0, "top raw right": 0}
