"""Queries every page shares: build metadata, the data window, metric definitions, categories."""

from __future__ import annotations

import json
from datetime import date

from webreport.db import fetch_all, fetch_one


def build_info() -> dict:
    rows = fetch_all("select key, value from reelmart_build_info")
    return {row["key"]: json.loads(row["value"]) for row in rows}


def platform_date_bounds() -> tuple[date, date] | None:
    """First and last day with video views: the default window of the date picker."""
    row = fetch_one("select min(date_day) as first_day, max(date_day) as last_day from rpt_platform_daily")
    if not row or row["first_day"] is None:
        return None
    return row["first_day"], row["last_day"]


def metric_definitions() -> list[dict]:
    return fetch_all(
        "select metric_name, label, numerator_parts, denominator_part, multiplier, value_format, description, "
        "formula, sql_expression, summed_sql_expression from rpt_metric_definitions order by display_order"
    )


def report_settings() -> dict | None:
    return fetch_one(
        "select interval_level, attribution_click_window_days, attribution_view_window_days, placement_confidence, "
        "creator_min_peers, creator_min_hazard_ratio from rpt_report_settings")


def video_categories() -> list[str]:
    return [row["category"] for row in fetch_all(
        "select distinct category from dim_videos where category is not null order by category")]
