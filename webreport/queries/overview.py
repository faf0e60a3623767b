"""Platform KPIs over a date range, from rpt_platform_daily (additive parts) and fct_watch_events."""

from __future__ import annotations

from datetime import date

from webreport.db import fetch_all, fetch_one

PARTS = ("views", "watch_seconds", "completed_views", "likes", "comments", "shares", "follows", "new_users")


def platform_totals(start: date, end: date) -> dict:
    """Summed parts over [start, end] plus distinct active users (distinct over the whole range,
    which is why it is counted from the events rather than summed from the daily mart)."""
    sums = ", ".join(f"coalesce(sum({part}), 0) as {part}" for part in PARTS)
    totals = fetch_one(f"select {sums} from rpt_platform_daily where date_day between ? and ?", [start, end])
    active = fetch_one(
        "select count(distinct user_id) as active_users from fct_watch_events where event_date between ? and ?",
        [start, end],
    )
    return {**(totals or {}), **(active or {"active_users": 0})}


def platform_daily(start: date, end: date) -> list[dict]:
    return fetch_all(
        "select date_day, views, watch_seconds, completed_views, likes, comments, shares, follows, "
        "active_users, new_users from rpt_platform_daily where date_day between ? and ? order by date_day",
        [start, end],
    )
