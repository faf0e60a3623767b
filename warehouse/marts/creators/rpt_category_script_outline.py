"""A script outline per category from what holds viewers there (thin wrapper over models_ml.creators.outline)."""

SELECT_TYPED = """
    cast(category as varchar) as category,
    cast(line_order as integer) as line_order,
    cast(topic as varchar) as topic,
    cast(advice as varchar) as advice,
    cast(evidence as varchar) as evidence,
    cast(videos as bigint) as videos,
    cast(effect as double) as effect,
    cast(effect_lower as double) as effect_lower,
    cast(effect_upper as double) as effect_upper
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_text")
    level = float(dbt.config.get("interval_level"))
    max_rows = int(dbt.config.get("driver_max_rows"))

    from models_ml.creators.outline import script_outline
    from models_ml.creators.text import VIDEO_TERM_COLUMN_TYPES, term_config, video_terms
    from reelmart.frames import from_pandas, map_pandas, select_typed, to_pandas

    # tokenising (jieba) per video: on Spark in the executors; the outline's statistics (creator levels,
    # per-category lifts) fit on the driver over one row per video, its terms and dips, bounded (docs/spark.md)
    text = dbt.ref("int_video_text_engagement")
    terms = map_pandas(text, video_terms, ["video_id", "title", "hashtags"], select_typed(VIDEO_TERM_COLUMN_TYPES),
                       session)
    terms = to_pandas(terms, list(VIDEO_TERM_COLUMN_TYPES), order_by="video_id, term",
                      max_rows=max_rows)
    videos = to_pandas(dbt.ref("fct_video_retention"), [
        "video_id", "creator_id", "category", "duration_seconds", "length_bucket", "views", "hold_3s",
        "first_pass_percentage_viewed"], order_by="video_id", max_rows=max_rows)
    text = to_pandas(text, ["video_id", "title", "hashtags"], order_by="video_id", max_rows=max_rows)
    moments = dbt.ref("fct_video_key_moments").filter("moment_type = 'dip'")
    dips = to_pandas(moments, ["video_id", "second_index"], order_by="video_id, second_index",
                     max_rows=max_rows)
    dips = dips.merge(videos[["video_id", "duration_seconds"]], on="video_id")
    category_terms = dbt.ref("fct_category_terms")
    category_terms = to_pandas(category_terms, list(category_terms.columns), order_by="category, rank_in_category",
                               max_rows=max_rows)
    outline = script_outline(videos.merge(text, on="video_id"), dips, category_terms, term_config(settings, level),
                             terms=terms)
    return from_pandas(outline, SELECT_TYPED, session)
