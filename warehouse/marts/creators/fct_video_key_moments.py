"""Key moments (dips and holds) of every video's retention curve (thin wrapper over models_ml.creators)."""

SELECT_TYPED = """
    cast(video_id as bigint) as video_id,
    cast(second_index as integer) as second_index,
    cast(moment_type as varchar) as moment_type,
    cast(views_at_risk as bigint) as views_at_risk,
    cast(exits as bigint) as exits,
    cast(hazard as double) as hazard,
    cast(baseline_hazard as double) as baseline_hazard,
    cast(hazard_ratio as double) as hazard_ratio,
    cast(p_value as double) as p_value,
    cast(q_value as double) as q_value
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("creator_retention")

    from models_ml.creators import KeyMomentConfig, detect_key_moments

    config = KeyMomentConfig(alpha=float(settings["fdr_alpha"]), window=int(settings["window"]),
                             gap=int(settings["gap"]), min_views_at_risk=int(settings["min_views_at_risk"]))
    curves = dbt.ref("fct_video_retention_curve").project("video_id, second_index, views_at_risk, exits").df()
    return session.from_df(detect_key_moments(curves, config)).project(SELECT_TYPED)
