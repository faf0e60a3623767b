"""Offline evaluation of the recommender on the warehouse's own interactions (models_ml.recommend).

Grain: one row per model x metric. Per user, the latest 20% of their user x video interactions (by
last view) is the test set; ALS hyper-parameters are chosen on a validation window cut from the
training part, and the full model trains its ranker on that window too, so test data informs no
choice. Above `max_train_users` viewers the comparison runs on a random sample of that many. Models: most-popular, item-kNN, ALS alone, EASE, the rank blend, the full model (LambdaRank re-ranker),
and the full model and ALS without the comment-sentiment term. The sample is drawn in the engine
(reelmart.frames.sample_by_key: the sorted viewer ids, models_ml.recommend.evaluation.sample_positions'
seeded draw, a semi-join), so only the sampled viewers' interactions reach the driver. Profile affinities are left out of the user features: dim_users
computes them over the whole window, test period included. Switched off (var
recommendation_evaluation.enabled = false) the model is empty, with the same columns (after a full
refresh: a daily build keeps the rows it has).
Scheduled (issue 19): a build keeps the last evaluation unless models_ml.schedule.refit_reason says
refit (first build, var refit, or var refit_every_days of new data); a refit replaces every row.
"""

import json

USER_COLUMNS = ["user_id", "region", "age_band", "as_of_date"]
MODEL_NAMES = {
    "most-popular": "recommender_most_popular",
    "item-kNN": "recommender_item_knn",
    "ALS": "recommender_als",
    "EASE": "recommender_ease",
    "rank blend": "recommender_blend",
    "full model": "recommender_full",
    "full model, no sentiment": "recommender_full_no_sentiment",
    "ALS, no sentiment": "recommender_als_no_sentiment",
}


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key=["model_name", "metric"])  # strategy per engine: yml
    settings = dbt.config.get("recommendation_evaluation")
    params = dbt.config.get("recommendation_params")
    threads = dbt.config.get("recommendation_threads")
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")

    import pandas as pd

    # the package whole first: dbt runs the recommender models in parallel threads, and two threads importing
    # its submodules while one initialises the package deadlock on Python's import locks
    import models_ml.recommend  # noqa: F401
    from models_ml.evaluations import EVALUATION_COLUMNS, EVALUATION_SELECT_TYPED
    from models_ml.recommend import evaluate_models
    from models_ml.recommend.evaluation import sample_positions
    from models_ml.recommend.inputs import (
        AGGREGATE_COLUMNS,
        MAX_DRIVER_VIDEOS,
        interactions_from_aggregates,
        item_features_from_videos,
        model_version,
        user_features_from_profiles,
    )
    from models_ml.schedule import refit_reason
    from reelmart.frames import from_pandas, sample_by_key, scalar, semi_join, to_pandas

    users = dbt.ref("int_recommendation_users_selected")
    as_of = scalar(users, "max(as_of_date)")
    last = scalar(session.sql(f"select evaluated_at from {dbt.this}"), "max(evaluated_at)") if dbt.is_incremental else None
    if refit_reason(last, pd.Timestamp(as_of) + pd.Timedelta(days=1), refit_every_days, refit) is None:
        return session.sql(f"select * from {dbt.this} where false")
    settings = dict(settings or {})
    if not settings.get("enabled", True):
        return from_pandas(pd.DataFrame({c: pd.Series(dtype="object") for c in EVALUATION_COLUMNS}), EVALUATION_SELECT_TYPED, session)
    k = int(settings.get("k", 10))
    max_users = settings.get("max_eval_users")
    max_train_users = settings.get("max_train_users")
    tune = bool(settings.get("tune", True))
    random_state = int((params or {}).get("random_state", 0))

    # evaluate_models' own draw (max_train_users viewers), made in the engine over the sorted viewer ids
    sample, viewers, population = sample_by_key(
        dbt.ref("int_user_video_interactions_aggregated"), "user_id",
        lambda n: sample_positions(n, int(max_train_users) if max_train_users else None, random_state), session)
    interactions = interactions_from_aggregates(to_pandas(sample, list(AGGREGATE_COLUMNS)))
    videos = dbt.ref("int_video_features_summarised")
    items = item_features_from_videos(to_pandas(videos, list(videos.columns), max_rows=MAX_DRIVER_VIDEOS))
    profiles = user_features_from_profiles(to_pandas(semi_join(users, viewers, "user_id"), USER_COLUMNS,
                                                     order_by="user_id"), with_affinity=False)
    table = evaluate_models(
        interactions, items, profiles, k=k, max_eval_users=int(max_users) if max_users else None, tune=tune,
        random_state=random_state, num_threads=int(threads or 0),
        max_train_users=int(max_train_users) if max_train_users else None,
    )
    evaluated_at = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    common = {"k": k, "split": "per-user temporal, latest 20% test", "tune_als": tune,
              "interactions": int(len(interactions)), "catalogue": int(len(items)),
              "viewers": population, "viewers_compared": min(population, int(max_train_users or population))}
    rows = []
    for record in table.to_dict("records"):
        name = MODEL_NAMES.get(record["model"], record["model"])
        version = model_version({"model": name, **common, "random_state": random_state}, interactions, items)
        details = json.dumps({"label": record["model"], "users": int(record["users"]), **common,
                              "ndcg_gain_se": round(float(record["gain_se"]), 6)
                              if record["gain_se"] == record["gain_se"] else None})
        for metric, column in ((f"precision_at_{k}", "precision"), (f"recall_at_{k}", "recall"),
                               (f"ndcg_at_{k}", "ndcg"), (f"map_at_{k}", "map"), ("catalogue_coverage", "coverage"),
                               (f"ndcg_at_{k}_gain_of_full", "ndcg_gain_of_full"), ("users_evaluated", "users")):
            rows.append({"model_name": name, "model_version": version, "metric": metric,
                         "value": float(record[column]), "evaluated_at": evaluated_at, "details": details})
    return from_pandas(pd.DataFrame(rows, columns=EVALUATION_COLUMNS), EVALUATION_SELECT_TYPED, session)
