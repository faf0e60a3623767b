"""Placement queries: an advertiser's plan totals, its segments with their evidence, and the backtest."""

from __future__ import annotations

from webreport.db import fetch_all, fetch_one
from webreport.queries.campaigns import finite


def advertisers() -> list[dict]:
    """Every advertiser with a lift study, with the plan's status per segment type."""
    return fetch_all(
        """
        select plan.advertiser_id, names.advertiser_name, plan.segment_type, plan.status, plan.budget_moved,
               plan.expected_gain, plan.expected_gain_ci_lower, plan.expected_gain_ci_upper
        from rpt_placement_plan as plan
        left join (select distinct advertiser_id, advertiser_name from rpt_campaign_summary) as names
            on plan.advertiser_id = names.advertiser_id
        order by names.advertiser_name, plan.advertiser_id, plan.segment_type
        """
    )


def advertiser(advertiser_id: str) -> dict | None:
    return fetch_one(
        """
        select plan.advertiser_id, coalesce(any_value(names.advertiser_name), plan.advertiser_id) as advertiser_name
        from rpt_placement_plan as plan
        left join rpt_campaign_summary as names on plan.advertiser_id = names.advertiser_id
        where plan.advertiser_id = ?
        group by plan.advertiser_id
        """,
        [advertiser_id],
    )


def plans(advertiser_id: str) -> list[dict]:
    return [finite(row) for row in fetch_all(
        "select * from rpt_placement_plan where advertiser_id = ? order by segment_type", [advertiser_id])]


def campaigns(advertiser_id: str) -> list[dict]:
    """Per campaign: name, whether its holdout shows an effect, and what is known of its marginal return."""
    return [finite(row) for row in fetch_all(
        """
        select recs.campaign_id, any_value(names.campaign_name) as campaign_name,
               bool_or(recs.campaign_has_effect) as campaign_has_effect,
               any_value(recs.marginal_ratio) as marginal_ratio,
               any_value(recs.marginal_ratio_ci_lower) as marginal_ratio_ci_lower,
               any_value(recs.marginal_ratio_ci_upper) as marginal_ratio_ci_upper,
               any_value(recs.marginal_basis) as marginal_basis
        from rpt_placement_recommendations as recs
        left join rpt_campaign_summary as names on recs.campaign_id = names.campaign_id
        where recs.advertiser_id = ? and recs.segment_type = 'age_band_device'
        group by recs.campaign_id order by recs.campaign_id
        """,
        [advertiser_id],
    )]


def segments(advertiser_id: str) -> list[dict]:
    return [finite(row) for row in fetch_all(
        """
        select recs.*, names.campaign_name
        from rpt_placement_recommendations as recs
        left join rpt_campaign_summary as names on recs.campaign_id = names.campaign_id
        where recs.advertiser_id = ?
        order by recs.segment_type,
                 case recs.action when 'shift_toward' then 0 when 'shift_away' then 1 when 'hold' then 2
                      when 'not_enough_evidence' then 3 else 4 end,
                 recs.budget_change desc, recs.return_rank nulls last, recs.campaign_id, recs.segment
        """,
        [advertiser_id],
    )]


def backtest(advertiser_id: str) -> list[dict]:
    return [finite(row) for row in fetch_all(
        "select * from rpt_placement_backtest where advertiser_id = ? order by segment_type", [advertiser_id])]
