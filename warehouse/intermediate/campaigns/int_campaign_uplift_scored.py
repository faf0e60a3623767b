"""Per-user uplift scores per campaign: a thin wrapper over models_ml.uplift.campaign.score_with_fits.

Grain: one row per campaign x user of the lift study. Every build scores every user of every campaign with
the campaign's fit in int_campaign_uplift_fitted (the learner named by var `campaign_uplift.learner`, fitted
on the training split; treatment = randomised to treatment, outcome = converted during the flight), which is
kept between scheduled refits (issue 19): the features of every user move daily (tenure, views), so a daily
build rescores them all, and only fitting waits for the schedule. A campaign whose training split had no
converter in an arm was not fitted: its users get a NULL score and the reason in fit_status.
Engine-neutral (reelmart.frames.map_groups): on Spark each campaign is scored in an executor (one campaign's
users at a time); the fits (one row per campaign) travel with the function.
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
    cast(learner as varchar) as learner
"""
MAX_CAMPAIGNS = 100_000


def model(dbt, session):
    dbt.config(materialized="table")

    from models_ml.uplift.campaign import FIT_COLUMNS, score_with_fits
    from reelmart.frames import map_groups, to_pandas

    fits = to_pandas(dbt.ref("int_campaign_uplift_fitted"), FIT_COLUMNS, order_by="campaign_id",
                     max_rows=MAX_CAMPAIGNS)
    features = dbt.ref("int_campaign_uplift_features")

    def score(rows):
        return score_with_fits(rows, fits[fits["campaign_id"].isin(rows["campaign_id"].unique())])

    return map_groups(features, score, "campaign_id", list(features.columns), SELECT_TYPED, session,
                      order_by="campaign_id, user_id")
