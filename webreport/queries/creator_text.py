"""Creator-text queries: the title terms, hashtags and term pairs that work in a category (issue 17)."""

from __future__ import annotations

from webreport.db import fetch_all


def category_terms(category: str, limit: int) -> list[dict]:
    """The category's terms by shrunk engagement lift, with the watch-through of videos with and without."""
    return fetch_all(
        """
        select term, term_type, videos_with, videos_without, engagement_lift, engagement_lift_lower,
               engagement_lift_upper, sentiment_lift, sentiment_lift_lower, sentiment_lift_upper,
               first_pass_seconds_with / nullif(view_seconds_with, 0) as watch_through_with,
               first_pass_seconds_without / nullif(view_seconds_without, 0) as watch_through_without,
               rank_in_category, prior_sd
        from fct_category_terms
        where category = ?
        order by rank_in_category
        limit ?
        """,
        [category, limit],
    )


def category_term_pairs(category: str, terms: list[str], limit: int) -> list[dict]:
    """Pairs used together more often than chance, among pairs that involve one of `terms`."""
    if not terms:
        return []
    marks = ", ".join("?" for _ in terms)
    return fetch_all(
        f"""
        select term_a, term_b, videos_both, videos_a, videos_b, cooccurrence_lift
        from fct_term_cooccurrence
        where category = ? and (term_a in ({marks}) or term_b in ({marks}))
        order by cooccurrence_lift desc, videos_both desc, term_a, term_b
        limit ?
        """,
        [category, *terms, *terms, limit],
    )


def title_suggestions(creator_id: int) -> list[dict]:
    """Suggested titles and hashtags for the creator's next video, best first, with their evidence."""
    return fetch_all(
        "select suggestion_rank, title, hashtags, added_terms, predicted_gain, evidence "
        "from rpt_creator_title_suggestions where creator_id = ? order by suggestion_rank",
        [creator_id],
    )


def script_outline(category: str) -> list[dict]:
    """The category's script outline, line by line, with the evidence of each line."""
    return fetch_all(
        "select line_order, topic, advice, evidence from rpt_category_script_outline where category = ? "
        "order by line_order",
        [category],
    )


def posting_times(category: str) -> list[dict]:
    """The category's publish windows (UTC) with the shrunk early watch-through and its interval."""
    return fetch_all(
        "select bucket_start_hour, bucket_end_hour, videos, early_views, raw_watch_through, watch_through, "
        "watch_through_lower, watch_through_upper, category_watch_through, lift, is_best_time "
        "from rpt_category_posting_times where category = ? order by bucket_start_hour",
        [category],
    )


def audience_posting_times(creator_id: int, category: str, min_share: float) -> list[dict]:
    """The publish windows (UTC) of the category for each audience (viewers' country) holding at least
    `min_share` of the creator's views, largest audience first: the lift of the audience's early completion
    odds against other viewers of the same videos, with its interval and q-value."""
    return fetch_all(
        """
        with mine as (
            select coalesce(users.country_code, 'unknown') as audience, count(*) as views
            from fct_watch_events as events
            left join dim_users as users on events.user_id = users.user_id
            where events.creator_id = ?
            group by 1
        ),

        shares as (
            select audience, views, views / sum(views) over () as view_share from mine
        )

        select shares.audience, shares.view_share, times.bucket_start_hour, times.bucket_end_hour, times.videos,
               times.audience_views, times.lift, times.lift_lower, times.lift_upper, times.q_value,
               times.is_best_time
        from shares
        inner join rpt_category_audience_posting_times as times
            on shares.audience = times.audience and times.category = ?
        where shares.view_share >= ?
        order by shares.view_share desc, shares.audience, times.bucket_start_hour
        """,
        [creator_id, category, min_share],
    )
