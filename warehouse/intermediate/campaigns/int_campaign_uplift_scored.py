"""Per-user uplift scores per campaign: a thin wrapper over models_ml.uplift.campaign.score_campaigns.

Grain: one row per campaign x user of the lift study. For each campaign the learner named by the var
`campaign_uplift.learner` is fitted on the training split (treatment = randomised to treatment,
outcome = converted during the flight) and scores every user. A campaign whose training split has no
converter in an arm cannot be fitted: its users get a NULL score and the reason in fit_status.
Engine-neutral (reelmart.frames.map_groups): on Spark each campaign is fitted and scored in an executor
(one campaign's users at a time), nothing of it on the driver.
"""

SELECT_TYPED = """
    cast(campaign_id as varchar) as campaign_id,
    cast(user_id as bigint) as user_id,
    cast(is_treatment as boolean) as is_treatment,
    cast(has_converted as boolean) as has_converted,
    cast(is_evaluation as boolean) as is_evaluation,
    cast(uplift_score as double) as uplift_score,
    cast(model_name as varchar) as model_name,
    cast(model_version as varchar) as model_version,
    cast(fit_status as varchar) as fit_status,
    cast(learner as varchar) as learner,
    cast(selection as varchar) as selection
"""


def model(dbt, session):
    dbt.config(materialized="table")
    uplift_config = dbt.config.get("uplift")

    import json

    from models_ml.uplift.campaign import score_campaigns
    from reelmart.frames import map_groups

    params = json.loads(uplift_config) if isinstance(uplift_config, str) else dict(uplift_config)
    features = dbt.ref("int_campaign_uplift_features")
    # score_campaigns fits each campaign on its own rows only, so one call per campaign gives the same rows
    return map_groups(features, lambda rows: score_campaigns(rows, params), "campaign_id", list(features.columns),
                      SELECT_TYPED, session, order_by="campaign_id, user_id")
