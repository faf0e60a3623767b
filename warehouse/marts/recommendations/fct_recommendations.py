"""Top-K videos per active user (thin wrapper over models_ml.recommend; see docs/recommendation.md).

Serves the candidate that int_recommender_selected chose on the validation window (its settings are
in the served row's details): fitted on the user x video interactions of every viewer up to
`recommendation_fit_max_users` (above it, a seeded sample of that many drawn in the engine, so only the
sample reaches the driver), it recommends `recommendation_k` unseen videos to each user active in the last
`recommendation_active_days` days of data, one batch of users at a time (on Spark in the executors,
mapInPandas). The fit is kept between builds (models_ml.recommend.kept, issue 19): it is made when the choice
is (int_recommender_selected's schedule) and refreshed on the other days, each viewer's history re-read.
model_version names the fit: it hashes the hyper-parameters, the data it was fitted on and the model's
code, so the same fit and data always produce the same table.
"""

SELECT_TYPED = """
    cast(user_id as bigint) as user_id,
    cast(rank as integer) as rank,
    cast(video_id as bigint) as video_id,
    cast(score as double) as score,
    cast(reason as varchar) as reason,
    cast(model_version as varchar) as model_version,
    cast(as_of_date as date) as as_of_date
"""
OUTPUT_COLUMNS = ["user_id", "rank", "video_id", "score", "reason", "model_version", "as_of_date"]


def model(dbt, session):
    dbt.config(materialized="table")
    k = dbt.config.get("recommendation_k")
    params = dbt.config.get("recommendation_params")
    threads = dbt.config.get("recommendation_threads")
    fit_max_users = dbt.config.get("recommendation_fit_max_users")
    cache_dir = dbt.config.get("model_cache_dir")

    import json

    import pandas as pd

    # the package whole first: dbt runs the recommender models in parallel threads, and two threads importing
    # its submodules while one initialises the package deadlock on Python's import locks
    import models_ml.recommend  # noqa: F401
    from models_ml.recommend import Recommender
    from models_ml.recommend.evaluation import sample_positions
    from models_ml.recommend.inputs import (
        AGGREGATE_COLUMNS,
        MAX_DRIVER_VIDEOS,
        USER_FEATURE_PREFIX,
        interactions_from_aggregates,
        item_features_from_videos,
        model_version,
        user_features_from_profiles,
    )
    from models_ml.recommend.kept import fit_key, kept_fit
    from models_ml.recommend.selection import served_params
    from reelmart.frames import map_pandas, sample_by_key, scalar, semi_join, to_pandas

    users = dbt.ref("int_recommendation_users_selected")
    served = to_pandas(dbt.ref("int_recommender_selected").filter("metric = 'served' and value = 1"),
                       ["details", "model_version"], max_rows=1)
    choice = served_params(json.loads(served["details"].iloc[0])) if len(served) else {"ranking": "ltr"}
    settings = {**dict(params or {}), **choice, "num_threads": int(threads or 0)}
    random_state = int(settings.get("random_state", 0))
    max_users = int(fit_max_users) if fit_max_users else None
    sample, viewers, _ = sample_by_key(dbt.ref("int_user_video_interactions_aggregated"), "user_id",
                                       lambda n: sample_positions(n, max_users, random_state), session)
    interactions = interactions_from_aggregates(to_pandas(sample, list(AGGREGATE_COLUMNS)))
    videos = dbt.ref("int_video_features_summarised")
    items = item_features_from_videos(to_pandas(videos, list(videos.columns), max_rows=MAX_DRIVER_VIDEOS))
    profile_columns = ["user_id", "region", "age_band"] + [c for c in users.columns if c.startswith(USER_FEATURE_PREFIX)]
    profiles = user_features_from_profiles(to_pandas(semi_join(users, viewers, "user_id"), profile_columns,
                                                     order_by="user_id"))
    fit_settings = {**settings, "k": int(k), "fit_max_users": max_users}
    version = model_version(fit_settings, interactions, items, profiles)
    as_of = scalar(users, "max(as_of_date)")
    recommender = None
    if len(interactions):
        kept = kept_fit(cache_dir, fit_key(fit_settings, served["model_version"].iloc[0] if len(served) else ""),
                        version, fit=lambda: Recommender(**settings).fit(interactions, items, profiles),
                        refresh=lambda model: model.refresh(interactions, items, profiles))
        recommender, version = kept.model, kept.version

    def recommend(batch: pd.DataFrame) -> pd.DataFrame:
        """One batch of active users' lists (each user's list depends on the fitted model alone)."""
        if recommender is None or not len(batch):
            return pd.DataFrame({c: pd.Series(dtype="object") for c in OUTPUT_COLUMNS})
        recs = recommender.recommend(batch["user_id"].tolist(), k=int(k), exclude_seen=True)
        result = recs.rename(columns={"item_id": "video_id"})
        result["model_version"] = version
        result["as_of_date"] = as_of
        return result[OUTPUT_COLUMNS]

    return map_pandas(users.filter("is_active"), recommend, ["user_id"], SELECT_TYPED, session, order_by="user_id")
