"""Script outline per category (issue 17): each line from planted synthetic effects, and silence without them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.creators.outline import OUTLINE_COLUMNS, script_outline


def _videos(seed: int, hook: float, length_gap: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 240
    has_hook = rng.random(n) < 0.25
    bucket = rng.choice(["under 15 s", "15-29 s", "30-59 s"], n)
    level = rng.normal(0, 0.3, n)
    hold = 1 / (1 + np.exp(-(1.0 + level + hook * has_hook + rng.normal(0, 0.2, n))))
    watched = np.clip(0.5 + 0.1 * level + length_gap * (bucket == "15-29 s") + rng.normal(0, 0.05, n), 0.01, 1)
    videos = pd.DataFrame({"video_id": np.arange(n), "creator_id": rng.integers(0, 30, n), "category": "food",
                           "title": np.where(has_hook, "wait for it video", "my video"), "hashtags": "#food",
                           "length_bucket": bucket, "views": 100, "hold_3s": hold,
                           "first_pass_percentage_viewed": watched, "duration_seconds": 20})
    dips = pd.DataFrame({"video_id": np.arange(20), "second_index": rng.integers(1, 6, 20), "duration_seconds": 20})
    return videos, dips


def test_outline_lines_follow_the_planted_effects_and_cite_evidence():
    videos, dips = _videos(1, hook=1.0, length_gap=0.1)
    terms = pd.DataFrame({"category": ["food"], "term": ["secret"], "term_type": ["title_term"], "videos_with": [30],
                          "engagement_lift": [0.3], "engagement_lift_lower": [0.1], "engagement_lift_upper": [0.5],
                          "rank_in_category": [1]})
    outline = script_outline(videos, dips, terms)
    assert list(outline.columns) == OUTLINE_COLUMNS
    outline = outline.set_index("topic")
    assert "'wait'" in outline.loc["hook", "advice"] or "'for'" in outline.loc["hook", "advice"]
    assert outline.loc["hook", "effect_lower"] > 0
    assert outline.loc["length", "advice"].startswith("Keep it 15-29 s")
    assert outline.loc["where viewers leave", "advice"].startswith("Viewers leave most in the first third")
    assert "secret +0.30 [+0.10, +0.50] on 30 videos" in outline.loc["words", "evidence"]
    assert list(outline["line_order"]) == [1, 2, 3, 4]


def test_outline_says_so_when_nothing_is_measurable():
    videos, dips = _videos(2, hook=0.0, length_gap=0.0)
    dips["second_index"] = np.arange(20) % 20  # spread over the video
    outline = script_outline(videos, dips, pd.DataFrame(columns=["category", "term", "term_type", "videos_with",
                                                                  "engagement_lift", "engagement_lift_lower",
                                                                  "engagement_lift_upper", "rank_in_category"]))
    outline = outline.set_index("topic")
    assert "words" not in outline.index
    assert outline.loc["hook", "advice"].startswith("No title word")
    assert outline.loc["where viewers leave", "advice"].startswith("Significant dips are not concentrated")


def test_terms_tokenised_elsewhere_give_the_same_outline():
    """The Spark build passes the videos' terms in (tokenised per video in the executors), in its own order."""
    from models_ml.creators.text import video_terms

    videos, dips = _videos(1, hook=1.0, length_gap=0.1)
    terms = pd.DataFrame(columns=["category", "term", "term_type", "videos_with", "engagement_lift",
                                  "engagement_lift_lower", "engagement_lift_upper", "rank_in_category"])
    expected = script_outline(videos, dips, terms)
    shuffled = video_terms(videos).sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(script_outline(videos, dips, terms, terms=shuffled), expected)
    assert expected["effect"].dtype == float
