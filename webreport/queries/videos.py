"""Video queries: ranked videos over a date range, one video's facts, daily series and comments."""

from __future__ import annotations

from datetime import date

from webreport import metrics
from webreport.db import fetch_all, fetch_one

# sort key -> SQL over the aggregated columns of `top_videos` (ratios from the metric definitions)
SORT_KEYS = ("watch_seconds", "views", "completion_rate", "engagement_rate", "likes", "shares")
RATIO_KEYS = ("completion_rate", "engagement_rate")


def _order_by(sort: str, descending: bool) -> str:
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    expression = metrics.get(sort).sql() if sort in RATIO_KEYS else sort
    return f"{expression} {'desc' if descending else 'asc'} nulls last, video_id"


def top_videos(start: date, end: date, category: str | None, sort: str, descending: bool, limit: int,
               min_views: int) -> list[dict]:
    return fetch_all(
        f"""
        with daily as (
            select video_id, sum(views) as views, sum(watch_seconds) as watch_seconds,
                   sum(completed_views) as completed_views, sum(likes) as likes, sum(comments) as comments,
                   sum(shares) as shares, sum(follows) as follows
            from fct_video_daily
            where date_day between ? and ?
            group by video_id
        ),
        ranked as (
            select videos.video_id, videos.title, videos.category, creators.handle as creator_handle,
                   videos.creator_id, cast(daily.views as bigint) as views, daily.watch_seconds,
                   cast(daily.completed_views as bigint) as completed_views, cast(daily.likes as bigint) as likes,
                   cast(daily.comments as bigint) as comments, cast(daily.shares as bigint) as shares,
                   cast(daily.follows as bigint) as follows
            from daily
            inner join dim_videos as videos on daily.video_id = videos.video_id
            left join dim_creators as creators on videos.creator_id = creators.creator_id
            where (cast(? as varchar) is null or videos.category = ?) and daily.views >= ?
        )
        select * from ranked
        order by {_order_by(sort, descending)}
        limit ?
        """,
        [start, end, category, category, min_views, limit],
    )


def video(video_id: int) -> dict | None:
    return fetch_one(
        "select videos.*, creators.handle as creator_handle from dim_videos as videos "
        "left join dim_creators as creators on videos.creator_id = creators.creator_id where videos.video_id = ?",
        [video_id],
    )


def video_daily(video_id: int, start: date, end: date) -> list[dict]:
    return fetch_all(
        "select date_day, views, viewers, watch_seconds, completed_views, likes, comments, shares, follows "
        "from fct_video_daily where video_id = ? and date_day between ? and ? order by date_day",
        [video_id, start, end],
    )


def video_comments(video_id: int, start: date, end: date, limit: int) -> list[dict]:
    """Latest comments on the video; the author is not shown (no single user's data on reports)."""
    return fetch_all(
        "select comment_id, commented_at, comment_text from fct_comments "
        "where video_id = ? and comment_date between ? and ? order by commented_at desc, comment_id limit ?",
        [video_id, start, end, limit],
    )
