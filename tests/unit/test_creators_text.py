"""Creator-text term tables (issue 17): tokenising, empirical-Bayes shrinkage, planted-lift recovery on
synthetic videos, co-occurrence counts against a brute-force count."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from models_ml.creators.text import (
    COOCCURRENCE_COLUMNS,
    TERM_COLUMNS,
    TermConfig,
    category_term_effects,
    hashtag_tokens,
    shrink_normal,
    term_config,
    term_cooccurrence,
    title_tokens,
    video_terms,
)


def test_title_tokens_split_chinese_with_jieba_and_english_by_words():
    assert title_tokens("开箱｜美妆日常分享") == ["开箱", "美妆", "日常", "分享"]
    assert title_tokens("Unboxing Tips: My Beauty routine") == ["unboxing", "tips", "beauty", "routine"]
    # digits, single characters and function words are dropped; repeats kept once; mixed scripts both split
    assert title_tokens("挑战12天旅行 travel TRAVEL vlog") == ["挑战", "旅行", "travel", "vlog"]
    assert title_tokens(None) == [] and title_tokens("") == []


def test_hashtags_are_lowercased_distinct_tags():
    assert hashtag_tokens("#Food #美食  #food #fyp #") == ["#food", "#美食", "#fyp"]
    assert hashtag_tokens(None) == []


def test_shrinkage_pulls_noisy_estimates_harder():
    raw = np.array([1.0, 1.0, 0.0, -0.2, 0.3])
    se = np.array([0.1, 1.0, 0.1, 0.1, 0.1])
    mean, sd, tau = shrink_normal(raw, se)
    assert tau > 0
    assert abs(mean[0]) > abs(mean[1])  # same raw lift, the precise one keeps more of it
    assert np.all(np.abs(mean) <= np.abs(raw)) and np.all(sd <= se)
    none, _, tau0 = shrink_normal(np.array([0.05, -0.05]), np.array([0.5, 0.5]))  # all noise
    assert tau0 == 0 and np.all(none == 0)


def _synthetic_videos(seed: int, n_per_cat: int = 300, lift: float = 0.7) -> tuple[pd.DataFrame, dict]:
    """Two categories; per category one planted term with a like-rate logit lift, one control term with none,
    twelve filler words with none (as a platform's titles have), creators with their own level, and a 'lucky'
    term on two of the best videos. The outcome is watch-through, Beta-distributed around the inverse logit
    of the video's level."""
    rng = np.random.default_rng(seed)
    fillers = [f"filler{chr(97 + k)}" for k in range(12)]
    rows, planted = [], {}
    for c, category in enumerate(["food", "tech"]):
        term, control = ("secret", "basic") if c == 0 else ("秘籍", "普通")
        planted[category] = term
        creators = rng.integers(0, 40, n_per_cat) + 100 * c
        creator_level = rng.normal(0, 0.5, 200)
        has_term = rng.random(n_per_cat) < 0.2
        has_control = rng.random(n_per_cat) < 0.2
        logit = -0.5 + creator_level[creators] + rng.normal(0, 0.3, n_per_cat) + lift * has_term
        views = rng.integers(100, 400, n_per_cat)
        duration = rng.integers(10, 60, n_per_cat)
        watched = rng.beta(20 / (1 + np.exp(-logit)), 20 / (1 + np.exp(logit)))  # mean: the inverse logit
        lucky = np.argsort(-logit)[:2]
        for i in range(n_per_cat):
            words = ["video"] + [f for f in fillers if rng.random() < 0.15] + ([term] if has_term[i] else []) + ([control] if has_control[i] else []) + \
                (["lucky"] if i in lucky else [])
            sep = "｜" if c else " "
            positive = rng.binomial(10, 0.5 + 0.3 * has_term[i])
            rows.append({"video_id": 1000 * c + i, "creator_id": int(creators[i]), "category": category,
                         "title": sep.join(words), "hashtags": f"#{category}" + (" #pro" if has_term[i] else ""),
                         "duration_seconds": int(duration[i]), "views": int(views[i]), "likes": 0,
                         "first_pass_seconds": float(watched[i] * views[i] * duration[i]), "scored_comments": 10,
                         "positive_comments": int(positive), "negative_comments": int(10 - positive)})
    return pd.DataFrame(rows), planted


def test_planted_terms_top_their_category_and_controls_and_lucky_terms_do_not():
    videos, planted = _synthetic_videos(seed=3)
    table = category_term_effects(videos, TermConfig(min_videos=2))
    assert list(table.columns) == TERM_COLUMNS
    for category, term in planted.items():
        part = table[table["category"] == category].set_index("term")
        top_two = set(part.index[part["rank_in_category"] <= 2])
        assert term in top_two and "#pro" in top_two  # the term and its hashtag carry the lift
        assert part.loc[term, "engagement_lift_lower"] > 0
        assert part.loc[term, "sentiment_lift_lower"] > 0  # better comments too
        assert "lucky" not in top_two  # two videos: shrunk hard
        assert part.loc["lucky", "engagement_lift"] < 0.5 * part.loc["lucky", "raw_engagement_lift"]
        control = "basic" if category == "food" else "普通"
        assert part.loc[control, "engagement_lift_lower"] < 0 < part.loc[control, "engagement_lift_upper"]
    # additive counts add up within a category
    for column in ("views", "first_pass_seconds", "view_seconds"):
        totals = table[f"{column}_with"] + table[f"{column}_without"]
        assert (totals.groupby(table["category"]).nunique() == 1).all()


def test_no_lift_planted_means_few_intervals_exclude_zero():
    videos, _ = _synthetic_videos(seed=5, lift=0.0)
    videos["positive_comments"] = 5
    videos["negative_comments"] = 5
    table = category_term_effects(videos)
    table = table[table["term"] != "lucky"]  # chosen by outcome, not a null term
    excluded = (table["engagement_lift_lower"] > 0) | (table["engagement_lift_upper"] < 0)
    assert len(table) == 30 and excluded.sum() <= 3  # 1.5 expected at 95%


def test_term_table_rejects_bad_input_and_handles_empty():
    with pytest.raises(ValueError, match="lacks columns"):
        category_term_effects(pd.DataFrame({"video_id": [1]}))
    videos, _ = _synthetic_videos(seed=1, n_per_cat=20)
    assert category_term_effects(videos, TermConfig(min_views=10**6)).empty
    with pytest.raises(ValueError, match="level"):
        TermConfig(level=1.5)
    with pytest.raises(ValueError, match="unknown"):
        term_config({"min_view": 3})
    assert term_config({"min_views": "7", "level": 0.9}) == TermConfig(min_views=7, level=0.9)


def test_cooccurrence_matches_a_brute_force_count():
    videos, _ = _synthetic_videos(seed=2, n_per_cat=120)
    config = TermConfig(min_pair_videos=3)
    got = term_cooccurrence(videos, config)
    assert list(got.columns) == COOCCURRENCE_COLUMNS
    terms = video_terms(videos).merge(videos[["video_id", "category"]], on="video_id")
    expected = {}
    for category, part in terms.groupby("category"):
        sets = part.groupby("video_id")["term"].agg(set)
        counts = part["term"].value_counts()
        for terms_of_video in sets:
            for a, b in combinations(sorted(terms_of_video), 2):
                expected[(category, a, b)] = expected.get((category, a, b), 0) + 1
        expected = {k: v for k, v in expected.items() if k[0] != category or (
            v >= 3 and counts[k[1]] >= 3 and counts[k[2]] >= 3)}
    assert {(r.category, r.term_a, r.term_b): r.videos_both for r in got.itertuples()} == expected
    row = got.iloc[0]
    assert row["cooccurrence_lift"] == pytest.approx(
        row["videos_both"] * row["category_videos"] / (row["videos_a"] * row["videos_b"]))


def test_planted_terms_score_counts_hits_controls_and_missing_surfaces():
    from models_ml.creators.text import score_planted_terms

    table = pd.DataFrame({"category": ["food"] * 4 + ["tech"] * 2,
                          "term": ["开箱", "basic", "unboxing", "x", "#pro", "y"],
                          "rank_in_category": [1, 2, 3, 4, 2, 1]})
    planted = [{"category": "food", "surfaces": ["开箱", "unboxing"], "true_quality_lift": 0.6},
               {"category": "food", "surfaces": ["basic"], "true_quality_lift": 0.0},
               {"category": "tech", "surfaces": ["#pro"], "true_quality_lift": 0.7},
               {"category": "tech", "surfaces": ["秘籍", "secret"], "true_quality_lift": 0.5}]
    score = score_planted_terms(table, planted)
    # food: k = 2 (开箱, unboxing), top 2 = 开箱, basic -> 1 hit, 1 control; tech: k = 1, top 1 = y -> 0 hits
    assert score == {"k_total": 3, "hits": 1, "precision_at_k": 1 / 3, "controls_in_top_k": 1,
                     "lifted_surfaces": 5, "recall_all": 1 / 5}


def test_terms_tokenised_elsewhere_give_the_same_table():
    """The Spark build tokenises per video in the executors and passes the terms in: any row order, and
    terms of ineligible videos, must give the table the model computes from the titles itself."""
    videos, _ = _synthetic_videos(seed=3)
    videos.loc[videos.index[:5], "views"] = 1  # ineligible: their terms must be left out
    expected = category_term_effects(videos)
    terms = video_terms(videos).sample(frac=1.0, random_state=0)
    got = category_term_effects(videos, terms=terms)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_exact=False,
                                  rtol=1e-12)
