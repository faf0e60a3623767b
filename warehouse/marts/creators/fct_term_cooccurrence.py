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
    from reelmart.frames import map_groups

    config = term_config(settings, level)
    # pairs are counted within a category: on Spark one category's videos at a time in the executors
    return map_groups(dbt.ref("int_video_text_engagement"), lambda videos: term_cooccurrence(videos, config),
                      "category", ["video_id", "category", "title", "hashtags"], SELECT_TYPED, session,
                      order_by="video_id")
