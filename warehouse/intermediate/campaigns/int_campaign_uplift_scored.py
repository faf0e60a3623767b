"""Per-user uplift scores per campaign: a thin wrapper over models_ml.uplift.campaign.score_campaigns.

Grain: one row per campaign x user of the lift study. For each campaign the learner named by the var
`campaign_uplift.learner` is fitted on the training split (treatment = randomised to treatment,
outcome = converted during the flight) and scores every user. A campaign whose training split has no
converter in an arm cannot be fitted: its users get a NULL score and the reason in fit_status.
"""

import json

from models_ml.uplift.campaign import score_campaigns


def model(dbt, session):
    dbt.config(materialized="table")
    uplift_config = dbt.config.get("uplift")
    params = json.loads(uplift_config) if isinstance(uplift_config, str) else dict(uplift_config)
    return score_campaigns(dbt.ref("int_campaign_uplift_features").df(), params)
