"""The sample-ratio check of every experiment slice and day (thin wrapper over models_ml.experiments).

One home for the SRM p-value: dim_experiments flags an experiment from its overall last day, and
the report reads it from here instead of from every result row. Engine-neutral (reelmart.frames): the
input is one row per arm x slice x day x metric, small by design (bound in docs/spark.md).
"""

SELECT_TYPED = """
    cast(experiment_id as varchar) as experiment_id,
    cast(dimension_name as varchar) as dimension_name,
    cast(dimension_value as varchar) as dimension_value,
    cast(day_index as integer) as day_index,
    cast(arms as bigint) as arms,
    cast(analysed_users as bigint) as analysed_users,
    cast(srm_p_value as double) as srm_p_value
"""
MAX_STATS_ROWS = 1_000_000


def model(dbt, session):
    dbt.config(materialized="table")

    from models_ml.experiments import srm_by_slice
    from models_ml.experiments.srm import SRM_SLICE_COLUMNS
    from reelmart.frames import from_pandas, to_pandas

    stats = to_pandas(dbt.ref("fct_experiment_sufficient_stats"),
                      [*SRM_SLICE_COLUMNS, "variant_id", "n_users", "variant_weight"],
                      order_by=", ".join([*SRM_SLICE_COLUMNS, "variant_id"]), max_rows=MAX_STATS_ROWS)
    return from_pandas(srm_by_slice(stats), SELECT_TYPED, session)
