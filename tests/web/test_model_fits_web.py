"""Issue 19: the recommendations page says on which data its scheduled fits ran (they are kept between refits)."""

from __future__ import annotations

import re

import duckdb


def test_recommendations_page_says_when_the_scheduled_fits_ran(logged_in, tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        expected = con.execute("select cast(max(evaluated_at) as date) - 1 from fct_model_evaluations "
                               "where model_name like 'recommender_candidate_%'").fetchone()[0]
    html = logged_in.get("/recommendations").get_data(as_text=True)
    sentence = re.search(r'<p class="meta" id="rec-fits">(.*?)</p>', html, re.S)
    assert sentence, "no fit sentence on the page"
    assert "(served-model choice)" in sentence.group(1) and "(offline evaluation)" in sentence.group(1)
    assert expected.isoformat() in sentence.group(1)
    assert "refreshed on the builds between" in sentence.group(1)  # the served model is kept too


def test_campaign_page_says_on_which_data_the_uplift_model_was_fitted(logged_in, tiny_warehouse):
    """The uplift model is kept between scheduled refits (int_campaign_uplift_fitted): the page names its data."""
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        campaign, fitted_through = con.execute(
            "select campaign_id, data_through from int_campaign_uplift_fitted where fit_status = 'fitted' "
            "order by campaign_id limit 1").fetchone()
    html = logged_in.get(f"/campaigns/{campaign}").get_data(as_text=True)
    sentence = re.search(r'<p class="meta" id="uplift-fit">(.*?)</p>', html, re.S)
    assert sentence, "no fit sentence on the campaign page"
    assert fitted_through.isoformat() in sentence.group(1) and "refit_every_days" in sentence.group(1)


def test_placement_page_says_on_which_data_the_plan_was_fitted(logged_in, tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        advertiser, fitted_through = con.execute(
            "select advertiser_id, data_through from int_placement_plans_summarised order by advertiser_id limit 1"
        ).fetchone()
    html = logged_in.get(f"/placement/{advertiser}").get_data(as_text=True)
    sentence = re.search(r'<p class="meta" id="plan-fit">(.*?)</p>', html, re.S)
    assert sentence, "no fit sentence on the placement page"
    assert fitted_through.isoformat() in sentence.group(1)
