"""Creator studio queries (issue 17): traffic sources, new vs returning viewers, follower growth, hooks.

Counts come additive from the marts; shares are computed here, at query time."""

from __future__ import annotations

from datetime import date

from webreport.db import fetch_all

# display names of the traffic sources (warehouse/macros/creator_audience.sql is the list's home)
SOURCE_LABELS = {"for_you": "For You", "following": "Following", "search": "Search", "profile": "Profile",
                 "share": "Shares", "other": "Other", "unknown": "Unknown"}


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


def video_hook(video_id: int, min_peers: int) -> dict | None:
    """The first seconds of a video against the best videos of its category (rpt_video_hooks, computed at build
    time): retention per second up to the hook second for the video, the category's median and the mean of its
    best share (peer-eligible videos ranked by retention at the hook second), and the video's percent rank
    there. With fewer than `min_peers` peer-eligible videos besides this one nothing is compared
    (`too_few_peers`)."""
    rows = fetch_all(
        "select second_index, retention, category_median, category_best, category_videos, best_videos, "
        "hook_rank as video_hook_rank, hook_second, best_share from rpt_video_hooks where video_id = ? "
        "order by second_index",
        [video_id],
    )
    if not rows or rows[-1]["second_index"] < rows[-1]["hook_second"]:
        return None
    hook_second, best_share = rows[-1]["hook_second"], rows[-1]["best_share"]
    rows = [{k: v for k, v in row.items() if k not in ("hook_second", "best_share")} for row in rows]
    last = rows[-1]
    peers = last["category_videos"] - (last["video_hook_rank"] is not None)  # the others: not the video itself
    too_few = peers < min_peers
    if too_few:  # a median of two videos is no benchmark: say so rather than compare
        rows = [{**row, "category_median": None, "category_best": None} for row in rows]
    return {"seconds": rows, "hook_second": hook_second, "retention": last["retention"],
            "category_median": None if too_few else last["category_median"],
            "category_best": None if too_few else last["category_best"],
            "category_videos": last["category_videos"], "best_videos": last["best_videos"],
            "hook_rank": None if too_few else last["video_hook_rank"], "best_share": best_share,
            "peer_videos": peers, "too_few_peers": too_few, "min_peers": min_peers}


def creator_hooks(creator_id: int, limit: int, min_peers: int) -> list[dict]:
    """The creator's most viewed videos with their retention at the hook second against the mean of their
    category's best (rpt_video_hooks; the hook table of the creator page); no benchmark for a video with fewer
    than `min_peers` other peer-eligible videos in its category (as video_hook)."""
    return fetch_all(
        """
        select hooks.video_id, videos.title, hooks.category, retention.views, hooks.retention as hook_retention,
               case when hooks.category_videos - (hooks.hook_rank is not null)::int >= ?
                    then hooks.category_best end as best_hook_retention,
               retention.relative_retention_percentile
        from rpt_video_hooks as hooks
        inner join fct_video_retention as retention on retention.video_id = hooks.video_id
        inner join dim_videos as videos on videos.video_id = hooks.video_id
        where hooks.creator_id = ? and hooks.second_index = hooks.hook_second
        order by retention.views desc, hooks.video_id
        limit ?
        """,
        [min_peers, creator_id, limit],
    )
