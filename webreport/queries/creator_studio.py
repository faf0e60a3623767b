"""Creator studio queries (issue 17): traffic sources, new vs returning viewers, follower growth, hooks.

Counts come additive from the marts; shares are computed here, at query time."""

from __future__ import annotations

from datetime import date

from webreport.db import fetch_all

# display names of the traffic sources (warehouse/macros/creator_audience.sql is the list's home)
SOURCE_LABELS = {"for_you": "For You", "following": "Following", "search": "Search", "profile": "Profile",
                 "share": "Shares", "other": "Other", "unknown": "Unknown"}
HOOK_SECOND = 3
BEST_SHARE = 0.1  # "the best videos of the category": the top 10% by retention at HOOK_SECOND


def _with_shares(rows: list[dict]) -> list[dict]:
    total = sum(row["views"] for row in rows)
    for row in rows:
        row["source"] = SOURCE_LABELS.get(row["traffic_source"], row["traffic_source"])
        row["view_share"] = row["views"] / total if total else None
    return rows


def video_traffic(video_id: int, start: date, end: date) -> list[dict]:
    """Views of one video per traffic source over the date range, largest first, with each source's share."""
    return _with_shares(fetch_all(
        "select traffic_source, sum(views) as views, sum(watch_seconds) as watch_seconds, "
        "sum(completed_views) as completed_views, sum(follows) as follows from fct_video_traffic_daily "
        "where video_id = ? and event_date between ? and ? group by traffic_source order by views desc, traffic_source",
        [video_id, start, end],
    ))


def creator_traffic(creator_id: int, start: date, end: date) -> list[dict]:
    """Views of a creator's videos per traffic source over the date range, with shares."""
    return _with_shares(fetch_all(
        "select traffic_source, sum(views) as views, sum(watch_seconds) as watch_seconds, "
        "sum(completed_views) as completed_views, sum(follows) as follows from fct_creator_traffic_daily "
        "where creator_id = ? and event_date between ? and ? group by traffic_source "
        "order by views desc, traffic_source",
        [creator_id, start, end],
    ))


def creator_traffic_daily(creator_id: int, start: date, end: date) -> list[dict]:
    """One row per day with a views column per traffic source (0 when none), for the stacked chart."""
    rows = fetch_all(
        "select event_date, traffic_source, views from fct_creator_traffic_daily "
        "where creator_id = ? and event_date between ? and ? order by event_date",
        [creator_id, start, end],
    )
    sources = sorted({r["traffic_source"] for r in rows}, key=list(SOURCE_LABELS).index)
    days: dict[date, dict] = {}
    for r in rows:
        day = days.setdefault(r["event_date"], {"event_date": r["event_date"], **{s: 0 for s in sources}})
        day[r["traffic_source"]] = r["views"]
    return list(days.values())


def creator_audience(creator_id: int, start: date, end: date) -> list[dict]:
    """New vs returning viewers and follower growth per day (followers_to_date counts from the first export)."""
    return fetch_all(
        "select event_date, viewers, new_viewers, returning_viewers, views, views_by_new_viewers, "
        "views_by_returning_viewers, new_followers, followers_to_date from fct_creator_audience_daily "
        "where creator_id = ? and event_date between ? and ? order by event_date",
        [creator_id, start, end],
    )


# retention at HOOK_SECOND of every peer-eligible video (at least min_views views), ranked in its category;
# "best" = the top BEST_SHARE of the category, at least one video
_HOOKS = f"""
    hooks as (
        select r.video_id, r.creator_id, r.category, r.views, r.relative_retention_percentile, r.is_peer_eligible,
               c.retention as hook_retention
        from fct_video_retention as r
        inner join fct_video_retention_curve as c on c.video_id = r.video_id and c.second_index = {HOOK_SECOND}
    ),
    ranked as (
        select video_id, category, hook_retention,
               row_number() over (partition by category order by hook_retention desc, video_id) as place,
               count(*) over (partition by category) as category_videos,
               percent_rank() over (partition by category order by hook_retention) as hook_rank
        from hooks where is_peer_eligible
    ),
    best as (
        select video_id, category from ranked where place <= greatest(1, ceil({BEST_SHARE} * category_videos))
    )"""


def video_hook(video_id: int, min_peers: int) -> dict | None:
    """The first seconds of a video against the best videos of its category: retention per second up to
    HOOK_SECOND for the video, the category's median and the mean of its top BEST_SHARE (peer-eligible
    videos ranked by retention at HOOK_SECOND), and the video's percent rank there. With fewer than
    `min_peers` peer-eligible videos besides this one nothing is compared (`too_few_peers`)."""
    rows = fetch_all(
        f"""
        with {_HOOKS},
        category as (
            select category from fct_video_retention where video_id = ?
        ),
        curves as (
            select c.second_index, c.video_id, c.retention, best.video_id is not null as is_best
            from fct_video_retention_curve as c
            inner join ranked on ranked.video_id = c.video_id
            left join best on best.video_id = c.video_id
            where ranked.category = (select category from category) and c.second_index <= {HOOK_SECOND}
        ),
        own as (
            select second_index, retention from fct_video_retention_curve
            where video_id = ? and second_index <= {HOOK_SECOND}
        )
        select
            own.second_index,
            own.retention,
            median(curves.retention) as category_median,
            avg(curves.retention) filter (where curves.is_best) as category_best,
            count(distinct curves.video_id) as category_videos,
            count(distinct curves.video_id) filter (where curves.is_best) as best_videos,
            (select hook_rank from ranked where video_id = ?) as video_hook_rank
        from own
        left join curves on curves.second_index = own.second_index
        group by own.second_index, own.retention
        order by own.second_index
        """,
        [video_id, video_id, video_id],
    )
    if not rows or rows[-1]["second_index"] < HOOK_SECOND:
        return None
    last = rows[-1]
    peers = last["category_videos"] - (last["video_hook_rank"] is not None)  # the others: not the video itself
    too_few = peers < min_peers
    if too_few:  # a median of two videos is no benchmark: say so rather than compare
        rows = [{**row, "category_median": None, "category_best": None} for row in rows]
    return {"seconds": rows, "hook_second": HOOK_SECOND, "retention": last["retention"],
            "category_median": None if too_few else last["category_median"],
            "category_best": None if too_few else last["category_best"],
            "category_videos": last["category_videos"], "best_videos": last["best_videos"],
            "hook_rank": None if too_few else last["video_hook_rank"], "best_share": BEST_SHARE,
            "peer_videos": peers, "too_few_peers": too_few, "min_peers": min_peers}


def creator_hooks(creator_id: int, limit: int, min_peers: int) -> list[dict]:
    """The creator's most viewed videos with their retention at HOOK_SECOND against the mean of their
    category's top BEST_SHARE (the hook table of the creator page); no benchmark for a video with fewer
    than `min_peers` other peer-eligible videos in its category (as video_hook)."""
    return fetch_all(
        f"""
        with {_HOOKS},
        best_by_category as (
            select hooks.category, avg(hooks.hook_retention) as best_hook_retention
            from best inner join hooks on hooks.video_id = best.video_id
            group by hooks.category
        ),
        ranked_by_category as (
            select category, count(*) as ranked_videos from ranked group by category
        )
        select hooks.video_id, videos.title, hooks.category, hooks.views, hooks.hook_retention,
               case when coalesce(ranked_by_category.ranked_videos, 0)
                         - (hooks.video_id in (select video_id from ranked))::int >= ?
                    then best_by_category.best_hook_retention end as best_hook_retention,
               hooks.relative_retention_percentile
        from hooks
        inner join dim_videos as videos on videos.video_id = hooks.video_id
        left join best_by_category on best_by_category.category = hooks.category
        left join ranked_by_category on ranked_by_category.category = hooks.category
        where hooks.creator_id = ?
        order by hooks.views desc, hooks.video_id
        limit ?
        """,
        [min_peers, creator_id, limit],
    )
