"""Which recommender fct_recommendations serves (thin wrapper over models_ml.recommend.select_recommender).

Grain: one row per candidate family x metric. Each family (most-popular, item-kNN, ALS, EASE, the
rank blend, the LambdaRank re-ranker) is tuned on a validation window cut from the platform's own
interactions (each viewer's latest 20%); the winner is served. Profile affinities are left out here:
dim_users computes them over the whole window, validation period included. Unioned into
fct_model_evaluations; fct_recommendations reads the served family's settings from details.
Scheduled (issue 19): a build keeps the last choice unless models_ml.schedule.refit_reason says refit
(first build, var refit, or var refit_every_days of new data); a refit replaces every row.
"""

import json

COLUMNS = ["model_name", "model_version", "metric", "value", "evaluated_at", "details"]


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key=["model_name", "metric"])  # strategy per engine: yml
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")
    selection = dbt.config.get("recommendation_selection")
    params = dbt.config.get("recommendation_params")
    threads = dbt.config.get("recommendation_threads")
    k = dbt.config.get("recommendation_k")

    import pandas as pd

    from models_ml.recommend.inputs import (
        AGGREGATE_COLUMNS,
        interactions_from_aggregates,
        item_features_from_videos,
        model_version,
        user_features_from_profiles,
    )
    from models_ml.recommend.selection import selection_rows
    from models_ml.schedule import refit_reason

    as_of = dbt.ref("int_recommendation_users_selected").aggregate("max(as_of_date) as as_of").df()["as_of"].iloc[0]
    last = session.execute(f"select max(evaluated_at) from {dbt.this}").fetchall()[0][0] if dbt.is_incremental else None
    if pd.notna(as_of) and refit_reason(last, pd.Timestamp(as_of) + pd.Timedelta(days=1), refit_every_days,
                                        refit) is None:
        return session.sql(f"select * from {dbt.this} where false")
    settings = dict(selection or {})
    aggregates = dbt.ref("int_user_video_interactions_aggregated").project(", ".join(AGGREGATE_COLUMNS))
    interactions = interactions_from_aggregates(aggregates.df())
    items = item_features_from_videos(dbt.ref("int_video_features_summarised").df())
    users = dbt.ref("int_recommendation_users_selected").order("user_id").df()
    profiles = user_features_from_profiles(users, with_affinity=False)
    base = {**dict(params or {}), "num_threads": int(threads or 0)}
    rows = selection_rows(
        interactions, items, profiles, base_params=base, k=int(k),
        grids=str(settings.get("grids", "small")), max_users=settings.get("max_users"),
    )  # fmt: skip
    version = model_version({"selection": settings, **base, "k": int(k)}, interactions, items)
    evaluated_at = pd.Timestamp(users["as_of_date"].max()) + pd.Timedelta(days=1) if len(users) else None
    frame = pd.DataFrame(rows, columns=["model_name", "metric", "value", "details"])
    frame["model_version"] = version
    frame["evaluated_at"] = evaluated_at
    frame["details"] = frame["details"].map(lambda d: json.dumps(d, sort_keys=True, default=str))
    return frame[COLUMNS]
