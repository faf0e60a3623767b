"""Issue 19: a campaign's uplift fit is kept between scheduled refits and scores the users of later builds.

int_campaign_uplift_fitted stores each campaign's estimator (models_ml.uplift.campaign.fit_campaigns,
dump_model); int_campaign_uplift_scored scores every build's users with it (score_with_fits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.uplift import campaign
from tests.unit.test_uplift_rdr_selection import SETTINGS, lift_study

FIXED = SETTINGS | {"learner": "t"}


def test_fit_then_score_is_the_one_step_fit_and_score() -> None:
    rows = lift_study(2000, 3)
    two_steps = campaign.score_with_fits(rows, campaign.fit_campaigns(rows, FIXED))
    pd.testing.assert_frame_equal(two_steps, campaign.score_campaigns(rows, FIXED))
    assert two_steps["uplift_score"].notna().all() and set(two_steps["fit_status"]) == {"fitted"}


def test_a_kept_fit_scores_later_rows_as_the_estimator_it_stored() -> None:
    """Day 1 fits; on day 2 the study has new users and every user's features moved: the stored fit scores them all
    exactly as the day-1 estimator does, and differently from a refit on day 2."""
    day1 = lift_study(2000, 4)
    fits = campaign.fit_campaigns(day1, FIXED)
    day2 = pd.concat([day1, lift_study(2400, 5).iloc[2000:]], ignore_index=True)
    day2["views"] = day2["views"] + 3
    day2["tenure_days"] = day2["tenure_days"] + 1
    estimator = campaign.fit_campaign(day1, "t", FIXED).model
    scored = campaign.score_with_fits(day2, fits)
    assert len(scored) == 2400 and scored["user_id"].tolist() == sorted(day2["user_id"])
    expected = estimator.predict(campaign.feature_frame(day2.sort_values("user_id")))
    np.testing.assert_array_equal(scored["uplift_score"].to_numpy(), expected)
    refitted = campaign.score_campaigns(day2, FIXED)["uplift_score"].to_numpy()
    assert not np.allclose(refitted, expected)


def test_a_campaign_without_a_fit_or_that_could_not_be_fitted_gets_no_score() -> None:
    rows = pd.concat([lift_study(600, 6), lift_study(600, 7).assign(campaign_id="cmp_b", has_converted=False)])
    fits = campaign.fit_campaigns(rows, FIXED)
    status = fits.set_index("campaign_id")["fit_status"]
    assert status["cmp_a"] == "fitted" and status["cmp_b"].startswith("insufficient_data")
    assert fits.set_index("campaign_id")["fitted_model"].isna().tolist() == [False, True]
    scored = campaign.score_with_fits(rows, fits[fits["campaign_id"] == "cmp_b"])
    by_campaign = scored.groupby("campaign_id")
    assert set(by_campaign.get_group("cmp_a")["fit_status"]) == {"not_fitted"}
    assert scored["uplift_score"].isna().all()


def test_dump_and_load_keep_the_estimator() -> None:
    rows = lift_study(1500, 8)
    estimator = campaign.fit_campaign(rows, "t", FIXED).model
    text = campaign.dump_model(estimator)
    assert isinstance(text, str) and text == campaign.dump_model(campaign.fit_campaign(rows, "t", FIXED).model)
    X = campaign.feature_frame(rows)
    np.testing.assert_array_equal(campaign.load_model(text).predict(X), estimator.predict(X))
    assert campaign.dump_model(None) is None and campaign.load_model(None) is None
