"""Top-K videos per active user (thin wrapper over models_ml.recommend; see docs/recommendation.md).

Serves the candidate that int_recommender_selected chose on the validation window (its settings are
in the served row's details): fitted on every user x video interaction, it recommends
`recommendation_k` unseen videos to each user active in the last `recommendation_active_days` days of
data. model_version hashes the hyper-parameters, the input data and the model's code, so the same
data, settings and code always produce the same table.
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


def model(dbt, session):
    dbt.config(materialized="table")
    k = dbt.config.get("recommendation_k")
    params = dbt.config.get("recommendation_params")
    threads = dbt.config.get("recommendation_threads")

    import json

    import pandas as pd

    from models_ml.recommend import Recommender
    from models_ml.recommend.inputs import (
        AGGREGATE_COLUMNS,
        interactions_from_aggregates,
        item_features_from_videos,
        model_version,
        user_features_from_profiles,
    )
    from models_ml.recommend.selection import served_params

    aggregates = dbt.ref("int_user_video_interactions_aggregated").project(", ".join(AGGREGATE_COLUMNS)).df()
    videos = dbt.ref("int_video_features_summarised").df()
    users = dbt.ref("int_recommendation_users_selected").order("user_id").df()
    interactions = interactions_from_aggregates(aggregates)
    items = item_features_from_videos(videos)
    profiles = user_features_from_profiles(users)
    served = dbt.ref("int_recommender_selected").filter("metric = 'served' and value = 1").project("details").df()
    choice = served_params(json.loads(served["details"].iloc[0])) if len(served) else {"ranking": "ltr"}
    settings = {**dict(params or {}), **choice, "num_threads": int(threads or 0)}
    version = model_version({**settings, "k": int(k)}, interactions, items, profiles)

    active = users.loc[users["is_active"].astype(bool), "user_id"].tolist()
    if len(interactions) == 0 or not active:
        recs = pd.DataFrame({c: [] for c in ("user_id", "item_id", "score", "rank", "reason")})
    else:
        recommender = Recommender(**settings).fit(interactions, items, profiles)
        recs = recommender.recommend(active, k=int(k), exclude_seen=True)
    result = recs.rename(columns={"item_id": "video_id"})
    result["model_version"] = version
    result["as_of_date"] = users["as_of_date"].max() if len(users) else None
    return session.from_df(result).project(SELECT_TYPED)
