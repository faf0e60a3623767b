"""Creators: creators ranked over the date range, and one creator's daily performance and videos."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import common, creators
from webreport.tables import Column, Table, csv_response

bp = Blueprint("creators", __name__)
NAV = ("Creators", "creators.index")
MARTS = ("fct_creator_daily", "dim_creators", "fct_video_daily", "dim_videos")
RATIOS = ["completion_rate", "engagement_rate"]
SORT_LABELS = {"watch_seconds": "Watch time", "views": "Views", "completion_rate": "Completion rate",
               "engagement_rate": "Engagement rate", "follows": "Follows"}


def _filters() -> dict:
    date_range = params.date_range(common.platform_date_bounds())
    category = params.choice_arg("category", common.video_categories())
    sort, descending = params.sort_arg(creators.SORT_KEYS, "-watch_seconds")
    limit = params.int_arg("limit", 50, 1, 500)
    min_views = params.int_arg("min_views", 10, 0, 1_000_000)
    return {"date_range": date_range, "category": category, "sort": sort, "descending": descending,
            "limit": limit, "min_views": min_views}


def _table(f: dict) -> Table:
    rows = creators.top_creators(f["date_range"].start, f["date_range"].end, f["category"], f["sort"],
                                 f["descending"], f["limit"], f["min_views"])
    metrics.add_ratios(rows, RATIOS)
    args = f["date_range"].as_args()
    return Table(
        id="creators",
        columns=[
            Column("creator_id", "Creator", link=lambda r: url_for("creators.detail", creator_id=r["creator_id"], **args)),
            Column("handle", "Handle"),
            Column("primary_category", "Category"),
            Column("is_verified", "Verified", "bool"),
            Column("views", "Views", "int", total="sum"),
            Column("watch_seconds", "Watch hours", "hours", total="sum"),
            Column("completion_rate", "Completion rate", "percent", metric="completion_rate", total="metric"),
            Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate", total="metric"),
            Column("follows", "Follows", "int", total="sum"),
        ],
        rows=rows, row_key="creator_id", with_totals=True,
        hidden_parts=["completed_views", "likes", "comments", "shares"],
    )


@bp.get("/creators")
def index():
    f = _filters()
    table = _table(f)
    if params.format_arg() == "csv":
        return csv_response(table, f"creators-{f['date_range'].start}-{f['date_range'].end}.csv")
    value_format = "percent" if f["sort"] in creators.RATIO_KEYS else ("hours" if f["sort"] == "watch_seconds" else "int")
    chart = charts.bar_chart(table.rows[:15], "handle", f["sort"], value_format=value_format,
                             title=f"Top {min(15, len(table.rows))} by {SORT_LABELS[f['sort']].lower()}")
    category_filter = {"name": "category", "label": "Category", "blank": "All categories",
                       "options": [(c, c) for c in common.video_categories()], "selected": f["category"]}
    sort_filter = {"name": "sort", "label": "Rank by", "blank": None,
                   "options": [(f"-{k}", v) for k, v in SORT_LABELS.items()],
                   "selected": ("-" if f["descending"] else "") + f["sort"]}
    return render_page("creators/index.html", marts=MARTS, date_range=f["date_range"], table=table, chart=chart,
                       filters=[category_filter, sort_filter], csv_url=url_with(format="csv"))


@bp.get("/api/creators")
def api_index():
    f = _filters()
    table = _table(f)
    return jsonify({**f["date_range"].as_args(), "category": f["category"], "sort": f["sort"],
                    "descending": f["descending"], "limit": f["limit"], "min_views": f["min_views"],
                    "rows": table.rows, "totals": table.totals()})


def _detail(creator_id: str):
    cid = params.parse_id(creator_id, "creator")
    info = params.found(creators.creator(cid), f"No creator with id {cid}.")
    date_range = params.date_range(common.platform_date_bounds())
    rows = metrics.add_ratios(creators.creator_daily(cid, date_range.start, date_range.end), RATIOS)
    daily = Table(
        id="creator-daily",
        columns=[
            Column("date_day", "Day", "date"),
            Column("videos_watched", "Videos watched", "int", tooltip="Distinct videos viewed that day."),
            Column("viewers", "Viewers", "int", tooltip="Distinct viewers that day (not additive)."),
            Column("views", "Views", "int", total="sum"),
            Column("watch_seconds", "Watch hours", "hours", total="sum"),
            Column("completion_rate", "Completion rate", "percent", metric="completion_rate", total="metric"),
            Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate", total="metric"),
            Column("follows", "Follows", "int", total="sum"),
        ],
        rows=rows, row_key="date_day", with_totals=True, hidden_parts=["completed_views", "likes", "comments", "shares"],
    )
    video_rows = metrics.add_ratios(creators.creator_videos(cid, date_range.start, date_range.end, 50), RATIOS)
    args = date_range.as_args()
    top = Table(
        id="creator-videos",
        columns=[
            Column("video_id", "Video", link=lambda r: url_for("videos.detail", video_id=r["video_id"], **args)),
            Column("title", "Title"),
            Column("category", "Category"),
            Column("views", "Views", "int"),
            Column("watch_seconds", "Watch hours", "hours"),
            Column("completion_rate", "Completion rate", "percent", metric="completion_rate"),
            Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate"),
        ],
        rows=video_rows, row_key="video_id",
    )
    return info, date_range, daily, top


@bp.get("/creators/<creator_id>")
def detail(creator_id: str):
    info, date_range, daily, top = _detail(creator_id)
    if params.format_arg() == "csv":
        return csv_response(daily, f"creator-{info['creator_id']}-daily.csv")
    series = charts.time_series(daily.rows, "date_day", {"watch_seconds": "Watch hours"},
                                title="Watch hours per day", value_format="hours")
    rates = charts.time_series(daily.rows, "date_day", {"completion_rate": "Completion rate",
                                                        "engagement_rate": "Engagement rate"},
                               title="Completion and engagement rate per day", value_format="percent")
    return render_page("creators/detail.html", marts=MARTS, date_range=date_range, creator=info, daily=daily,
                       top=top, series=series, rates=rates, csv_url=url_with(format="csv"))


@bp.get("/api/creators/<creator_id>")
def api_detail(creator_id: str):
    info, date_range, daily, top = _detail(creator_id)
    return jsonify({**date_range.as_args(), "creator": info, "daily": daily.rows, "totals": daily.totals(),
                    "videos": top.rows})
