"""Creators: creators ranked over the date range, and one creator's page, which is their creator studio
(issue 17): audience (new vs returning, followers), traffic sources, hooks, then daily performance and videos."""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, url_for

from webreport import charts, metrics, params, ranked_list, report_settings
from webreport.pages import render_page, url_with
from webreport.queries import common, creator_studio, creator_text, creators, ranked
from webreport.tables import Column, Table, csv_response, format_value

bp = Blueprint("creators", __name__)
NAV = ("Creators", "creators.index")
MARTS = ("fct_creator_daily", "dim_creators", "fct_video_daily", "dim_videos")
RATIOS = ["completion_rate", "engagement_rate"]
TEXT_MARTS = ("fct_category_terms", "fct_term_cooccurrence", "rpt_creator_title_suggestions",
              "rpt_category_script_outline", "rpt_category_posting_times",
              "rpt_category_audience_posting_times")  # the creator-text section (issue 17)


def _columns(args: dict) -> list[Column]:
    return [
        Column("creator_id", "Creator", link=lambda r: url_for("creators.detail", creator_id=r["creator_id"], **args)),
        Column("handle", "Handle"),
        Column("primary_category", "Category"),
        Column("is_verified", "Verified", "bool"),
        Column("views", "Views", "int", total="sum"),
        Column("watch_seconds", "Watch hours", "hours", total="sum"),
        Column("completion_rate", "Completion rate", "percent", metric="completion_rate", total="metric"),
        Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate", total="metric"),
        Column("follows", "Follows", "int", total="sum"),
    ]


PAGE = ranked_list.RankedPage(
    ranking=ranked.CREATORS, table_id="creators", template="creators/index.html", marts=MARTS,
    sort_labels={"watch_seconds": "Watch time", "views": "Views", "completion_rate": "Completion rate",
                 "engagement_rate": "Engagement rate", "follows": "Follows"},
    columns=_columns, hidden_parts=("completed_views", "likes", "comments", "shares"), chart_label="handle",
    chart_title="Top creators",
)


@bp.get("/creators")
def index():
    return ranked_list.index(PAGE)


@bp.get("/api/creators")
def api_index():
    return ranked_list.api_index(PAGE)


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
    studio = _studio(info["creator_id"], date_range)
    return render_page("creators/detail.html", marts=MARTS + STUDIO_MARTS + TEXT_MARTS, date_range=date_range, creator=info,
                       daily=daily, top=top, series=series, rates=rates, csv_url=url_with(format="csv"),
                       category_text=_category_text(info["primary_category"], info["creator_id"]),
                       **studio, **_studio_charts(studio))


STUDIO_MARTS = ("fct_creator_audience_daily", "fct_creator_traffic_daily", "fct_video_retention",
                "fct_video_retention_curve", "rpt_video_hooks")
STUDIO_HOOK_VIDEOS = 10


def _studio(creator_id: int, date_range) -> dict:
    """Creator studio data of the creator page (also the API's)."""
    start, end = date_range.start, date_range.end
    return {"audience": creator_studio.creator_audience(creator_id, start, end),
            "traffic": creator_studio.creator_traffic(creator_id, start, end),
            "traffic_daily": creator_studio.creator_traffic_daily(creator_id, start, end),
            "hooks": creator_studio.creator_hooks(creator_id, STUDIO_HOOK_VIDEOS, report_settings.get().creator_min_peers)}


def _studio_charts(studio: dict) -> dict:
    traffic, daily, audience = studio["traffic"], studio["traffic_daily"], studio["audience"]
    sources = {t["traffic_source"]: t["source"] for t in traffic}
    return {
        "traffic_chart": charts.bar_chart(traffic, "source", "view_share", title="Share of views",
                                          value_format="percent", value_title="Share of views",
                                          category_title="Traffic source") if traffic else None,
        "traffic_daily_chart": charts.time_series(daily, "event_date", sources, title="Views per day by source",
                                                  y_title="Views") if daily else None,
        "audience_chart": charts.time_series(audience, "event_date", {"new_viewers": "New viewers",
                                                                      "returning_viewers": "Returning viewers"},
                                             title="New and returning viewers per day", y_title="Viewers"),
        "followers_chart": charts.time_series(audience, "event_date", {"followers_to_date": "Followers gained"},
                                              title="Followers gained since the first export"),
    }


@bp.get("/api/creators/<creator_id>")
def api_detail(creator_id: str):
    info, date_range, daily, top = _detail(creator_id)
    studio = _studio(info["creator_id"], date_range)
    text = _category_text(info["primary_category"], info["creator_id"])
    return jsonify({**date_range.as_args(), "creator": info, "daily": daily.rows, "totals": daily.totals(),
                    "videos": top.rows, "audience": studio["audience"], "traffic_sources": studio["traffic"],
                    "hooks": studio["hooks"], "category_terms": text["terms"].rows,
                    "category_term_pairs": text["pairs"].rows, "title_suggestions": text["suggestions"].rows,
                    "script_outline": text["outline"].rows, "posting_times": text["posting"].rows,
                    "audience_posting_times": text["audience_posting"]})


def _interval(row: dict, key: str) -> str | None:
    """A shrunk lift with its interval ("-0.00" never printed); a category whose terms show no spread beyond their
    noise shrinks every lift to 0 with no interval width, which reads as that instead of "+0.00 [+0.00, +0.00]"."""
    if row.get(key) is None:
        return None
    value, lower, upper = row[key], row[key + "_lower"], row[key + "_upper"]
    if upper - lower <= 1e-12:
        return f"{format_value(value, 'signed')} (shrunk to 0: no spread)" if abs(value) < 0.005 else \
            f"{format_value(value, 'signed')} (no interval)"
    return f"{format_value(value, 'signed')} [{format_value(lower, 'signed')}, {format_value(upper, 'signed')}]"


def _category_text(category: str, creator_id: int, limit: int = 12) -> dict:
    """Creator-text section (issue 17): the title terms and hashtags that work in the creator's category."""
    terms = Table(
        id="category-terms",
        columns=[
            Column("term", "Term or hashtag"),
            Column("videos_with", "Videos with it", "int"),
            Column("watch_through_with", "Watched, with", "percent",
                   tooltip="Share of the video watched on the first pass, videos with the term."),
            Column("watch_through_without", "Watched, without", "percent",
                   tooltip="The same for the category's other videos."),
            Column("engagement_lift", "Lift (95% interval)", "ratio", display=lambda r: _interval(r, "engagement_lift"),
                   tooltip="Shrunk difference in watch-through logit, creator-adjusted: 0.3 is about +35% odds."),
            Column("sentiment_lift", "Comment sentiment lift", "ratio", display=lambda r: _interval(r, "sentiment_lift"),
                   tooltip="Shrunk difference in net positive share of comments."),
        ],
        rows=creator_text.category_terms(category, limit), row_key="term",
    )
    pairs = Table(
        id="category-term-pairs",
        columns=[Column("term_a", "Term"), Column("term_b", "Used with"), Column("videos_both", "Videos with both", "int"),
                 Column("cooccurrence_lift", "Together vs chance", "ratio")],
        rows=creator_text.category_term_pairs(category, [r["term"] for r in terms.rows[:5]], 10),
    )
    suggestions = Table(
        id="title-suggestions",
        columns=[Column("suggestion_rank", "#", "int"), Column("title", "Title to try"), Column("hashtags", "Hashtags"),
                 Column("predicted_gain", "Predicted gain", "ratio",
                        tooltip="Predicted watch-through logit against your latest title unchanged."),
                 Column("evidence", "Evidence")],
        rows=creator_text.title_suggestions(creator_id), row_key="suggestion_rank",
    )
    outline = Table(
        id="script-outline",
        columns=[Column("topic", "Part"), Column("advice", "Outline"), Column("evidence", "Evidence")],
        rows=creator_text.script_outline(category), row_key="line_order",
    )
    posting = Table(
        id="posting-times",
        columns=[Column("bucket_start_hour", "Published (UTC)", display=_window),
                 Column("videos", "Videos", "int"),
                 Column("watch_through", "Early completion (95% interval)", "percent", display=_percent_interval,
                        tooltip="Share of first-48h views watched to the end, shrunk toward the category mean."),
                 Column("is_best_time", "Best time", display=lambda r: "Yes" if r["is_best_time"] else "",
                        tooltip="Only where the interval lies above the category mean.")],
        rows=creator_text.posting_times(category), row_key="bucket_start_hour",
    )
    audience_rows = creator_text.audience_posting_times(creator_id, category, AUDIENCE_MIN_VIEW_SHARE)
    return {"category": category, "terms": terms, "pairs": pairs, "suggestions": suggestions, "outline": outline,
            "posting": posting, "posting_flat": bool(posting.rows) and all(map(_no_interval, posting.rows)),
            "audience_posting": audience_rows, "audience_posting_tables": _audience_posting_tables(audience_rows),
            "audience_min_share": AUDIENCE_MIN_VIEW_SHARE}


def _audience_posting_tables(rows: list[dict]) -> list[dict]:
    """One table of windows per audience, under a heading naming the audience and its share of the creator's
    views (as columns these repeated on every row, before the window, which on a phone was all one saw)."""
    tables: list[dict] = []
    for row in rows:  # the query orders by audience (largest share first), then window
        if not tables or tables[-1]["audience"] != row["audience"]:
            tables.append({"audience": row["audience"], "view_share": row["view_share"], "table": Table(
                id=f"audience-posting-times-{row['audience']}", columns=_AUDIENCE_POSTING_COLUMNS, rows=[],
                row_key="bucket_start_hour")})
        tables[-1]["table"].rows.append(row)
    return tables


# the audiences (viewers' countries) whose posting windows a creator sees: those with this share of their views
AUDIENCE_MIN_VIEW_SHARE = 0.10


def _odds_interval(row: dict) -> str:
    return f"x{math.exp(row['lift']):.2f} [{math.exp(row['lift_lower']):.2f}, {math.exp(row['lift_upper']):.2f}]"


def _window(row: dict) -> str:
    return f"{row['bucket_start_hour']:02d}:00-{row['bucket_end_hour']:02d}:00"


_AUDIENCE_POSTING_COLUMNS = [
    Column("bucket_start_hour", "Published (UTC)", display=_window),
    Column("videos", "Videos", "int"),
    Column("lift", "Completion odds (95% interval)", "ratio", display=_odds_interval,
           tooltip="Their early completion odds against other viewers of the same videos, for videos published "
                   "then compared with the category's other windows; pooled across categories."),
    Column("is_best_time", "Best time", display=lambda r: "Yes" if r["is_best_time"] else "",
           tooltip="The audience's top window, only where its q-value (Benjamini-Hochberg over every window) is "
                   "below 5%."),
]


def _no_interval(row: dict) -> bool:
    """A window shrunk all the way to its category's mean: the estimated spread between windows is 0, so its
    interval has no width (tiny data: one or two videos per window)."""
    return row["watch_through_upper"] - row["watch_through_lower"] <= 1e-12


def _percent_interval(row: dict) -> str:
    if _no_interval(row):
        return f"{row['watch_through']:.1%} (category mean)"
    return (f"{row['watch_through']:.1%} [{row['watch_through_lower']:.1%}, "
            f"{row['watch_through_upper']:.1%}]")
