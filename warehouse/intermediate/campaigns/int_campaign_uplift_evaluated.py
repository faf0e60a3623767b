"""Held-out evaluation of each campaign's uplift model: a thin wrapper over models_ml.uplift.evaluation.

Grain: one row per model (campaign) x metric. Qini coefficient, AUUC and uplift@10% (scikit-uplift
definitions) on the evaluation split only; a metric that is undefined there (e.g. no converter in the
split) is NULL with the reason in details.
"""

import pandas as pd

from models_ml.uplift.evaluation import evaluate_campaigns


def model(dbt, session):
    dbt.config(materialized="table")
    scored = dbt.ref("int_campaign_uplift_scored").df()
    statistics = dbt.ref("int_campaign_lift_statistics").df()
    as_of = statistics["as_of_date"].max()
    evaluated_at = pd.Timestamp(as_of) + pd.Timedelta(days=1) if pd.notna(as_of) else pd.NaT
    return evaluate_campaigns(scored, evaluated_at)
