"""Creator queries: ranked creators over a date range, one creator's daily performance and videos."""

from __future__ import annotations

from datetime import date

from webreport import metrics
from webreport.db import fetch_all, fetch_one

SORT_KEYS = ("watch_seconds", "views", "completion_rate", "engagement_rate", "follows")
RATIO_KEYS = ("completion_rate", "engagement_rate")


def _order_by(sort: str, descending: bool) -> str:
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    expression = metrics.get(sort).sql() if sort in RATIO_KEYS else sort
    return f"{expression} {'desc' if descending else 'asc'} nulls last, creator_id"


def top_creators(start: date, end: date, category: str | None, sort: str, descending: bool, limit: int,
                 min_views: int) -> list[dict]:
    return fetch_all(
        f"""
        with daily as (
            select creator_id, sum(views) as views, sum(watch_seconds) as watch_seconds,
                   sum(completed_views) as completed_views, sum(likes) as likes, sum(comments) as comments,
                   sum(shares) as shares, sum(follows) as follows
            from fct_creator_daily
            where date_day between ? and ?
            group by creator_id
        ),
        ranked as (
            select creators.creator_id, creators.handle, creators.primary_category, creators.is_verified,
                   cast(daily.views as bigint) as views, daily.watch_seconds,
                   cast(daily.completed_views as bigint) as completed_views, cast(daily.likes as bigint) as likes,
                   cast(daily.comments as bigint) as comments, cast(daily.shares as bigint) as shares,
                   cast(daily.follows as bigint) as follows
            from daily
            inner join dim_creators as creators on daily.creator_id = creators.creator_id
            where (cast(? as varchar) is null or creators.primary_category = ?) and daily.views >= ?
        )
        select * from ranked
        order by {_order_by(sort, descending)}
        limit ?
        """,
        [start, end, category, category, min_views, limit],
    )


def creator(creator_id: int) -> dict | None:
    return fetch_one("select * from dim_creators where creator_id = ?", [creator_id])


def creator_daily(creator_id: int, start: date, end: date) -> list[dict]:
    return fetch_all(
        "select date_day, videos_watched, viewers, views, watch_seconds, completed_views, likes, comments, "
        "shares, follows from fct_creator_daily where creator_id = ? and date_day between ? and ? order by date_day",
        [creator_id, start, end],
    )


def creator_videos(creator_id: int, start: date, end: date, limit: int) -> list[dict]:
    return fetch_all(
        """
        select videos.video_id, videos.title, videos.category, cast(sum(daily.views) as bigint) as views,
               sum(daily.watch_seconds) as watch_seconds,
               cast(sum(daily.completed_views) as bigint) as completed_views,
               cast(sum(daily.likes) as bigint) as likes, cast(sum(daily.comments) as bigint) as comments,
               cast(sum(daily.shares) as bigint) as shares, cast(sum(daily.follows) as bigint) as follows
        from dim_videos as videos
        inner join fct_video_daily as daily on videos.video_id = daily.video_id
        where videos.creator_id = ? and daily.date_day between ? and ?
        group by videos.video_id, videos.title, videos.category
        order by watch_seconds desc, videos.video_id
        limit ?
        """,
        [creator_id, start, end, limit],
    )
