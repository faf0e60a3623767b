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


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_text")
    level = float(dbt.config.get("interval_level"))

    from models_ml.creators.text import term_config
    from models_ml.creators.titles import SUGGESTION_COLUMNS, fit_scorer, suggest_titles

    videos = dbt.ref("int_video_text_engagement").df()
    terms = dbt.ref("fct_category_terms").df()
    latest = videos.sort_values(["published_at", "video_id"], kind="stable").groupby("creator_id").tail(1)
    if len(terms) == 0:
        import pandas as pd

        return session.from_df(pd.DataFrame(columns=SUGGESTION_COLUMNS)).project(SELECT_TYPED)
    scorer = fit_scorer(videos, term_config(settings, level))
    return session.from_df(suggest_titles(latest, terms, scorer)).project(SELECT_TYPED)
