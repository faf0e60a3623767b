"""Titles and hashtags that work in a category: per-term engagement and sentiment lifts, shrunk.

A video's engagement is the logit of its watch-through (the share of the video its views watched on
the first pass, the basis of relative retention), less its creator's typical level (the leave-one-out
mean of the creator's other videos, shrunk toward the overall mean), so a term is compared within
creators' own work rather than credited with its creators' audience. Watch-through, not the like
rate: on the simulator it tracks a video's quality far better (creator-adjusted correlation 0.77 vs
0.51, docs/creator-studio.md), because a like is a rare binary event per view. Per category
and term, the raw lift is the mean adjusted engagement of the videos whose title (or hashtags) carry
the term minus that of the category's other videos, with the standard error of a difference of means
under the category's pooled variance, so a term on two videos has a wide error. Lifts are then shrunk
by a normal-normal empirical Bayes prior fitted per category (effects ~ N(0, tau^2), tau^2 by the
method of moments; a category whose terms show no spread beyond their noise takes the prior fitted
on all categories' terms, rather than shrinking every term to exactly 0 with a zero-width interval): posterior mean B * raw, sd sqrt(B) * se, B = tau^2 / (tau^2 + se^2). A term seen
twice keeps little of its raw lift and cannot top the table on luck. The same is done for comment
sentiment (net share of positive minus negative scored comments). Chinese titles are split with
jieba, others with a word regex; single CJK characters, digits and a few function words are dropped.
No I/O: the dbt Python models pass frames in. Method and measured recovery: docs/creator-studio.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse, stats

VIDEO_COLUMNS = ["video_id", "creator_id", "category", "title", "hashtags", "duration_seconds", "views", "likes",
                 "first_pass_seconds", "scored_comments", "positive_comments", "negative_comments"]
TERM_COLUMNS = ["category", "term", "term_type", "videos_with", "videos_without", "views_with",
                "first_pass_seconds_with", "view_seconds_with", "views_without", "first_pass_seconds_without",
                "view_seconds_without", "raw_engagement_lift", "engagement_lift_se", "engagement_lift",
                "engagement_lift_lower", "engagement_lift_upper", "sentiment_videos_with", "raw_sentiment_lift",
                "sentiment_lift", "sentiment_lift_lower", "sentiment_lift_upper", "prior_sd", "rank_in_category"]
COOCCURRENCE_COLUMNS = ["category", "term_a", "term_b", "videos_both", "videos_a", "videos_b",
                        "category_videos", "cooccurrence_lift"]

__all__ = ["COOCCURRENCE_COLUMNS", "TERM_COLUMNS", "VIDEO_COLUMNS", "TermConfig", "category_term_effects",
           "hashtag_tokens", "prior_variance", "score_planted_terms", "shrink_normal", "term_config",
           "term_cooccurrence", "title_tokens", "video_terms", "VIDEO_TERM_COLUMN_TYPES"]

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_HASHTAG = re.compile(r"#[^\s#]+")
STOPWORDS = frozenset({"a", "an", "and", "the", "of", "in", "on", "to", "for", "my", "you", "your", "is",
                       "it", "this", "that", "with", "at", "by", "from", "day", "pov", "的", "了", "是", "这个",
                       "一个", "我们", "今天"})


@dataclass(frozen=True)
class TermConfig:
    """min_views: videos with fewer views are left out (their like rate is noise). min_videos: a term
    needs this many videos with it and without it in the category to get a row. creator_prior_videos:
    how many videos' weight the overall mean gets in a creator's leave-one-out level. min_comments: a
    video needs this many scored comments to enter the sentiment lift. level: interval coverage.
    min_pair_videos: co-occurring pairs seen on fewer videos are not listed."""

    min_views: int = 20
    min_videos: int = 2
    creator_prior_videos: float = 3.0
    min_comments: int = 3
    level: float = 0.95
    min_pair_videos: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.level < 1:
            raise ValueError(f"level must be in (0, 1), got {self.level}")
        if self.min_views < 1 or self.min_videos < 1 or self.min_comments < 1 or self.min_pair_videos < 1:
            raise ValueError("min_views, min_videos, min_comments and min_pair_videos must be positive")
        if self.creator_prior_videos < 0:
            raise ValueError("creator_prior_videos must be >= 0")


def term_config(settings: dict | None, level: float | None = None) -> TermConfig:
    """A TermConfig from the dbt var creator_text (keys as the fields; missing keys keep the defaults) and,
    when given, the site-wide interval level (var interval_level)."""
    settings = dict(settings or {})
    if level is not None:
        settings["level"] = level
    unknown = set(settings) - set(TermConfig.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown creator_text settings {sorted(unknown)}")
    return TermConfig(**{k: type(getattr(TermConfig(), k))(v) for k, v in settings.items()})


@lru_cache(maxsize=2**16)
def _jieba_words(run: str) -> tuple[str, ...]:
    """Cached: titles repeat their phrases, and jieba is the slow part of tokenising."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading through the root logger
    return tuple(jieba.lcut(run))


def title_tokens(title: str | None) -> list[str]:
    """Distinct terms of a title in order: jieba words of Chinese runs (2+ characters), lowercased
    words of other scripts (2+ letters), without function words."""
    if not title:
        return []
    words: list[str] = []
    position = 0
    for match in _CJK_RUN.finditer(title):
        words.extend(w.lower() for w in _LATIN_WORD.findall(title[position:match.start()]))
        words.extend(_jieba_words(match.group()))
        position = match.end()
    words.extend(w.lower() for w in _LATIN_WORD.findall(title[position:]))
    seen: dict[str, None] = {}
    for word in words:
        if len(word) >= 2 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def hashtag_tokens(hashtags: str | None) -> list[str]:
    """Distinct hashtags, lowercased, with their '#'."""
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(hashtags or "") if len(tag) > 1))


# video_terms' columns with the SQL types the dbt Python models that tokenise in the engine cast them to.
VIDEO_TERM_COLUMN_TYPES = {"video_id": "bigint", "term": "varchar", "term_type": "varchar"}


def video_terms(videos: pd.DataFrame) -> pd.DataFrame:
    """One row per video x term: (video_id, term, term_type) with term_type 'title_term' or 'hashtag'."""
    rows = [(v, t, "title_term") for v, title in zip(videos["video_id"], videos["title"], strict=True)
            for t in title_tokens(title)]
    rows += [(v, t, "hashtag") for v, tags in zip(videos["video_id"], videos["hashtags"], strict=True)
             for t in hashtag_tokens(tags)]
    return pd.DataFrame(rows, columns=["video_id", "term", "term_type"]).drop_duplicates(["video_id", "term"])


def prior_variance(raw: np.ndarray, se: np.ndarray) -> float:
    """Method-of-moments tau^2 of a N(0, tau^2) prior: max(0, mean(raw^2 - se^2))."""
    raw, se = np.asarray(raw, dtype=float), np.asarray(se, dtype=float)
    return max(0.0, float(np.mean(raw**2 - se**2))) if len(raw) else 0.0


def shrink_normal(raw: np.ndarray, se: np.ndarray, tau2: float | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Normal-normal empirical Bayes with prior N(0, tau^2): returns posterior means, posterior sds and
    tau. tau^2 by `prior_variance` unless given."""
    raw, se = np.asarray(raw, dtype=float), np.asarray(se, dtype=float)
    if len(raw) == 0:
        return raw, se, 0.0
    if tau2 is None:
        tau2 = prior_variance(raw, se)
    weight = tau2 / (tau2 + se**2) if tau2 > 0 else np.zeros_like(raw)
    return weight * raw, np.sqrt(weight) * se, float(np.sqrt(tau2))


def _creator_adjusted(values: pd.Series, creators: pd.Series, prior: float) -> pd.Series:
    """value minus the creator's level: the mean of the creator's other videos, with `prior` videos' worth
    of the overall mean mixed in (a creator with one video is compared with everyone)."""
    overall = values.mean()
    total = values.groupby(creators).transform("sum")
    count = values.groupby(creators).transform("size")
    level = (total - values + prior * overall) / (count - 1 + prior) if prior > 0 else \
        (total - values) / (count - 1).where(count > 1)
    return values - level.fillna(overall)


def _video_outcomes(videos: pd.DataFrame, config: TermConfig) -> pd.DataFrame:
    eligible = (videos["views"] >= config.min_views) & (videos["duration_seconds"] > 0)
    frame = videos.loc[eligible, ["video_id", "creator_id", "category", "duration_seconds", "views", "likes",
                                  "first_pass_seconds", "scored_comments", "positive_comments",
                                  "negative_comments"]].copy()
    watched = frame["first_pass_seconds"].astype(float) / (frame["views"].astype(float) * frame["duration_seconds"])
    watched = watched.clip(0.005, 0.995)  # a video nobody got past its first second, or everyone finished
    frame["engagement"] = _creator_adjusted(np.log(watched / (1 - watched)), frame["creator_id"],
                                            config.creator_prior_videos)
    scored = frame["scored_comments"].astype(float)
    has_comments = scored >= config.min_comments
    net = (frame["positive_comments"] - frame["negative_comments"]).astype(float) / scored.where(has_comments)
    frame["sentiment"] = np.nan
    frame.loc[has_comments, "sentiment"] = _creator_adjusted(net[has_comments], frame.loc[has_comments, "creator_id"],
                                                             config.creator_prior_videos)
    return frame


def _lift_table(outcomes: pd.DataFrame, incidence: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per (category, term): raw difference of means of `column`, with and without the term, and its se
    under the category's pooled variance (videos with a value only)."""
    valid = outcomes.loc[outcomes[column].notna(), ["video_id", "category", column]]
    stats_by_cat = valid.groupby("category")[column].agg(n="size", total="sum", var="var")
    joined = incidence.merge(valid, on=["video_id", "category"])
    by_term = joined.groupby(["category", "term"])[column].agg(n_with="size", sum_with="sum").reset_index()
    by_term = by_term.merge(stats_by_cat, left_on="category", right_index=True)
    n_without = by_term["n"] - by_term["n_with"]
    mean_with = by_term["sum_with"] / by_term["n_with"]
    mean_without = (by_term["total"] - by_term["sum_with"]) / n_without.where(n_without > 0)
    by_term["raw"] = mean_with - mean_without
    by_term["se"] = np.sqrt(by_term["var"] * (1 / by_term["n_with"] + 1 / n_without.where(n_without > 0)))
    by_term["n_without"] = n_without
    return by_term[["category", "term", "n_with", "n_without", "raw", "se"]]


def category_term_effects(videos: pd.DataFrame, config: TermConfig = TermConfig(),
                          terms: pd.DataFrame | None = None) -> pd.DataFrame:
    """The term table: per category, every title term and hashtag on at least `min_videos` eligible videos
    (and missing from as many), with additive counts, raw and shrunk engagement and sentiment lifts
    (logit of watch-through; net sentiment share) and intervals, ranked by shrunk engagement lift.
    `terms`: the videos' `video_terms`, when tokenised elsewhere (per video, e.g. in Spark executors)."""
    missing = set(VIDEO_COLUMNS) - set(videos.columns)
    if missing:
        raise ValueError(f"videos frame lacks columns {sorted(missing)}")
    outcomes = _video_outcomes(videos, config)
    if terms is None:
        terms = video_terms(videos.loc[videos["video_id"].isin(outcomes["video_id"])])
    else:
        terms = terms.loc[terms["video_id"].isin(outcomes["video_id"]), ["video_id", "term", "term_type"]]
    outcomes["view_seconds"] = outcomes["views"] * outcomes["duration_seconds"]
    additive = ["views", "first_pass_seconds", "view_seconds"]
    incidence = terms.merge(outcomes[["video_id", "category", *additive]], on="video_id")
    if incidence.empty:
        return pd.DataFrame(columns=TERM_COLUMNS)
    counts = incidence.groupby(["category", "term", "term_type"])[additive].sum().add_suffix("_with").reset_index()
    totals = outcomes.groupby("category")[additive].sum()
    for name in additive:
        counts[f"{name}_without"] = counts["category"].map(totals[name]) - counts[f"{name}_with"]

    engagement = _lift_table(outcomes, incidence, "engagement")
    table = counts.merge(engagement, on=["category", "term"])
    table = table[(table["n_with"] >= config.min_videos) & (table["n_without"] >= config.min_videos)
                  & table["se"].notna()].copy()
    sentiment = _lift_table(outcomes, incidence, "sentiment").rename(
        columns={"n_with": "sentiment_videos_with", "raw": "raw_sentiment_lift", "se": "sentiment_se"})
    table = table.merge(sentiment.drop(columns="n_without"), on=["category", "term"], how="left")

    z = stats.norm.ppf(0.5 + config.level / 2)
    overall_tau2 = prior_variance(table["raw"].to_numpy(), table["se"].to_numpy())
    parts = []
    for _, part in table.groupby("category", sort=True):
        part = part.copy()
        tau2 = prior_variance(part["raw"].to_numpy(), part["se"].to_numpy()) or overall_tau2
        mean, sd, tau = shrink_normal(part["raw"].to_numpy(), part["se"].to_numpy(), tau2)
        part["engagement_lift"], part["prior_sd"] = mean, tau
        part["engagement_lift_lower"], part["engagement_lift_upper"] = mean - z * sd, mean + z * sd
        ok = part["sentiment_se"].notna() & (part["sentiment_videos_with"] >= config.min_videos)
        part["sentiment_lift"] = part["sentiment_lift_lower"] = part["sentiment_lift_upper"] = np.nan
        if ok.any():
            s_mean, s_sd, _ = shrink_normal(part.loc[ok, "raw_sentiment_lift"].to_numpy(),
                                            part.loc[ok, "sentiment_se"].to_numpy())
            part.loc[ok, "sentiment_lift"] = s_mean
            part.loc[ok, "sentiment_lift_lower"] = s_mean - z * s_sd
            part.loc[ok, "sentiment_lift_upper"] = s_mean + z * s_sd
        part["z"] = part["raw"] / part["se"]  # breaks ties when everything is shrunk to 0
        part = part.sort_values(["engagement_lift", "z", "term"], ascending=[False, False, True], kind="stable")
        part["rank_in_category"] = np.arange(1, len(part) + 1)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=TERM_COLUMNS)
    out = pd.concat(parts, ignore_index=True).rename(columns={
        "n_with": "videos_with", "n_without": "videos_without", "raw": "raw_engagement_lift",
        "se": "engagement_lift_se"})
    out["sentiment_videos_with"] = out["sentiment_videos_with"].fillna(0).astype(np.int64)
    return out[TERM_COLUMNS]


def term_cooccurrence(videos: pd.DataFrame, config: TermConfig = TermConfig()) -> pd.DataFrame:
    """Pairs of terms (title terms and hashtags together) on the same videos of a category, seen on at
    least `min_pair_videos` videos, with the lift n_ab * N / (n_a * n_b) (1 = independent)."""
    terms = video_terms(videos).merge(videos[["video_id", "category"]], on="video_id")
    parts = []
    for category, part in terms.groupby("category", sort=True):
        vocab, term_index = np.unique(part["term"].to_numpy(dtype=str), return_inverse=True)
        video_codes, video_index = np.unique(part["video_id"].to_numpy(), return_inverse=True)
        incidence = sparse.csr_matrix((np.ones(len(part)), (video_index, term_index)),
                                      shape=(len(video_codes), len(vocab)))
        n_videos = int((videos["category"] == category).sum())
        term_videos = np.asarray(incidence.sum(axis=0)).ravel()
        keep = np.flatnonzero(term_videos >= config.min_pair_videos)
        both = (incidence[:, keep].T @ incidence[:, keep]).tocoo()
        upper = (both.row < both.col) & (both.data >= config.min_pair_videos)
        a, b, n_ab = keep[both.row[upper]], keep[both.col[upper]], both.data[upper]
        parts.append(pd.DataFrame({
            "category": category, "term_a": vocab[a], "term_b": vocab[b], "videos_both": n_ab.astype(np.int64),
            "videos_a": term_videos[a].astype(np.int64), "videos_b": term_videos[b].astype(np.int64),
            "category_videos": n_videos, "cooccurrence_lift": n_ab * n_videos / (term_videos[a] * term_videos[b]),
        }))
    if not parts:
        return pd.DataFrame(columns=COOCCURRENCE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["category", "videos_both", "term_a", "term_b"], ascending=[True, False, True, True],
                           ignore_index=True)[COOCCURRENCE_COLUMNS]


def score_planted_terms(table: pd.DataFrame, planted: list[dict], order: str = "rank_in_category") -> dict:
    """Recovery of planted terms (the simulator's truth items: category, surfaces, true_quality_lift) from a
    term table ordered by `order` (ascending: 1 = best). Per category, k = the lifted surfaces the table holds;
    precision@k = lifted surfaces among each category's top k, pooled; controls_in_top_k counts planted
    zero-lift surfaces there (false positives by design). Surfaces absent from the table count as missed
    in `recall_all` (top k over every lifted surface)."""
    hits = k_total = controls = 0
    for category, part in table.groupby("category"):
        items = [i for i in planted if i["category"] == category]
        lifted = {s for i in items if i["true_quality_lift"] > 0 for s in i["surfaces"]}
        control = {s for i in items if i["true_quality_lift"] == 0 for s in i["surfaces"]}
        present = lifted & set(part["term"])
        top = set(part.sort_values([order, "term"], kind="stable")["term"].head(len(present)))
        hits += len(top & present)
        controls += len(top & control)
        k_total += len(present)
    lifted_total = sum(len(i["surfaces"]) for i in planted if i["true_quality_lift"] > 0)
    return {"k_total": k_total, "hits": hits, "precision_at_k": hits / k_total if k_total else float("nan"),
            "controls_in_top_k": controls, "lifted_surfaces": lifted_total,
            "recall_all": hits / lifted_total if lifted_total else float("nan")}
