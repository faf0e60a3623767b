"""Best time to post per category and publish window, shrunk early watch-through (thin wrapper over
models_ml.creators.posting)."""

SELECT_TYPED = """
    cast(category as varchar) as category,
    cast(bucket_start_hour as integer) as bucket_start_hour,
    cast(bucket_end_hour as integer) as bucket_end_hour,
    cast(videos as bigint) as videos,
    cast(early_views as bigint) as early_views,
    cast(early_completed_views as bigint) as early_completed_views,
    cast(raw_watch_through as double) as raw_watch_through,
    cast(category_watch_through as double) as category_watch_through,
    cast(raw_lift as double) as raw_lift,
    cast(lift_se as double) as lift_se,
    cast(lift as double) as lift,
    cast(lift_lower as double) as lift_lower,
    cast(lift_upper as double) as lift_upper,
    cast(watch_through as double) as watch_through,
    cast(watch_through_lower as double) as watch_through_lower,
    cast(watch_through_upper as double) as watch_through_upper,
    cast(prior_sd as double) as prior_sd,
    cast(is_best_time as boolean) as is_best_time
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_posting")

    from models_ml.creators.posting import posting_time_effects
    from reelmart.frames import from_pandas, to_pandas

    # one prior over every category's windows: fitted on the driver over one row per video, bounded
    # (docs/spark.md)
    videos = to_pandas(dbt.ref("int_video_early_engagement"),
                       ["video_id", "category", "publish_hour", "early_views", "early_completed_views"],
                       order_by="video_id", max_rows=int(dbt.config.get("driver_max_rows")))
    table = posting_time_effects(videos, bucket_hours=int(settings["bucket_hours"]),
                                 min_views=int(settings["min_views"]),
                                 level=float(dbt.config.get("interval_level")))
    return from_pandas(table, SELECT_TYPED, session)
