"""Scoring titles by the engagement their words predict, and an honest check of that ranking.

`TitleScorer` is a ridge regression on hashed title terms and hashtags (each also crossed with the
category) that predicts a video's creator-adjusted watch-through logit (models_ml.creators.text). The
offline check holds out the most recently published videos, fits on the earlier ones only (term table,
scorer, creator levels), and measures how well each score orders the held-out videos of a category
(Spearman correlation, averaged over categories weighted by their held-out videos), beside a popularity
baseline (titles whose words are on the most videos, on average, rank first), a title-length baseline and the term table itself (the sum of a title's
shrunk term lifts), with bootstrap intervals over held-out videos. `suggest_titles` writes candidate titles
for a creator's next video from the category's best terms and the creator's latest title, ranked by
the scorer. No I/O.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import Ridge

from models_ml.creators.text import (
    TermConfig,
    _video_outcomes,
    category_term_effects,
    hashtag_tokens,
    title_tokens,
)

__all__ = ["SUGGESTION_COLUMNS", "TitleScorer", "fit_scorer", "ranking_check", "suggest_titles", "title_features"]


def title_features(categories, titles, hashtags) -> list[list[str]]:
    """Per video: its terms, each also crossed with the category, and the category itself."""
    rows = []
    for category, title, tags in zip(categories, titles, hashtags, strict=True):
        terms = title_tokens(title) + hashtag_tokens(tags)
        rows.append([f"c={category}"] + [f"t={t}" for t in terms] + [f"{category}|t={t}" for t in terms])
    return rows


class TitleScorer(BaseEstimator, RegressorMixin):
    """Ridge on hashed terms (+ category crosses). X: a frame with category, title, hashtags."""

    def __init__(self, alpha: float = 10.0, n_features: int = 2**18):
        self.alpha = alpha
        self.n_features = n_features

    def _matrix(self, X: pd.DataFrame):
        hasher = HashingVectorizer(analyzer=lambda terms: terms, n_features=self.n_features,
                                   alternate_sign=False, norm=None)
        return hasher.transform(title_features(X["category"], X["title"], X["hashtags"]))

    def fit(self, X: pd.DataFrame, y) -> TitleScorer:
        self.model_ = Ridge(alpha=self.alpha).fit(self._matrix(X), np.asarray(y, dtype=float))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict(self._matrix(X))


def _holdout_outcomes(train: pd.DataFrame, test: pd.DataFrame, config: TermConfig) -> pd.Series:
    """Held-out engagement adjusted by the creator's level on the training videos only."""
    def raw(frame):
        watched = (frame["first_pass_seconds"].astype(float) / (frame["views"] * frame["duration_seconds"]))
        watched = watched.clip(0.005, 0.995)
        return np.log(watched / (1 - watched))

    train_raw = raw(train)
    overall = train_raw.mean()
    grouped = train_raw.groupby(train["creator_id"]).agg(["sum", "size"])
    k = config.creator_prior_videos
    level = (grouped["sum"] + k * overall) / (grouped["size"] + k) if k > 0 else grouped["sum"] / grouped["size"]
    return raw(test) - test["creator_id"].map(level).fillna(overall)


def _term_score(frame: pd.DataFrame, table: pd.DataFrame, column: str, how: str = "sum") -> np.ndarray:
    """Per title: the sum (or mean) of `column` over its terms known in its category (unknown terms: 0)."""
    lookup = {(c, t): v for c, t, v in zip(table["category"], table["term"], table[column], strict=True)}
    out = []
    for c, title, tags in zip(frame["category"], frame["title"], frame["hashtags"], strict=True):
        values = [lookup.get((c, term), 0.0) for term in title_tokens(title) + hashtag_tokens(tags)]
        out.append((np.mean(values) if how == "mean" else np.sum(values)) if values else 0.0)
    return np.array(out)


def _weighted_spearman(category: np.ndarray, score: np.ndarray, y: np.ndarray, min_videos: int = 5) -> float:
    total = weight = 0.0
    for c in np.unique(category):
        rows = category == c
        if rows.sum() < min_videos or np.ptp(score[rows]) == 0:
            continue
        total += rows.sum() * stats.spearmanr(score[rows], y[rows]).statistic
        weight += rows.sum()
    return total / weight if weight else float("nan")


def ranking_check(videos: pd.DataFrame, config: TermConfig | None = None, holdout_share: float = 0.3,
                  n_boot: int = 300, random_state: int = 0, scorer: TitleScorer | None = None) -> pd.DataFrame:
    """Held-out ranking quality of the title scores: one row per score with its weighted Spearman, a
    bootstrap interval, and the paired difference against the popularity baseline with its interval."""
    if not 0 < holdout_share < 1:
        raise ValueError(f"holdout_share must be in (0, 1), got {holdout_share}")
    config = config or TermConfig()
    eligible = videos[(videos["views"] >= config.min_views) & (videos["duration_seconds"] > 0)]
    eligible = eligible.sort_values(["published_at", "video_id"], kind="stable")
    cut = int(round(len(eligible) * (1 - holdout_share)))
    train, test = eligible.iloc[:cut], eligible.iloc[cut:]
    table = category_term_effects(train, config)
    y_train = _video_outcomes(train, config).set_index("video_id")["engagement"].loc[train["video_id"]]
    scorer = (scorer or TitleScorer()).fit(train, y_train.to_numpy())
    y = _holdout_outcomes(train, test, config).to_numpy()
    scores = {
        "ridge on hashed terms (TitleScorer)": scorer.predict(test),
        "sum of shrunk term lifts (fct_category_terms)": _term_score(test, table, "engagement_lift"),
        "popularity of the title's terms (baseline)": _term_score(
            test, table.assign(log_videos=np.log(table["videos_with"].astype(float))), "log_videos", "mean"),
        "number of terms in the title (baseline)": np.array(
            [len(title_tokens(t) + hashtag_tokens(h)) for t, h in zip(test["title"], test["hashtags"], strict=True)],
            dtype=float),
    }
    category = test["category"].to_numpy()
    rng = np.random.default_rng(random_state)
    boots = {name: [] for name in scores}
    for _ in range(n_boot):
        idx = rng.integers(0, len(test), len(test))
        for name, score in scores.items():
            boots[name].append(_weighted_spearman(category[idx], score[idx], y[idx]))
    baseline = "popularity of the title's terms (baseline)"
    rows = []
    for name, score in scores.items():
        point = _weighted_spearman(category, score, y)
        diff = np.array(boots[name]) - np.array(boots[baseline])
        rows.append({"score": name, "train_videos": len(train), "heldout_videos": len(test), "spearman": point,
                     "spearman_lower": float(np.nanpercentile(boots[name], 2.5)),
                     "spearman_upper": float(np.nanpercentile(boots[name], 97.5)),
                     "vs_baseline": point - _weighted_spearman(category, scores[baseline], y),
                     "vs_baseline_lower": float(np.nanpercentile(diff, 2.5)),
                     "vs_baseline_upper": float(np.nanpercentile(diff, 97.5))})
    return pd.DataFrame(rows)


SUGGESTION_COLUMNS = ["creator_id", "category", "suggestion_rank", "title", "hashtags", "base_title",
                      "added_terms", "predicted_gain", "evidence"]
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _is_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def fit_scorer(videos: pd.DataFrame, config: TermConfig | None = None, scorer: TitleScorer | None = None
               ) -> TitleScorer:
    """A TitleScorer fitted on every eligible video's creator-adjusted engagement."""
    config = config or TermConfig()
    outcomes = _video_outcomes(videos, config)
    train = videos.set_index("video_id").loc[outcomes["video_id"]].reset_index()
    return (scorer or TitleScorer()).fit(train, outcomes["engagement"].to_numpy())


def suggest_titles(latest: pd.DataFrame, terms: pd.DataFrame, scorer: TitleScorer, top_terms: int = 5,
                   top_tags: int = 3, per_creator: int = 3) -> pd.DataFrame:
    """Title and hashtag suggestions for each creator's next video, in the creator's own style.

    `latest`: one row per creator (creator_id, category, title, hashtags): the creator's latest video.
    Candidates put one of the category's best title terms (by shrunk lift, lower bound above 0, in the
    script of the creator's title) in front of the latest title the way the platform's titles do
    ("term｜title", "Term: title"), with or without one of its best hashtags added; the scorer ranks
    them and the best `per_creator` with a predicted gain over the unchanged title are kept, each with
    its evidence (lift, interval, videos) from the term table."""
    good = terms[terms["engagement_lift_lower"] > 0].sort_values(["category", "rank_in_category"])
    rows = []
    for creator in latest.itertuples(index=False):
        mine = good[good["category"] == creator.category]
        cjk = _is_cjk(creator.title)
        words = mine[(mine["term_type"] == "title_term") & (mine["term"].map(_is_cjk) == cjk)].head(top_terms)
        tags = mine[mine["term_type"] == "hashtag"].head(top_tags)
        base_tags = creator.hashtags or ""
        candidates = [(creator.title, base_tags, [])]
        for word in words.itertuples(index=False):
            titled = f"{word.term}｜{creator.title}" if cjk else f"{word.term.title()}: {creator.title}"
            if word.term in title_tokens(creator.title):
                continue
            candidates.append((titled, base_tags, [word]))
            for tag in tags.itertuples(index=False):
                if tag.term not in hashtag_tokens(base_tags):
                    candidates.append((titled, f"{base_tags} {tag.term}".strip(), [word, tag]))
        for tag in tags.itertuples(index=False):
            if tag.term not in hashtag_tokens(base_tags):
                candidates.append((creator.title, f"{base_tags} {tag.term}".strip(), [tag]))
        frame = pd.DataFrame({"category": creator.category, "title": [c[0] for c in candidates],
                              "hashtags": [c[1] for c in candidates]})
        predicted = scorer.predict(frame)
        gain = predicted - predicted[0]
        order = [i for i in np.argsort(-gain, kind="stable") if i > 0 and gain[i] > 0][:per_creator]
        for rank, i in enumerate(order, start=1):
            added = candidates[i][2]
            rows.append({
                "creator_id": creator.creator_id, "category": creator.category, "suggestion_rank": rank,
                "title": candidates[i][0], "hashtags": candidates[i][1], "base_title": creator.title,
                "added_terms": " ".join(t.term for t in added), "predicted_gain": float(gain[i]),
                "evidence": "; ".join(
                    f"{t.term}: lift {t.engagement_lift:+.2f} [{t.engagement_lift_lower:+.2f}, "
                    f"{t.engagement_lift_upper:+.2f}] on {t.videos_with} videos" for t in added),
            })
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
