"""Videos: top videos over the date range by watch time, completion or engagement (category filter),
and one video's page, which is its creator studio (issue 17): retention, hook, traffic sources, then
the daily series and latest comments."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from webreport import charts, metrics, params, ranked_list, report_settings
from webreport.blueprints import creator_video
from webreport.pages import render_page, url_with
from webreport.queries import common, creator_studio, ranked, videos
from webreport.tables import Column, Table, csv_response

bp = Blueprint("videos", __name__)
NAV = ("Videos", "videos.index")
MARTS = ("fct_video_daily", "dim_videos", "dim_creators", "fct_comments")
RATIOS = ["completion_rate", "engagement_rate"]


def _columns(args: dict) -> list[Column]:
    return [
        Column("video_id", "Video", "text", link=lambda r: url_for("videos.detail", video_id=r["video_id"], **args)),
        Column("title", "Title"),
        Column("category", "Category"),
        Column("creator_handle", "Creator",
               link=lambda r: url_for("creators.detail", creator_id=r["creator_id"], **args)),
        Column("views", "Views", "int", total="sum"),
        *_measures(),
    ]


def _measures() -> list[Column]:
    """The additive measures and ratios both the list and a video's daily table show, after views."""
    return [
        Column("watch_seconds", "Watch hours", "hours", total="sum"),
        Column("completion_rate", "Completion rate", "percent", metric="completion_rate", total="metric"),
        Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate", total="metric"),
        Column("likes", "Likes", "int", total="sum"),
        Column("comments", "Comments", "int", total="sum"),
        Column("shares", "Shares", "int", total="sum"),
    ]


PAGE = ranked_list.RankedPage(
    ranking=ranked.VIDEOS, table_id="videos", template="videos/index.html", marts=MARTS,
    sort_labels={"watch_seconds": "Watch time", "views": "Views", "completion_rate": "Completion rate",
                 "engagement_rate": "Engagement rate", "likes": "Likes", "shares": "Shares"},
    columns=_columns, hidden_parts=("completed_views", "follows"), chart_label="title", chart_title="Top videos",
)


@bp.get("/videos")
def index():
    return ranked_list.index(PAGE)


@bp.get("/api/videos")
def api_index():
    return ranked_list.api_index(PAGE)


def _detail(video_id: str):
    vid = params.parse_id(video_id, "video")
    info = params.found(videos.video(vid), f"No video with id {vid}.")
    date_range = params.date_range(common.platform_date_bounds())
    rows = metrics.add_ratios(videos.video_daily(vid, date_range.start, date_range.end), RATIOS)
    table = Table(
        id="video-daily",
        columns=[
            Column("date_day", "Day", "date"),
            Column("views", "Views", "int", total="sum"),
            Column("viewers", "Viewers", "int", tooltip="Distinct viewers that day (not additive)."),
            *_measures(),
        ],
        rows=rows, row_key="date_day", with_totals=True, hidden_parts=["completed_views", "follows"],
    )
    return info, date_range, table


@bp.get("/videos/<video_id>")
def detail(video_id: str):
    info, date_range, table = _detail(video_id)
    if params.format_arg() == "csv":
        return csv_response(table, f"video-{info['video_id']}-daily.csv")
    comments, (retention, curve, moments), studio = _sections(info["video_id"], date_range)
    series = charts.time_series(table.rows, "date_day", {"views": "Views", "viewers": "Viewers"},
                                title="Views per day")
    rates = charts.time_series(table.rows, "date_day", {"completion_rate": "Completion rate",
                                                        "engagement_rate": "Engagement rate"},
                               title="Completion and engagement rate per day", value_format="percent")
    retention_chart = charts.retention_curve(curve, moments, title="Retention") if curve else None
    edits = creator_video.section(info["video_id"], retention_chart)
    return render_page("videos/detail.html", marts=MARTS + RETENTION_MARTS + STUDIO_MARTS + creator_video.MARTS,
                       date_range=date_range, video=info, table=table, comments=comments, series=series, rates=rates,
                       csv_url=url_with(format="csv"), retention=retention, moments=moments,
                       retention_chart=retention_chart, **studio, **edits)


RETENTION_MARTS = ("fct_video_retention", "fct_video_retention_curve", "fct_video_key_moments")
STUDIO_MARTS = ("fct_video_traffic_daily", "rpt_video_hooks")


def _sections(video_id: int, date_range) -> tuple[list[dict], tuple, dict]:
    """What the page and its API show beside the daily table: latest comments, retention, studio sections."""
    comments = videos.video_comments(video_id, date_range.start, date_range.end, 20)
    return comments, _retention(video_id), _studio(video_id, date_range)


def _studio(video_id: int, date_range) -> dict:
    """Creator studio sections of the video page: the hook against the category's best, traffic sources."""
    traffic = creator_studio.video_traffic(video_id, date_range.start, date_range.end)
    return {"hook": creator_studio.video_hook(video_id, report_settings.get().creator_min_peers), "traffic": traffic,
            "traffic_chart": charts.bar_chart(traffic, "source", "view_share", title="Share of views",
                                              value_format="percent", value_title="Share of views",
                                              category_title="Traffic source") if traffic else None}


def _retention(video_id: int) -> tuple[dict | None, list[dict], list[dict]]:
    """Creator studio (issue 17): lifetime retention, its per-second curve and key moments (all time,
    not the page's date range: the curve needs every viewer)."""
    retention = videos.video_retention(video_id)
    if retention is None:
        return None, [], []
    return retention, videos.video_retention_curve(video_id), videos.video_key_moments(video_id)


@bp.get("/api/videos/<video_id>")
def api_detail(video_id: str):
    info, date_range, table = _detail(video_id)
    comments, (retention, curve, moments), studio = _sections(info["video_id"], date_range)
    return jsonify({**date_range.as_args(), "video": info, "daily": table.rows, "totals": table.totals(),
                    "comments": comments, "retention": retention, "retention_curve": curve, "key_moments": moments,
                    "hook": studio["hook"], "traffic_sources": studio["traffic"]})
