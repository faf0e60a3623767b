"""Audience page queries: definitions, sizes and their history, composition, overlap (all from dbt marts).

The marts do the grouping (rpt_audience_*); these queries only select, join and compute ratios
(shares, Jaccard) from the additive counts. No query here touches dim_user_identifiers.
"""

from __future__ import annotations

from webreport.db import fetch_all, fetch_one, relation_exists

ALL_USERS = "(all users)"


def available() -> bool:
    """The audience marts are in the snapshot (a snapshot built before issue 8 has none)."""
    return relation_exists("rpt_audience_definitions")


def audiences() -> list[dict]:
    """One row per audience: its definition, current size and as-of day."""
    return fetch_all("""
        with definitions as (
            select * from rpt_audience_definitions
        ),

        sizes as (
            select * from rpt_audience_sizes
        ),

        final as (
            select
                definitions.audience_name,
                definitions.description,
                definitions.owner,
                definitions.destinations,
                definitions.min_size,
                definitions.allowed_columns,
                definitions.definition_version,
                sizes.members,
                sizes.as_of_date
            from definitions
            left join sizes on definitions.audience_name = sizes.audience_name
        )

        select * from final order by audience_name
    """)


def audience(name: str) -> dict | None:
    return next((row for row in audiences() if row["audience_name"] == name), None)


def size_history() -> list[dict]:
    """Sizes per data day, long format (audience_name, as_of_date, members)."""
    return fetch_all("""
        select audience_name, as_of_date, members, definition_version
        from rpt_audience_size_history
        order by as_of_date, audience_name
    """)


def composition(name: str, dimension: str) -> list[dict]:
    """Members of the audience by one dimension, with the share of the audience and of all users."""
    return fetch_all("""
        with audience as (
            select dimension_value, members
            from rpt_audience_composition
            where audience_name = $name and dimension = $dimension
        ),

        everyone as (
            -- shares over every value, before the join keeps only the audience's values
            select dimension_value, members / sum(members) over () as share
            from rpt_audience_composition
            where audience_name = $all_users and dimension = $dimension
        ),

        final as (
            select
                audience.dimension_value,
                audience.members,
                audience.members / sum(audience.members) over () as share,
                everyone.share as share_all_users
            from audience
            left join everyone on audience.dimension_value = everyone.dimension_value
        )

        select * from final order by members desc, dimension_value
    """, {"name": name, "dimension": dimension, "all_users": ALL_USERS})


def overlap() -> list[dict]:
    """Every ordered pair of audiences: sizes, shared members, Jaccard and the share of A also in B."""
    return fetch_all("""
        with pairs as (
            select * from rpt_audience_overlap
        ),

        final as (
            select
                audience_a,
                audience_b,
                members_a,
                members_b,
                shared_members,
                shared_members / nullif(members_a + members_b - shared_members, 0) as jaccard,
                shared_members / nullif(members_a, 0) as share_of_a
            from pairs
        )

        select * from final order by audience_a, audience_b
    """)


def as_of_date():
    row = fetch_one("select max(as_of_date) as as_of_date from rpt_audience_sizes")
    return row["as_of_date"] if row else None
