"""Video queries: one video's facts, daily series and comments (the ranked list: queries/ranked.py)."""

from __future__ import annotations

from datetime import date

from webreport.db import fetch_all, fetch_one


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


def video_retention(video_id: int) -> dict | None:
    """Lifetime retention summary and relative retention of one video (fct_video_retention)."""
    return fetch_one("select * from fct_video_retention where video_id = ?", [video_id])


def video_retention_curve(video_id: int) -> list[dict]:
    return fetch_all(
        "select second_index, views_at_risk, exits, views_replaying, retention, peer_retention_p25, "
        "peer_retention_median, peer_retention_p75 from fct_video_retention_curve where video_id = ? "
        "order by second_index",
        [video_id],
    )


def video_key_moments(video_id: int) -> list[dict]:
    return fetch_all(
        "select second_index, moment_type, views_at_risk, exits, hazard, baseline_hazard, hazard_ratio, q_value "
        "from fct_video_key_moments where video_id = ? order by second_index, moment_type",
        [video_id],
    )
