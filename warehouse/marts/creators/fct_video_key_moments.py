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

    from models_ml.creators import CURVE_COLUMNS, KeyMomentConfig, detect_key_moments
    from reelmart.frames import map_groups

    config = KeyMomentConfig(alpha=float(settings["fdr_alpha"]), window=int(settings["window"]),
                             gap=int(settings["gap"]), min_views_at_risk=int(settings["min_views_at_risk"]),
                             min_hazard_ratio=float(settings["min_hazard_ratio"]))
    # the tests and the FDR family are per video: on Spark one video's curve at a time in the executors
    return map_groups(dbt.ref("fct_video_retention_curve"), lambda curves: detect_key_moments(curves, config),
                      "video_id", CURVE_COLUMNS, SELECT_TYPED, session)
