"""Title and hashtag suggestions for each creator's next video (thin wrapper over models_ml.creators.titles)."""

SELECT_TYPED = """
    cast(creator_id as bigint) as creator_id,
    cast(category as varchar) as category,
    cast(suggestion_rank as integer) as suggestion_rank,
    cast(title as varchar) as title,
    cast(hashtags as varchar) as hashtags,
    cast(base_title as varchar) as base_title,
    cast(added_terms as varchar) as added_terms,
    cast(predicted_gain as double) as predicted_gain,
    cast(evidence as varchar) as evidence
"""


LATEST_TYPED = """
    cast(creator_id as bigint) as creator_id,
    cast(category as varchar) as category,
    cast(title as varchar) as title,
    cast(hashtags as varchar) as hashtags
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_text")
    level = float(dbt.config.get("interval_level"))
    max_rows = int(dbt.config.get("driver_max_rows"))

    from models_ml.creators.text import VIDEO_COLUMNS, term_config
    from models_ml.creators.titles import SUGGESTION_COLUMNS, fit_scorer, suggest_titles
    from reelmart.frames import from_pandas, map_pandas, to_pandas

    # the scorer fits on the driver over one row per video, bounded (docs/spark.md)
    videos = to_pandas(dbt.ref("int_video_text_engagement"), [*VIDEO_COLUMNS, "published_at"],
                       order_by="video_id", max_rows=max_rows)
    terms = dbt.ref("fct_category_terms")
    terms = to_pandas(terms, list(terms.columns), order_by="category, rank_in_category", max_rows=max_rows)
    if len(terms) == 0:
        import pandas as pd

        return from_pandas(pd.DataFrame(columns=SUGGESTION_COLUMNS), SELECT_TYPED, session)
    scorer = fit_scorer(videos, term_config(settings, level))
    latest = videos.sort_values(["published_at", "video_id"], kind="stable").groupby("creator_id").tail(1)
    latest = from_pandas(latest[["creator_id", "category", "title", "hashtags"]], LATEST_TYPED, session)
    # candidates and their scores per creator: on Spark in the executors, the scorer and terms shipped along
    return map_pandas(latest, lambda frame: suggest_titles(frame, terms, scorer),
                      ["creator_id", "category", "title", "hashtags"], SELECT_TYPED, session, order_by="creator_id")
