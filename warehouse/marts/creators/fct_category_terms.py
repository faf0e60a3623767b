"""Title terms and hashtags per category with shrunk engagement and sentiment lifts (thin wrapper over
models_ml.creators.text)."""

SELECT_TYPED = """
    cast(category as varchar) as category,
    cast(term as varchar) as term,
    cast(term_type as varchar) as term_type,
    cast(videos_with as bigint) as videos_with,
    cast(videos_without as bigint) as videos_without,
    cast(views_with as bigint) as views_with,
    cast(first_pass_seconds_with as double) as first_pass_seconds_with,
    cast(view_seconds_with as bigint) as view_seconds_with,
    cast(views_without as bigint) as views_without,
    cast(first_pass_seconds_without as double) as first_pass_seconds_without,
    cast(view_seconds_without as bigint) as view_seconds_without,
    cast(raw_engagement_lift as double) as raw_engagement_lift,
    cast(engagement_lift_se as double) as engagement_lift_se,
    cast(engagement_lift as double) as engagement_lift,
    cast(engagement_lift_lower as double) as engagement_lift_lower,
    cast(engagement_lift_upper as double) as engagement_lift_upper,
    cast(sentiment_videos_with as bigint) as sentiment_videos_with,
    cast(raw_sentiment_lift as double) as raw_sentiment_lift,
    cast(sentiment_lift as double) as sentiment_lift,
    cast(sentiment_lift_lower as double) as sentiment_lift_lower,
    cast(sentiment_lift_upper as double) as sentiment_lift_upper,
    cast(prior_sd as double) as prior_sd,
    cast(rank_in_category as integer) as rank_in_category
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_text")
    level = float(dbt.config.get("interval_level"))
    max_rows = int(dbt.config.get("driver_max_rows"))

    from models_ml.creators.text import (
        VIDEO_COLUMNS,
        VIDEO_TERM_COLUMN_TYPES,
        category_term_effects,
        term_config,
        video_terms,
    )
    from reelmart.frames import from_pandas, map_pandas, select_typed, to_pandas

    videos = dbt.ref("int_video_text_engagement")
    # tokenising (jieba) per video: on Spark in the executors; the per-category shrinkage fits on the
    # driver over one row per video and its terms, bounded (docs/spark.md)
    terms = map_pandas(videos, video_terms, ["video_id", "title", "hashtags"], select_typed(VIDEO_TERM_COLUMN_TYPES),
                       session)
    terms = to_pandas(terms, list(VIDEO_TERM_COLUMN_TYPES), order_by="video_id, term",
                      max_rows=max_rows)
    videos = to_pandas(videos, VIDEO_COLUMNS, order_by="video_id", max_rows=max_rows)
    table = category_term_effects(videos, term_config(settings, level), terms=terms)
    return from_pandas(table, SELECT_TYPED, session)
