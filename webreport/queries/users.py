"""Profile distributions from dim_users. Only groups are shown: a group smaller than MIN_GROUP users
is folded into 'other (small groups)', so no row describes an identifiable individual."""

from __future__ import annotations

from webreport.db import fetch_all, fetch_one

MIN_GROUP = 5
DIMENSIONS = {
    "age_band": "Age band",
    "country_code": "Country",
    "device_os": "Device",
    "top_category": "Top category",
    "gender": "Gender",
    "language": "Language",
}
ACTIVITY_BINS = ((0, 0, "0"), (1, 1, "1"), (2, 3, "2-3"), (4, 7, "4-7"), (8, 14, "8-14"), (15, 30, "15-30"),
                 (31, 100000, "31+"))


def summary() -> dict:
    return fetch_one(
        "select count(*) as users, count(*) filter (where views > 0) as viewers, "
        "sum(views) as views, sum(completed_views) as completed_views, sum(likes) as likes, "
        "sum(comments) as comments, sum(shares) as shares, sum(follows) as follows, "
        "median(active_days) filter (where views > 0) as median_active_days from dim_users"
    ) or {}


def distribution(dimension: str) -> list[dict]:
    """Users per value of `dimension` (a column named in DIMENSIONS), small groups folded."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    return fetch_all(
        f"""
        with grouped as (
            select coalesce(cast({dimension} as varchar), 'unknown') as value, count(*) as users
            from dim_users group by 1
        ),
        folded as (
            select case when users < ? then 'other (small groups)' else value end as value, users from grouped
        )
        select value, cast(sum(users) as bigint) as users,
               sum(users) / (select count(*) from dim_users) as share
        from folded group by value
        order by value = 'other (small groups)', {"value" if dimension == "age_band" else "users desc"}, value
        """,
        [MIN_GROUP],
    )


def affinity_columns() -> list[str]:
    """The affinity_<category> columns of dim_users, from the catalogue (one per project category)."""
    return [row["column_name"] for row in fetch_all(
        "select column_name from information_schema.columns where table_name = 'dim_users' "
        "and column_name like 'affinity\\_%' escape '\\' order by ordinal_position")]


def affinity_averages() -> list[dict]:
    """Mean share of watch time per category over users who watched anything."""
    columns = affinity_columns()
    if not columns:
        return []
    selects = ", ".join(f'avg("{c}") as "{c}"' for c in columns)
    row = fetch_one(f"select {selects} from dim_users where views > 0") or {}
    return sorted(({"category": c.removeprefix("affinity_"), "mean_affinity": row.get(c)} for c in columns),
                  key=lambda r: -(r["mean_affinity"] or 0))


def activity_histogram() -> list[dict]:
    """Users by number of active days, in fixed bins."""
    cases = " ".join(f"when active_days between {lo} and {hi} then {i}" for i, (lo, hi, _) in enumerate(ACTIVITY_BINS))
    rows = fetch_all(f"select case {cases} end as bin, count(*) as users from dim_users group by 1 order by 1")
    counts = {row["bin"]: row["users"] for row in rows}
    return [{"active_days": label, "users": counts.get(i, 0)} for i, (_, _, label) in enumerate(ACTIVITY_BINS)]
