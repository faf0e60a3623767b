"""Holdout lift per campaign: a thin wrapper over models_ml.experiments.holdout_lift.

Grain: one row per campaign with a lift study. The SQL mart fct_campaign_lift puts a contract on it.
"""

from models_ml.experiments import holdout_lift


def model(dbt, session):
    dbt.config(materialized="table")
    alpha = dbt.config.get("alpha")
    statistics = dbt.ref("int_campaign_lift_statistics").df()
    numeric = [c for c in statistics.columns if c.startswith(("treatment_", "holdout_")) or c == "spend"]
    statistics[numeric] = statistics[numeric].astype(float)
    return holdout_lift(statistics, alpha=float(alpha))
