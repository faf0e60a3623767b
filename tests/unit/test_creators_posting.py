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


# ---- per audience ---------------------------------------------------------------------------------------
AUDIENCE_SHARE = {"CN": 0.55, "US": 0.15, "BR": 0.08, "GB": 0.06, "IN": 0.06, "DE": 0.05, "JP": 0.05}


def _audience_views(good: dict[str, int], shift: float, n_videos: int = 1500, seed: int = 0,
                    window_shift: float = 0.0) -> pd.DataFrame:
    """Videos of 4 categories whose quality varies a lot, better for everyone (logit + window_shift) when
    published 12-16; each video's early views split over the audiences, which differ in their usual
    completion; an audience's views of a video published in its good window complete more often (+ shift)."""
    rng = np.random.default_rng(seed)
    audiences = np.array(list(AUDIENCE_SHARE))
    gap = np.array([0.0, -0.2, 0.1, -0.1, 0.2, 0.0, -0.3])  # the audiences' usual completion gaps (logit)
    category = rng.choice(["food", "music", "pets", "tech"], n_videos)
    hour = rng.integers(0, 24, n_videos)
    quality = rng.normal(-0.5, 0.8, n_videos) + window_shift * (hour // 4 == 3)
    views = rng.multinomial(rng.integers(5, 80, n_videos), list(AUDIENCE_SHARE.values()))
    video, audience = np.nonzero(views)
    n = views[video, audience]
    boosted = hour[video] // 4 * 4 == np.array([good[a] for a in audiences])[audience]
    p = 1 / (1 + np.exp(-(quality[video] + gap[audience] + shift * boosted)))
    return pd.DataFrame({"video_id": video, "category": category[video], "publish_hour": hour[video],
                         "audience": audiences[audience], "early_views": n,
                         "early_completed_views": rng.binomial(n, p)})


def test_planted_audience_windows_flagged_and_only_they():
    from models_ml.creators.posting import AUDIENCE_COLUMNS, audience_posting_effects, score_audience_windows

    good = {"CN": 12, "US": 0, "BR": 20, "GB": 20, "IN": 12, "DE": 16, "JP": 8}
    views = _audience_views(good, shift=0.8)
    table = audience_posting_effects(views)
    assert list(table.columns) == AUDIENCE_COLUMNS
    assert table["audience_views"].sum() == views["early_views"].sum()  # every window of every pair has a row
    flagged = table[table["is_best_time"]]
    assert (flagged["bucket_start_hour"] == flagged["audience"].map(good)).all()  # no wrong flag
    score = score_audience_windows(table, good)
    assert score["audiences top pooled right"] == 7
    assert {"CN", "US"} <= set(flagged["audience"])  # the large audiences are found in every category
    assert score["flagged right"] >= 4 * 2
    assert (table["q_value"] >= table["p_value"] - 1e-12).all()
    assert ((table["lift_lower"] <= table["lift"]) & (table["lift"] <= table["lift_upper"])).all()


def test_no_audience_effect_flags_nothing_whatever_the_video_quality_and_audience_gaps():
    """Video quality varies with the hour here too (a window better for everyone): it cancels within videos."""
    from models_ml.creators.posting import audience_posting_effects

    good = dict.fromkeys(AUDIENCE_SHARE, 8)
    for seed in range(3):
        table = audience_posting_effects(_audience_views(good, shift=0.0, seed=seed, window_shift=1.5))
        assert not table["is_best_time"].any(), table.nsmallest(3, "q_value")


def test_pooling_across_categories_shrinks_toward_the_audience_window_mean():
    from models_ml.creators.posting import audience_posting_effects

    table = audience_posting_effects(_audience_views({a: 0 for a in AUDIENCE_SHARE}, shift=0.5, seed=4))
    spread_raw = table.groupby(["audience", "bucket_start_hour"])["raw_lift"].std()
    spread = table.groupby(["audience", "bucket_start_hour"])["lift"].std()
    assert (spread <= spread_raw + 1e-12).all()
    assert table["prior_sd"].nunique() == 1


def test_mantel_haenszel_log_odds_ratio_against_the_textbook_cases():
    from models_ml.creators.posting import mantel_haenszel_log_odds_ratio

    # one stratum: the plain log odds ratio and Woolf's variance 1/a + 1/b + 1/c + 1/d
    est, var = mantel_haenszel_log_odds_ratio([300], [1000], [200], [1000])
    assert est == pytest.approx(np.log(300 * 800 / (700 * 200)))
    assert var == pytest.approx(1 / 300 + 1 / 700 + 1 / 200 + 1 / 800)
    # strata with one side empty carry nothing; none left, or no discordance: nan
    assert mantel_haenszel_log_odds_ratio([3, 1], [10, 2], [2, 0], [10, 0]) == \
        mantel_haenszel_log_odds_ratio([3], [10], [2], [10])
    assert np.isnan(mantel_haenszel_log_odds_ratio([1], [2], [0], [0])[0])
    assert np.isnan(mantel_haenszel_log_odds_ratio([2], [2], [5], [5])[0])
    # many sparse strata (0-3 exposed views per video, base rates 10-80%): the 95% interval covers ~95%
    rng = np.random.default_rng(0)
    cover = []
    for _ in range(400):
        logit0 = rng.uniform(-2, 1.5, 300)
        n1, n0 = rng.integers(0, 4, 300), rng.integers(1, 10, 300)
        x1, x0 = rng.binomial(n1, 1 / (1 + np.exp(-(logit0 + 0.4)))), rng.binomial(n0, 1 / (1 + np.exp(-logit0)))
        est, var = mantel_haenszel_log_odds_ratio(x1, n1, x0, n0)
        cover.append(abs(est - 0.4) < 1.96 * np.sqrt(var))
    assert 0.92 <= np.mean(cover) <= 0.98


def test_audience_input_checked():
    from models_ml.creators.posting import audience_posting_effects

    with pytest.raises(ValueError, match="missing columns"):
        audience_posting_effects(pd.DataFrame({"video_id": [1]}))
    with pytest.raises(ValueError, match="divide 24"):
        audience_posting_effects(_audience_views({a: 0 for a in AUDIENCE_SHARE}, 0.0, n_videos=20), bucket_hours=7)
    assert audience_posting_effects(_audience_views({a: 0 for a in AUDIENCE_SHARE}, 0.0, n_videos=20).iloc[:0]).empty
