"""Ranked list queries, one implementation for the videos and creators list pages: an entity's daily mart
summed over a date range, joined to its dimension, filtered by category and minimum views, ordered by an
additive part or a ratio from the metric definitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webreport import metrics
from webreport.db import fetch_all

RATIO_KEYS = ("completion_rate", "engagement_rate")
PARTS = ("views", "watch_seconds", "completed_views", "likes", "comments", "shares", "follows")


@dataclass(frozen=True)
class Ranking:
    """What is ranked. Every SQL fragment here is fixed in code, never taken from a request."""

    daily_mart: str  # grain: day x entity, with the additive PARTS
    key: str  # the entity id column of the mart and the dimension
    dimension_sql: str  # a select of the entity's key and descriptive columns
    category_column: str  # the dimension column the category filter applies to
    sort_keys: tuple[str, ...]


VIDEOS = Ranking(
    daily_mart="fct_video_daily", key="video_id",
    dimension_sql="select videos.video_id, videos.title, videos.category, creators.handle as creator_handle, "
                  "videos.creator_id from dim_videos as videos "
                  "left join dim_creators as creators on videos.creator_id = creators.creator_id",
    category_column="category",
    sort_keys=("watch_seconds", "views", "completion_rate", "engagement_rate", "likes", "shares"),
)
CREATORS = Ranking(
    daily_mart="fct_creator_daily", key="creator_id",
    dimension_sql="select creator_id, handle, primary_category, is_verified from dim_creators",
    category_column="primary_category",
    sort_keys=("watch_seconds", "views", "completion_rate", "engagement_rate", "follows"),
)


def _order_by(ranking: Ranking, sort: str, descending: bool) -> str:
    if sort not in ranking.sort_keys:
        raise ValueError(f"unknown sort key {sort!r}")
    expression = metrics.get(sort).sql() if sort in RATIO_KEYS else sort
    return f"{expression} {'desc' if descending else 'asc'} nulls last, {ranking.key}"


def top(ranking: Ranking, start: date, end: date, category: str | None, sort: str, descending: bool, limit: int,
        min_views: int) -> list[dict]:
    """The entity's descriptive columns, then its parts summed over [start, end] (views and counts as bigint)."""
    sums = ", ".join(f"sum({part}) as {part}" for part in PARTS)
    parts = ", ".join(f"daily.{part}" if part == "watch_seconds" else f"cast(daily.{part} as bigint) as {part}"
                      for part in PARTS)
    return fetch_all(
        f"""
        with daily as (
            select {ranking.key}, {sums}
            from {ranking.daily_mart}
            where date_day between ? and ?
            group by {ranking.key}
        ),
        entities as (
            {ranking.dimension_sql}
        ),
        ranked as (
            select entities.*, {parts}
            from daily
            inner join entities on daily.{ranking.key} = entities.{ranking.key}
            where (cast(? as varchar) is null or entities.{ranking.category_column} = ?) and daily.views >= ?
        )
        select * from ranked
        order by {_order_by(ranking, sort, descending)}
        limit ?
        """,
        [start, end, category, category, min_views, limit],
    )
