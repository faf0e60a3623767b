"""Each campaign's uplift model, fitted on the refit schedule: a thin wrapper over models_ml.uplift.campaign.fit_campaigns.

Grain: one row per campaign. Scheduled (issue 19): a build fits the campaigns that models_ml.schedule.refit_reason
says to refit (never fitted, var refit, or var refit_every_days of new data since the campaign's data_through)
and keeps the others' rows, the fitted estimator included, for int_campaign_uplift_scored to score with.
data_through is the newest event day of the data the fit saw. Engine-neutral (reelmart.frames.map_groups): on
Spark each campaign is fitted in an executor.
"""

SELECT_TYPED = """
    cast(campaign_id as varchar) as campaign_id,
    cast(model_name as varchar) as model_name,
    cast(model_version as varchar) as model_version,
    cast(fit_status as varchar) as fit_status,
    cast(learner as varchar) as learner,
    cast(selection as varchar) as selection,
    cast(training_users as bigint) as training_users,
    cast(data_through as date) as data_through,
    cast(fitted_model as varchar) as fitted_model
"""


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="campaign_id")  # strategy per engine: yml
    uplift_config = dbt.config.get("uplift")
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")

    import json

    import pandas as pd

    from models_ml.schedule import refit_reason
    from models_ml.uplift.campaign import fit_campaigns
    from reelmart.frames import distinct_values, from_pandas, map_groups, scalar, semi_join, to_pandas

    params = json.loads(uplift_config) if isinstance(uplift_config, str) else dict(uplift_config)
    features = dbt.ref("int_campaign_uplift_features")
    data_through = scalar(dbt.ref("int_campaign_lift_statistics"), "max(as_of_date)")
    kept = {}
    if dbt.is_incremental:
        stored = to_pandas(session.sql(f"select campaign_id, data_through from {dbt.this}"),
                           ["campaign_id", "data_through"])
        kept = dict(zip(stored["campaign_id"], stored["data_through"], strict=True))
    due = [c for c in distinct_values(features, "campaign_id")
           if refit_reason(kept.get(c), data_through, refit_every_days, refit) is not None]
    if not due:
        return session.sql(f"select * from {dbt.this} where false")
    due_frame = from_pandas(pd.DataFrame({"campaign_id": due}), "cast(campaign_id as varchar) as campaign_id", session)

    def fit(rows):
        fitted = fit_campaigns(rows, params)
        fitted["data_through"] = pd.Timestamp(data_through).date() if data_through is not None else None
        return fitted

    # fit_campaigns fits each campaign on its own rows only, so one call per campaign gives the same rows
    return map_groups(semi_join(features, due_frame, "campaign_id"), fit, "campaign_id", list(features.columns),
                      SELECT_TYPED, session, order_by="campaign_id, user_id")
