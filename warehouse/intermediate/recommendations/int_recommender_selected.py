"""Which recommender fct_recommendations serves (thin wrapper over models_ml.recommend.select_recommender).

Grain: one row per candidate family x metric. Each family (most-popular, item-kNN, ALS, EASE, the
rank blend, the LambdaRank re-ranker) is tuned on a validation window cut from the platform's own
interactions (each viewer's latest 20%); the winner is served. Profile affinities are left out here:
dim_users computes them over the whole window, validation period included. Unioned into
fct_model_evaluations; fct_recommendations reads the served family's settings from details.
Above recommendation_selection.max_users viewers the choice runs on a seeded sample of them, drawn in
the engine (reelmart.frames.sample_by_key), so only the sample's interactions reach the driver.
Scheduled (issue 19): a build keeps the last choice unless models_ml.schedule.refit_reason says refit
(first build, var refit, or var refit_every_days of new data); a refit replaces every row.
"""

import json

USER_COLUMNS = ["user_id", "region", "age_band", "as_of_date"]


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key=["model_name", "metric"])  # strategy per engine: yml
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")
    selection = dbt.config.get("recommendation_selection")
    params = dbt.config.get("recommendation_params")
    threads = dbt.config.get("recommendation_threads")
    k = dbt.config.get("recommendation_k")

    import pandas as pd

    # the package whole first: dbt runs the recommender models in parallel threads, and two threads importing
    # its submodules while one initialises the package deadlock on Python's import locks
    import models_ml.recommend  # noqa: F401
    from models_ml.evaluations import EVALUATION_COLUMNS, EVALUATION_SELECT_TYPED
    from models_ml.recommend.evaluation import sample_positions
    from models_ml.recommend.inputs import (
        AGGREGATE_COLUMNS,
        MAX_DRIVER_VIDEOS,
        interactions_from_aggregates,
        item_features_from_videos,
        model_version,
        user_features_from_profiles,
    )
    from models_ml.recommend.selection import selection_rows
    from models_ml.schedule import refit_reason
    from reelmart.frames import from_pandas, sample_by_key, scalar, semi_join, to_pandas

    users = dbt.ref("int_recommendation_users_selected")
    as_of = scalar(users, "max(as_of_date)")
    last = scalar(session.sql(f"select evaluated_at from {dbt.this}"), "max(evaluated_at)") if dbt.is_incremental else None
    if pd.notna(as_of) and refit_reason(last, pd.Timestamp(as_of) + pd.Timedelta(days=1), refit_every_days,
                                        refit) is None:
        return session.sql(f"select * from {dbt.this} where false")
    settings = dict(selection or {})
    base = {**dict(params or {}), "num_threads": int(threads or 0)}
    max_users = settings.get("max_users")
    random_state = int(base.get("random_state", 0))
    # the same seeded draw as select_recommender's, over the engine's sorted viewer ids
    sample, viewers, _ = sample_by_key(dbt.ref("int_user_video_interactions_aggregated"), "user_id",
                                       lambda n: sample_positions(n, max_users, random_state), session)
    interactions = interactions_from_aggregates(to_pandas(sample, list(AGGREGATE_COLUMNS)))
    videos = dbt.ref("int_video_features_summarised")
    items = item_features_from_videos(to_pandas(videos, list(videos.columns), max_rows=MAX_DRIVER_VIDEOS))
    profiles = user_features_from_profiles(to_pandas(semi_join(users, viewers, "user_id"), USER_COLUMNS,
                                                     order_by="user_id"), with_affinity=False)
    rows = selection_rows(
        interactions, items, profiles, base_params=base, k=int(k),
        grids=str(settings.get("grids", "small")), max_users=max_users,
    )  # fmt: skip
    version = model_version({"selection": settings, **base, "k": int(k)}, interactions, items)
    evaluated_at = pd.Timestamp(as_of) + pd.Timedelta(days=1) if pd.notna(as_of) else None
    frame = pd.DataFrame(rows, columns=["model_name", "metric", "value", "details"])
    frame["model_version"] = version
    frame["evaluated_at"] = evaluated_at
    frame["details"] = frame["details"].map(lambda d: json.dumps(d, sort_keys=True, default=str))
    return from_pandas(frame[EVALUATION_COLUMNS], EVALUATION_SELECT_TYPED, session)
