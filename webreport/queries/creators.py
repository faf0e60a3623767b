"""Creator queries: one creator's daily performance and videos (the ranked list: queries/ranked.py)."""

from __future__ import annotations

from datetime import date

from webreport.db import fetch_all, fetch_one


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
