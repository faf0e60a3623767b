"""Recommendation queries: the recommender's offline evaluation (fct_model_evaluations) and one
pseudonymous user's recent views next to their recommendations (fct_recommendations)."""

from __future__ import annotations

import json

from webreport.db import fetch_all, fetch_one, relation_exists

#: model_name in fct_model_evaluations -> label, in display order (baselines first, then the full model).
MODELS = {
    "recommender_most_popular": "Most popular",
    "recommender_item_knn": "Item-kNN",
    "recommender_als": "ALS alone",
    "recommender_als_no_sentiment": "ALS, no sentiment",
    "recommender_ease": "EASE",
    "recommender_blend": "Rank blend",
    "recommender_full": "Full model",
    "recommender_full_no_sentiment": "Full model, no sentiment",
}
HISTORY_LIMIT = 20


def evaluation() -> list[dict]:
    """One row per recommender model: metrics at k (k parsed from the metric names), coverage, users
    evaluated, the full model's NDCG gain over it and that gain's standard error (from details)."""
    rows = fetch_all(
        """
        with evaluations as (
            select model_name, model_version, metric, value, evaluated_at, details
            from fct_model_evaluations
            where model_name like 'recommender\\_%' escape '\\'
                and model_name not like 'recommender\\_candidate\\_%' escape '\\'
        ),
        pivoted as (
            select
                model_name,
                any_value(model_version) as model_version,
                max(evaluated_at) as evaluated_at,
                any_value(details) as details,
                max(try_cast(regexp_extract(metric, '^precision_at_([0-9]+)$', 1) as integer)) as k,
                max(value) filter (where regexp_full_match(metric, 'precision_at_[0-9]+')) as precision_at_k,
                max(value) filter (where regexp_full_match(metric, 'recall_at_[0-9]+')) as recall_at_k,
                max(value) filter (where regexp_full_match(metric, 'ndcg_at_[0-9]+')) as ndcg_at_k,
                max(value) filter (where regexp_full_match(metric, 'map_at_[0-9]+')) as map_at_k,
                max(value) filter (where metric = 'catalogue_coverage') as catalogue_coverage,
                cast(max(value) filter (where metric = 'users_evaluated') as bigint) as users_evaluated,
                max(value) filter (where regexp_full_match(metric, 'ndcg_at_[0-9]+_gain_of_full'))
                    as ndcg_gain_of_full
            from evaluations
            group by model_name
        )
        select * from pivoted
        order by model_name
        """
    )
    order = list(MODELS)
    rows.sort(key=lambda r: (order.index(r["model_name"]) if r["model_name"] in order else len(order),
                             r["model_name"]))
    for row in rows:
        details = json.loads(row.pop("details") or "{}")
        row["label"] = MODELS.get(row["model_name"], details.get("label", row["model_name"]))
        row["gain_se"] = details.get("ndcg_gain_se")
    return rows


def selection() -> list[dict]:
    """The served-model choice (int_recommender_selected): one row per candidate family, in the order they
    were tuned, with its validation metrics, its NDCG gain over the rank blend, the settings and whether
    it is served."""
    if not relation_exists("fct_model_evaluations"):
        return []
    rows = fetch_all(
        """
        with candidates as (
            select model_name, metric, value, details
            from fct_model_evaluations
            where model_name like 'recommender\\_candidate\\_%' escape '\\'
        )
        select
            model_name,
            any_value(details) as details,
            max(try_cast(regexp_extract(metric, '^validation_ndcg_at_([0-9]+)$', 1) as integer)) as k,
            max(value) filter (where regexp_full_match(metric, 'validation_ndcg_at_[0-9]+')) as ndcg_at_k,
            max(value) filter (where regexp_full_match(metric, 'validation_recall_at_[0-9]+')) as recall_at_k,
            max(value) filter (where regexp_full_match(metric, 'validation_ndcg_at_[0-9]+_gain_over_blend'))
                as gain_over_blend,
            cast(max(value) filter (where metric = 'validation_users') as bigint) as users,
            max(value) filter (where metric = 'served') = 1 as served
        from candidates
        group by model_name
        """
    )
    order = ["popular", "knn", "als", "ease", "blend", "ltr"]
    for row in rows:
        details = json.loads(row.pop("details") or "{}")
        row["family"] = details.get("family", row["model_name"])
        row["label"] = details.get("label", row["family"])
        row["gain_se"] = details.get("gain_se")
        row["settings"] = ", ".join(
            f"{name} {value}" for name, value in sorted(details.get("params", {}).items())
            if name not in ("random_state", "num_threads")
        ) or "none"
        row["grid_size"] = len(details.get("grid", []))
    rows.sort(key=lambda r: order.index(r["family"]) if r["family"] in order else len(order))
    return rows


def user(user_id: int) -> dict | None:
    """The user's segment and activity (no identifiers: dim_users' PII lives in dim_user_identifiers)."""
    return fetch_one(
        "select user_id, region, age_band, top_category, views, last_active_date from dim_users where user_id = ?",
        [user_id],
    )


def recent_history(user_id: int, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The user's latest views with the video's category and creator, completion and reactions."""
    return fetch_all(
        """
        select
            events.event_at,
            events.video_id,
            videos.title,
            events.category,
            creators.handle as creator_handle,
            cast(events.watch_seconds as double) / nullif(events.duration_seconds, 0) as completion_ratio,
            events.is_liked,
            events.is_shared
        from fct_watch_events as events
        inner join dim_videos as videos on events.video_id = videos.video_id
        left join dim_creators as creators on events.creator_id = creators.creator_id
        where events.user_id = ?
        order by events.event_at desc, events.event_id desc
        limit ?
        """,
        [user_id, limit],
    )


def recommendations(user_id: int) -> list[dict]:
    return fetch_all(
        """
        select
            recs.rank,
            recs.video_id,
            videos.title,
            videos.category,
            creators.handle as creator_handle,
            videos.published_at,
            recs.score,
            recs.reason,
            recs.model_version
        from fct_recommendations as recs
        inner join dim_videos as videos on recs.video_id = videos.video_id
        left join dim_creators as creators on videos.creator_id = creators.creator_id
        where recs.user_id = ?
        order by recs.rank
        """,
        [user_id],
    )


def summary() -> dict:
    """Users served, list length, model version and data date of fct_recommendations."""
    if not relation_exists("fct_recommendations"):
        return {"users": 0, "rows": 0, "model_version": None, "as_of_date": None}
    return fetch_one(
        "select count(distinct user_id) as users, count(*) as rows, max(model_version) as model_version, "
        "max(as_of_date) as as_of_date from fct_recommendations"
    )


def reason_counts() -> list[dict]:
    """How often each kind of reason is given: the sentences name videos, creators and shares, so they are
    folded by their opening (docs/recommendation.md, "Reasons")."""
    return fetch_all(
        """
        select
            case
                when reason like 'New in %' then 'New in <category>, published <when>'
                when reason like 'By %' then 'By <creator>, who makes <share> of what you watch'
                when reason like 'Because you watched %' then 'Because you watched <a similar video>'
                when reason like 'Among the most watched by viewers in your segment%'
                    then 'Among the most watched in your segment (new viewer)'
                when reason like 'Among the most watched on the platform%'
                    then 'Among the most watched on the platform (new viewer)'
                when reason like '% have watched it%' then '<n> viewers have watched it'
                else reason
            end as reason,
            count(*) as recommendations
        from fct_recommendations
        group by 1
        order by recommendations desc, reason
        """
    )


def sample_users(limit: int = 8) -> list[int]:
    """A few served users to preview (smallest ids: stable across rebuilds of the same data)."""
    return [row["user_id"] for row in fetch_all(
        "select distinct user_id from fct_recommendations order by user_id limit ?", [limit])]


def fits() -> list[dict]:
    """When the scheduled fits behind this page saw data up to (issue 19): the offline evaluation and the
    served-model choice keep their last fit between refits; evaluated_at is the day after their data."""
    if not relation_exists("fct_model_evaluations"):
        return []
    return fetch_all(
        """
        select
            case when model_name like 'recommender\\_candidate\\_%' escape '\\' then 'served-model choice'
                 else 'offline evaluation' end as fit,
            cast(max(evaluated_at) as date) - 1 as data_through
        from fct_model_evaluations
        where model_name like 'recommender\\_%' escape '\\'
        group by all
        order by fit
        """
    )
