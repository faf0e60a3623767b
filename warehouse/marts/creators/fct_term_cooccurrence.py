"""Pairs of title terms and hashtags used together per category (thin wrapper over models_ml.creators.text)."""

SELECT_TYPED = """
    cast(category as varchar) as category,
    cast(term_a as varchar) as term_a,
    cast(term_b as varchar) as term_b,
    cast(videos_both as bigint) as videos_both,
    cast(videos_a as bigint) as videos_a,
    cast(videos_b as bigint) as videos_b,
    cast(category_videos as bigint) as category_videos,
    cast(cooccurrence_lift as double) as cooccurrence_lift
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_text")
    level = float(dbt.config.get("interval_level"))

    from models_ml.creators.text import term_config, term_cooccurrence

    videos = dbt.ref("int_video_text_engagement").project("video_id, category, title, hashtags").df()
    return session.from_df(term_cooccurrence(videos, term_config(settings, level))).project(SELECT_TYPED)
