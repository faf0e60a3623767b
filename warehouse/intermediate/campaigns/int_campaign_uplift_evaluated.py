"""Held-out evaluation of each campaign's uplift model: a thin wrapper over models_ml.uplift.evaluation.

Grain: one row per model (campaign) x metric. Qini coefficient, AUUC and uplift@10% (scikit-uplift
definitions) on the evaluation split only; a metric that is undefined there (e.g. no converter in the
split) is NULL with the reason in details. Engine-neutral (reelmart.frames.map_groups): on Spark each
campaign's scored users are evaluated in an executor.
"""


def model(dbt, session):
    dbt.config(materialized="table")

    import pandas as pd

    from models_ml.evaluations import EVALUATION_SELECT_TYPED
    from models_ml.uplift.evaluation import evaluate_campaigns
    from reelmart.frames import map_groups, scalar

    scored = dbt.ref("int_campaign_uplift_scored")
    as_of = scalar(dbt.ref("int_campaign_lift_statistics"), "max(as_of_date)")
    evaluated_at = pd.Timestamp(as_of) + pd.Timedelta(days=1) if as_of is not None else pd.NaT
    def evaluate(rows):
        # per campaign (evaluate_campaigns groups by it), in user order: the Qini curve breaks ties by row order
        return evaluate_campaigns(rows.sort_values(["campaign_id", "user_id"], ignore_index=True), evaluated_at)

    return map_groups(scored, evaluate, "campaign_id", list(scored.columns), EVALUATION_SELECT_TYPED, session)
