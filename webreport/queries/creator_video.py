"""Creator studio video queries (issue 17): a video's shots, keyframes and edit suggestions."""

from __future__ import annotations

from webreport.db import fetch_all, fetch_one


def video_shots(video_id: int) -> list[dict]:
    return fetch_all(
        "select shot_index, start_seconds, end_seconds, boundary_kind, brightness, motion, shot_stay_share, "
        "is_thumbnail from fct_video_shots where video_id = ? order by shot_index",
        [video_id],
    )


def shot_keyframe(video_id: int, shot_index: int) -> bytes | None:
    row = fetch_one("select keyframe_jpeg from fct_video_shots where video_id = ? and shot_index = ?",
                    [video_id, shot_index])
    return bytes(row["keyframe_jpeg"]) if row and row["keyframe_jpeg"] is not None else None


def video_edit_suggestions(video_id: int) -> list[dict]:
    return fetch_all(
        "select shot_index, start_seconds, end_seconds, dips, strongest_dip_second, viewers_at_shot_start, "
        "exits_in_shot, min_q_value, peer_videos, leave_share, typical_leave_share, suggestion "
        "from fct_video_edit_suggestions "
        "where video_id = ? order by exits_in_shot * 1.0 / nullif(viewers_at_shot_start, 0) desc, shot_index",
        [video_id],
    )

