"""Overview: platform KPIs for the chosen days against the previous period of equal length, and a
daily series."""

from __future__ import annotations

from flask import Blueprint, jsonify

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import common, overview
from webreport.tables import Column, Table, csv_response

bp = Blueprint("overview", __name__)
NAV = ("Overview", "overview.index")
MARTS = ("rpt_platform_daily", "fct_watch_events", "rpt_metric_definitions")
RATIOS = ["completion_rate", "engagement_rate"]


def _kpis(date_range: params.DateRange) -> dict:
    """Current and previous totals with their ratios recomputed from the summed parts."""
    current = overview.platform_totals(date_range.start, date_range.end)
    previous_range = date_range.previous()
    previous = overview.platform_totals(previous_range.start, previous_range.end)
    for totals in (current, previous):
        metrics.add_ratios([totals], RATIOS)
        totals["watch_hours"] = float(totals.get("watch_seconds") or 0) / 3600
    return {"current": current, "previous": previous, "previous_range": previous_range}


def _daily_table(date_range: params.DateRange) -> Table:
    rows = metrics.add_ratios(overview.platform_daily(date_range.start, date_range.end), RATIOS)
    return Table(
        id="daily",
        columns=[
            Column("date_day", "Day", "date"),
            Column("views", "Views", "int", total="sum"),
            Column("watch_seconds", "Watch hours", "hours", total="sum"),
            Column("completion_rate", "Completion rate", "percent", metric="completion_rate", total="metric"),
            Column("engagement_rate", "Engagement rate", "percent", metric="engagement_rate", total="metric"),
            Column("active_users", "Active users", "int", tooltip="Distinct viewers that day (not additive)."),
            Column("new_users", "New users", "int", total="sum"),
        ],
        rows=rows, row_key="date_day", with_totals=True,
        hidden_parts=["completed_views", "likes", "comments", "shares", "follows"],
    )


@bp.get("/")
def index():
    date_range = params.date_range(common.platform_date_bounds())
    if params.format_arg() == "csv":
        return csv_response(_daily_table(date_range), f"platform-daily-{date_range.start}-{date_range.end}.csv")
    table = _daily_table(date_range)
    series = charts.time_series(table.rows, "date_day", {"views": "Views", "active_users": "Active users"},
                                title="Views and active users per day")
    rates = charts.time_series(table.rows, "date_day", {"completion_rate": "Completion rate",
                                                        "engagement_rate": "Engagement rate"},
                               title="Completion and engagement rate per day", value_format="percent")
    return render_page("overview/index.html", marts=MARTS, date_range=date_range, kpis=_kpis(date_range),
                       table=table, series=series, rates=rates, csv_url=url_with(format="csv"))


@bp.get("/api/overview")
def api_overview():
    date_range = params.date_range(common.platform_date_bounds())
    kpis = _kpis(date_range)
    table = _daily_table(date_range)
    return jsonify({
        **date_range.as_args(),
        "current": kpis["current"],
        "previous": {**kpis["previous"], **kpis["previous_range"].as_args()},
        "daily": table.rows,
        "totals": table.totals(),
    })
