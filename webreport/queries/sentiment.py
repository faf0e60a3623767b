"""Sentiment queries: the daily trend, roll-ups by category / creator / campaign, ranked videos,
sample comments and the model's evaluation.

Every query sums the additive parts of the sentiment marts (comments, positive / neutral / negative
comments, sentiment_score_sum); shares and the mean score are computed from those sums by the
metric definitions (webreport.metrics), never averaged from stored ratios.
"""

from __future__ import annotations

from datetime import date

from webreport import metrics
from webreport.db import fetch_all, fetch_one

MODEL_NAME = "comment_sentiment"
LABELS = ("negative", "neutral", "positive")
COMMENTED_ON = ("video", "ad")
RATIO_KEYS = ("positive_share", "negative_share", "mean_sentiment")
SORT_KEYS = ("comments", *RATIO_KEYS)
PARTS_SQL = """
    cast(sum(comments) as bigint) as comments,
    cast(sum(positive_comments) as bigint) as positive_comments,
    cast(sum(neutral_comments) as bigint) as neutral_comments,
    cast(sum(negative_comments) as bigint) as negative_comments,
    sum(sentiment_score_sum) as sentiment_score_sum"""


def _ratio_sql(name: str, agg: str | None = "sum") -> str:
    """The metric over (summed) parts, e.g. for ORDER BY (same definition as the Python side)."""
    return metrics.get(name).sql(agg=agg)


def _order_by(sort: str, descending: bool, tie_break: str) -> str:
    """ORDER BY over rows that already hold summed parts."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    expression = _ratio_sql(sort, agg=None) if sort in RATIO_KEYS else "comments"
    return f"{expression} {'desc' if descending else 'asc'} nulls last, {tie_break}"


def daily(start: date, end: date, commented_on: str | None) -> list[dict]:
    return fetch_all(
        f"""
        select date_day, {PARTS_SQL}
        from fct_sentiment_daily
        where date_day between ? and ? and (cast(? as varchar) is null or commented_on = ?)
        group by date_day
        order by date_day
        """,
        [start, end, commented_on, commented_on],
    )


def totals(start: date, end: date, commented_on: str | None) -> dict:
    row = fetch_one(
        f"""
        select {PARTS_SQL}
        from fct_sentiment_daily
        where date_day between ? and ? and (cast(? as varchar) is null or commented_on = ?)
        """,
        [start, end, commented_on, commented_on],
    )
    return row or {}


def by_category(start: date, end: date) -> list[dict]:
    return fetch_all(
        f"""
        select coalesce(category, '(unknown)') as category, cast(count(distinct video_id) as bigint) as videos,
               {PARTS_SQL}
        from fct_video_sentiment_daily
        where date_day between ? and ?
        group by coalesce(category, '(unknown)')
        order by {_ratio_sql('mean_sentiment')} desc nulls last, category
        """,
        [start, end],
    )


def category_daily(start: date, end: date) -> list[dict]:
    return fetch_all(
        f"""
        select date_day, coalesce(category, '(unknown)') as category, {PARTS_SQL}
        from fct_video_sentiment_daily
        where date_day between ? and ?
        group by date_day, coalesce(category, '(unknown)')
        order by date_day, category
        """,
        [start, end],
    )


def by_creator(start: date, end: date, category: str | None, min_comments: int, sort: str, descending: bool,
               limit: int) -> list[dict]:
    return fetch_all(
        f"""
        with daily as (
            select creator_id, {PARTS_SQL}
            from fct_creator_sentiment_daily
            where date_day between ? and ?
            group by creator_id
            having sum(comments) >= ?
        ),
        final as (
            select creators.creator_id, creators.handle, creators.primary_category, daily.comments,
                   daily.positive_comments, daily.neutral_comments, daily.negative_comments, daily.sentiment_score_sum
            from daily
            inner join dim_creators as creators on daily.creator_id = creators.creator_id
            where cast(? as varchar) is null or creators.primary_category = ?
        )
        select * from final
        order by {_order_by(sort, descending, 'creator_id')}
        limit ?
        """,
        [start, end, min_comments, category, category, limit],
    )


def by_campaign(start: date, end: date) -> list[dict]:
    return fetch_all(
        f"""
        with daily as (
            select campaign_id, {PARTS_SQL}
            from fct_campaign_sentiment_daily
            where date_day between ? and ?
            group by campaign_id
        ),
        campaigns as (
            select distinct campaign_id, campaign_name, advertiser_name from dim_campaign_ads
        ),
        final as (
            select daily.campaign_id, campaigns.campaign_name, campaigns.advertiser_name, daily.comments,
                   daily.positive_comments, daily.neutral_comments, daily.negative_comments, daily.sentiment_score_sum
            from daily
            left join campaigns on daily.campaign_id = campaigns.campaign_id
        )
        select * from final
        order by comments desc, campaign_id nulls last
        """,
        [start, end],
    )


def ranked_videos(start: date, end: date, category: str | None, min_comments: int, most_positive: bool,
                  limit: int) -> list[dict]:
    """Videos with at least `min_comments` comments in the range, by mean sentiment (best or worst first)."""
    direction = "desc" if most_positive else "asc"
    return fetch_all(
        f"""
        with daily as (
            select video_id, {PARTS_SQL}
            from fct_video_sentiment_daily
            where date_day between ? and ?
            group by video_id
            having sum(comments) >= ?
        ),
        final as (
            select videos.video_id, videos.title, videos.category, creators.handle, daily.comments,
                   daily.positive_comments, daily.neutral_comments, daily.negative_comments, daily.sentiment_score_sum
            from daily
            inner join dim_videos as videos on daily.video_id = videos.video_id
            left join dim_creators as creators on videos.creator_id = creators.creator_id
            where cast(? as varchar) is null or videos.category = ?
        )
        select * from final
        order by {_ratio_sql('mean_sentiment', agg=None)} {direction} nulls last,
                 {_ratio_sql('positive_share' if most_positive else 'negative_share', agg=None)} desc nulls last,
                 comments desc, video_id
        limit ?
        """,
        [start, end, min_comments, category, category, limit],
    )


def sample_comments(start: date, end: date, label: str | None, category: str | None, video_id: int | None,
                    limit: int) -> list[dict]:
    """A deterministic sample (ordered by a hash of the id, not by time) of scored comments with their text."""
    return fetch_all(
        """
        select scores.comment_id, scores.comment_date, scores.video_id, videos.title, videos.category, scores.ad_id,
               comments.comment_text, scores.sentiment_label, scores.p_negative, scores.p_neutral, scores.p_positive,
               scores.sentiment_score, scores.top_terms, scores.model_version
        from fct_comment_sentiment as scores
        inner join fct_comments as comments on scores.comment_id = comments.comment_id
        left join dim_videos as videos on scores.video_id = videos.video_id
        where scores.comment_date between ? and ?
          and (cast(? as varchar) is null or scores.sentiment_label = ?)
          and (cast(? as varchar) is null or videos.category = ?)
          and (cast(? as bigint) is null or scores.video_id = ?)
        order by hash(scores.comment_id), scores.comment_id
        limit ?
        """,
        [start, end, label, label, category, category, video_id, video_id, limit],
    )


def video(video_id: int) -> dict | None:
    return fetch_one("select video_id, title, category, creator_id from dim_videos where video_id = ?", [video_id])


def model_versions() -> list[dict]:
    """Versions that scored the comments (several after an incremental run with a new model)."""
    return fetch_all(
        "select model_version, count(*) as comments, min(comment_date) as first_day, max(comment_date) as last_day "
        "from fct_comment_sentiment group by model_version order by last_day desc, model_version"
    )


def evaluated_versions() -> list[str]:
    return [row["model_version"] for row in fetch_all(
        "select model_version, max(evaluated_at) as evaluated_at from fct_model_evaluations where model_name = ? "
        "group by model_version order by evaluated_at desc, model_version", [MODEL_NAME])]


def evaluation(model_version: str) -> list[dict]:
    return fetch_all(
        "select metric, value, evaluated_at, details from fct_model_evaluations "
        "where model_name = ? and model_version = ? order by metric",
        [MODEL_NAME, model_version],
    )
