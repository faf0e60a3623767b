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

    from models_ml.creators.outline import script_outline
    from models_ml.creators.text import term_config

    videos = dbt.ref("fct_video_retention").project(
        "video_id, creator_id, category, duration_seconds, length_bucket, views, hold_3s, "
        "first_pass_percentage_viewed").df()
    text = dbt.ref("int_video_text_engagement").project("video_id, title, hashtags").df()
    moments = dbt.ref("fct_video_key_moments").filter("moment_type = 'dip'").project("video_id, second_index").df()
    dips = moments.merge(videos[["video_id", "duration_seconds"]], on="video_id")
    terms = dbt.ref("fct_category_terms").df()
    outline = script_outline(videos.merge(text, on="video_id"), dips, terms, term_config(settings, level))
    return session.from_df(outline).project(SELECT_TYPED)
