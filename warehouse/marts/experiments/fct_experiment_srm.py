"""The sample-ratio check of every experiment slice and day (thin wrapper over models_ml.experiments).

One home for the SRM p-value: dim_experiments flags an experiment from its overall last day, and
the report reads it from here instead of from every result row.
"""


def model(dbt, session):
    dbt.config(materialized="table")

    from models_ml.experiments import srm_by_slice

    stats = dbt.ref("fct_experiment_sufficient_stats").df()
    return srm_by_slice(stats)
