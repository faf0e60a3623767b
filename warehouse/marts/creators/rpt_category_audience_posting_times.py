"""Best time to post per category, audience (the viewers' country) and publish window (thin wrapper over
models_ml.creators.posting.audience_posting_effects)."""

SELECT_TYPED = """
    cast(category as varchar) as category,
    cast(audience as varchar) as audience,
    cast(bucket_start_hour as integer) as bucket_start_hour,
    cast(bucket_end_hour as integer) as bucket_end_hour,
    cast(videos as bigint) as videos,
    cast(audience_views as bigint) as audience_views,
    cast(audience_completed_views as bigint) as audience_completed_views,
    cast(other_views as bigint) as other_views,
    cast(other_completed_views as bigint) as other_completed_views,
    cast(raw_lift as double) as raw_lift,
    cast(lift_se as double) as lift_se,
    cast(pooled_lift as double) as pooled_lift,
    cast(pooled_lift_se as double) as pooled_lift_se,
    cast(prior_sd as double) as prior_sd,
    cast(lift as double) as lift,
    cast(lift_lower as double) as lift_lower,
    cast(lift_upper as double) as lift_upper,
    cast(p_value as double) as p_value,
    cast(q_value as double) as q_value,
    cast(is_best_time as boolean) as is_best_time
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_posting")

    from models_ml.creators.posting import audience_posting_effects
    from reelmart.frames import from_pandas, to_pandas

    # one prior over every category's audience windows: fitted on the driver over one row per video x
    # audience with early views (6 columns), bounded (docs/spark.md)
    views = to_pandas(dbt.ref("int_video_early_audience"),
                      ["video_id", "category", "publish_hour", "audience", "early_views", "early_completed_views"],
                      order_by="video_id, audience", max_rows=int(dbt.config.get("driver_max_rows")))
    table = audience_posting_effects(views, bucket_hours=int(settings["bucket_hours"]),
                                     fdr_alpha=float(settings["fdr_alpha"]),
                                     level=float(dbt.config.get("interval_level")))
    return from_pandas(table, SELECT_TYPED, session)
