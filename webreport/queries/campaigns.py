"""Campaign queries: delivery over a date range, one campaign's breakdowns, lift, uplift, fatigue, placement.

Ratios are never computed here: pages add them from the summed parts with webreport.metrics, i.e. the
warehouse's metric definitions. Lift and uplift statistics come precomputed from their marts.
"""

from __future__ import annotations

import math
from datetime import date

from webreport.db import fetch_all, fetch_one, relation_exists

# additive parts summed over any set of fct_campaign_daily rows (reach is not additive: left out)
PARTS = ("impressions", "clicks", "spend", "conversions", "conversion_value", "click_through_conversions",
         "click_through_conversion_value", "view_through_conversions", "view_through_conversion_value",
         "video_plays", "video_views_2s", "video_views_6s", "ad_views_p25", "ad_views_p50", "ad_views_p75",
         "ad_views_p100", "likes", "comments", "shares", "follows")
_SUMS = ", ".join(
    f"cast(coalesce(sum({p}), 0) as {'decimal(38, 6)' if p == 'spend' else 'decimal(38, 2)' if p.endswith('_value') else 'bigint'}) as {p}"
    for p in PARTS
)
BREAKDOWNS = {"ad_group": "ad_group_id", "ad": "ad_id"}
# Breakdowns by the user's attributes: mart and its two key columns (fixed names, never from a request).
USER_BREAKDOWNS = {"region": ("fct_campaign_region_daily", "country_code", "region"),
                   "segment": ("fct_campaign_segment_daily", "age_band", "device_os")}
LIFT_COLUMNS = (
    "incremental_conversions", "incremental_conversions_ci_lower", "incremental_conversions_ci_upper",
    "conversions_p_value", "lift", "lift_ci_lower", "lift_ci_upper", "lift_p_value", "incremental_value",
    "incremental_value_ci_lower", "incremental_value_ci_upper", "incremental_cpa", "incremental_cpa_ci_lower",
    "incremental_cpa_ci_upper", "incremental_roas", "incremental_roas_ci_lower", "incremental_roas_ci_upper",
)


def finite(row: dict | None) -> dict | None:
    """Infinite values (an iCPA whose interval reaches zero conversions) become None for JSON and CSV."""
    if row is None:
        return None
    return {k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in row.items()}


def date_bounds() -> tuple[date, date] | None:
    row = fetch_one("select min(date_day) as first_day, max(date_day) as last_day from fct_campaign_daily")
    if not row or row["first_day"] is None:
        return None
    return row["first_day"], row["last_day"]


def advertisers() -> list[dict]:
    return fetch_all(
        "select distinct advertiser_id, advertiser_name from rpt_campaign_summary order by advertiser_name"
    )


def totals(start: date, end: date, campaign_id: str | None = None, advertiser_id: str | None = None) -> dict:
    return fetch_one(
        f"""
        select {_SUMS} from fct_campaign_daily
        where date_day between ? and ?
          and (cast(? as varchar) is null or campaign_id = ?)
          and (cast(? as varchar) is null or advertiser_id = ?)
        """,
        [start, end, campaign_id, campaign_id, advertiser_id, advertiser_id],
    ) or {}


def campaign_list(start: date, end: date, advertiser_id: str | None) -> list[dict]:
    """Every campaign with its parts over the range and the holdout lift over its flight."""
    return [finite(row) for row in fetch_all(
        f"""
        with period as (
            select campaign_id, {_SUMS}
            from fct_campaign_daily
            where date_day between ? and ?
            group by campaign_id
        )
        select summary.campaign_id, summary.campaign_name, summary.advertiser_id, summary.advertiser_name,
               summary.objective, summary.start_date, summary.end_date, summary.daily_budget,
               summary.reach as flight_reach, summary.frequency as flight_frequency,
               period.* exclude (campaign_id),
               summary.spend as flight_spend, summary.conversions as flight_conversions,
               summary.conversion_value as flight_conversion_value,
               lift.alpha, lift.incremental_conversions, lift.incremental_conversions_ci_lower,
               lift.incremental_conversions_ci_upper, lift.conversions_p_value, lift.conversions_verdict,
               lift.incremental_cpa, lift.incremental_cpa_ci_lower, lift.incremental_cpa_ci_upper,
               lift.incremental_roas, lift.incremental_roas_ci_lower, lift.incremental_roas_ci_upper,
               lift.value_verdict, lift.error_message as lift_error
        from rpt_campaign_summary as summary
        left join period on summary.campaign_id = period.campaign_id
        left join fct_campaign_lift as lift on summary.campaign_id = lift.campaign_id
        where cast(? as varchar) is null or summary.advertiser_id = ?
        order by summary.advertiser_name, summary.campaign_name
        """,
        [start, end, advertiser_id, advertiser_id],
    )]


def daily_spend(start: date, end: date, advertiser_id: str | None = None, campaign_id: str | None = None) -> list[dict]:
    """Spend per campaign and day over the range (for sparklines and pacing); days without delivery absent."""
    return fetch_all(
        """
        select campaign_id, date_day, cast(sum(spend) as decimal(38, 6)) as spend
        from fct_campaign_daily
        where date_day between ? and ?
          and (cast(? as varchar) is null or advertiser_id = ?)
          and (cast(? as varchar) is null or campaign_id = ?)
        group by campaign_id, date_day order by campaign_id, date_day
        """,
        [start, end, advertiser_id, advertiser_id, campaign_id, campaign_id],
    )


def campaign(campaign_id: str) -> dict | None:
    return finite(fetch_one("select * from rpt_campaign_summary where campaign_id = ?", [campaign_id]))


def campaign_daily(campaign_id: str, start: date, end: date) -> list[dict]:
    return fetch_all(
        f"""
        select date_day, {_SUMS} from fct_campaign_daily
        where campaign_id = ? and date_day between ? and ?
        group by date_day order by date_day
        """,
        [campaign_id, start, end],
    )


def breakdown(campaign_id: str, by: str, start: date, end: date) -> list[dict]:
    """Parts per ad group, ad (with names from dim_campaign_ads), country / region or age band / device."""
    if by in USER_BREAKDOWNS:
        mart, first, second = USER_BREAKDOWNS[by]
        return fetch_all(
            f"""
            select {first} as segment_id, {second} as name, null as detail, {_SUMS}
            from {mart}
            where campaign_id = ? and date_day between ? and ?
            group by {first}, {second}
            order by spend desc, {first}, {second}
            """,
            [campaign_id, start, end],
        )
    key = BREAKDOWNS[by]
    name, detail = ("ad_group_name", "placement") if key == "ad_group_id" else ("ad_name", "ad_format")
    return fetch_all(
        f"""
        with parts as (
            select {key}, {_SUMS} from fct_campaign_daily
            where campaign_id = ? and date_day between ? and ?
            group by {key}
        ),
        names as (select distinct {key}, {name} as name, {detail} as detail from dim_campaign_ads)
        select parts.{key} as segment_id, names.name, names.detail, parts.* exclude ({key})
        from parts left join names on parts.{key} = names.{key}
        order by parts.spend desc, parts.{key}
        """,
        [campaign_id, start, end],
    )


def lift(campaign_id: str) -> dict | None:
    return finite(fetch_one("select * from fct_campaign_lift where campaign_id = ?", [campaign_id]))


def uplift_deciles(campaign_id: str) -> list[dict]:
    """Evaluation-split parts per decile, with the Qini curve at decile cut points (Radcliffe:
    treated converters minus holdout converters scaled to the treated count, cumulated from decile 1)."""
    return fetch_all(
        """
        with cumulative as (
            select *,
                   sum(eval_treated_users) over w as cum_treated_users,
                   sum(eval_holdout_users) over w as cum_holdout_users,
                   sum(eval_treated_converters) over w as cum_treated_converters,
                   sum(eval_holdout_converters) over w as cum_holdout_converters,
                   sum(eval_treated_users + eval_holdout_users) over w as cum_users,
                   sum(eval_treated_users + eval_holdout_users) over () as all_users,
                   sum(eval_treated_converters) over () as all_treated_converters,
                   sum(eval_holdout_converters) over () as all_holdout_converters,
                   sum(eval_treated_users) over () as all_treated_users,
                   sum(eval_holdout_users) over () as all_holdout_users
            from fct_campaign_uplift_deciles
            where campaign_id = ?
            window w as (order by uplift_decile rows between unbounded preceding and current row)
        )
        select uplift_decile, users, treated_users, spend, eval_treated_users, eval_holdout_users,
               eval_treated_converters, eval_holdout_converters,
               cast(eval_treated_converters as double) / nullif(eval_treated_users, 0)
                 - cast(eval_holdout_converters as double) / nullif(eval_holdout_users, 0) as observed_uplift,
               eval_predicted_uplift_sum / nullif(eval_treated_users + eval_holdout_users, 0) as mean_predicted_uplift,
               cast(cum_users as double) / all_users as share_targeted,
               cum_treated_converters - coalesce(cast(cum_holdout_converters as double) * cum_treated_users
                 / nullif(cum_holdout_users, 0), 0) as qini,
               (all_treated_converters - cast(all_holdout_converters as double) * all_treated_users
                 / nullif(all_holdout_users, 0)) * cum_users / all_users as qini_random
        from cumulative
        order by uplift_decile
        """,
        [campaign_id],
    )


def uplift_evaluation(campaign_id: str) -> list[dict]:
    """The served uplift model's held-out metrics; data_through: the last day of the data its scheduled fit saw
    (the evaluation runs with the fit, evaluated_at the day after; issue 19)."""
    return fetch_all(
        "select metric, value, model_version, evaluated_at, cast(evaluated_at as date) - 1 as data_through, details "
        "from fct_model_evaluations where model_name = ? order by metric",
        [f"campaign_uplift:{campaign_id}"],
    )


def uplift_fit_status(campaign_id: str) -> str | None:
    row = fetch_one("select any_value(fit_status) as status from fct_campaign_uplift_scores where campaign_id = ?",
                    [campaign_id])
    return row["status"] if row else None


def fatigue(campaign_id: str, dimension: str) -> list[dict]:
    """CTR parts per bucket (the page adds the rate and its interval, models_ml.experiments.wilson_interval)."""
    return fetch_all(
        """
        select bucket, any_value(bucket_label) as bucket_label, cast(sum(impressions) as bigint) as impressions,
               cast(sum(clicks) as bigint) as clicks
        from fct_ad_fatigue
        where campaign_id = ? and fatigue_dimension = ?
        group by bucket
        order by bucket
        """,
        [campaign_id, dimension],
    )


def placement(advertiser_id: str) -> list[dict]:
    return fetch_all(
        """
        select campaign_id, segment_type, segment, action, return_rank, treated_users, arm_treated_users,
               arm_holdout_users, spend, incremental_conversions, incremental_conversions_se, return_per_1000,
               return_per_1000_se, advertiser_return_per_1000, budget_change, expected_gain, expected_gain_ci_lower,
               expected_gain_ci_upper, target_audience, audience_filter
        from rpt_placement_recommendations
        where advertiser_id = ?
        order by segment_type, return_rank nulls last, campaign_id, segment
        """,
        [advertiser_id],
    )


def ad_comments(campaign_id: str) -> tuple[list[dict], bool]:
    """Comments on the campaign's ads: by sentiment label when fct_comment_sentiment exists (brand
    safety), else by day. Returns (rows, has_sentiment)."""
    ads = "select ad_id from dim_campaign_ads where campaign_id = ?"
    if relation_exists("fct_comment_sentiment"):
        return fetch_all(
            f"""
            select sentiment.sentiment_label as label, count(*) as comments
            from fct_comments as comments
            inner join fct_comment_sentiment as sentiment on comments.comment_id = sentiment.comment_id
            where comments.ad_id in ({ads})
            group by sentiment.sentiment_label order by comments desc, label
            """,
            [campaign_id],
        ), True
    return fetch_all(
        f"""
        select comment_date as label, count(*) as comments from fct_comments
        where ad_id in ({ads})
        group by comment_date order by comment_date
        """,
        [campaign_id],
    ), False
