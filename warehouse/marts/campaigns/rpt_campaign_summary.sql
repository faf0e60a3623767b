{#-
  One row per campaign over its whole data window: the additive totals, true reach (distinct users
  over the flight, not a sum of daily reach) and the ratios from the one metric definition home
  (var `metrics`, macro metric_ratio). The campaign list and KPI tiles read this table.
-#}

with daily as (
    select * from {{ ref('fct_campaign_daily') }}
),

impressions as (
    select
        campaign_id,
        user_id
    from {{ ref('int_ad_impressions_joined') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        objective,
        target_category,
        start_date,
        end_date,
        daily_budget
    from {{ ref('int_campaigns_validated') }}
),

advertisers as (
    select
        advertiser_id,
        advertiser_name
    from {{ ref('int_advertisers_validated') }}
),

reach as (
    select
        campaign_id,
        count(distinct user_id) as reach
    from impressions
    group by campaign_id
),

totals as (
    select
        campaign_id,
        advertiser_id,
        min(date_day) as first_day,
        max(date_day) as last_day,
        cast(sum(impressions) as bigint) as impressions,
        cast(sum(clicks) as bigint) as clicks,
        cast(sum(spend) as decimal(38, 6)) as spend,
        cast(sum(conversions) as bigint) as conversions,
        cast(sum(conversion_value) as decimal(38, 2)) as conversion_value,
        cast(sum(click_through_conversions) as bigint) as click_through_conversions,
        cast(sum(click_through_conversion_value) as decimal(38, 2)) as click_through_conversion_value,
        cast(sum(view_through_conversions) as bigint) as view_through_conversions,
        cast(sum(view_through_conversion_value) as decimal(38, 2)) as view_through_conversion_value,
        cast(sum(video_plays) as bigint) as video_plays,
        cast(sum(video_views_2s) as bigint) as video_views_2s,
        cast(sum(video_views_6s) as bigint) as video_views_6s,
        cast(sum(ad_views_p100) as bigint) as ad_views_p100
    from daily
    group by campaign_id, advertiser_id
),

final as (
    select
        totals.campaign_id,
        totals.advertiser_id,
        advertisers.advertiser_name,
        campaigns.campaign_name,
        campaigns.objective,
        campaigns.target_category,
        campaigns.start_date,
        campaigns.end_date,
        totals.first_day,
        totals.last_day,
        totals.impressions,
        coalesce(reach.reach, 0) as reach,
        totals.clicks,
        totals.spend,
        totals.conversions,
        totals.conversion_value,
        totals.click_through_conversions,
        totals.click_through_conversion_value,
        totals.view_through_conversions,
        totals.view_through_conversion_value,
        totals.video_plays,
        totals.video_views_2s,
        totals.video_views_6s,
        totals.ad_views_p100,
        {{ metric_ratio('ctr', {'clicks': 'totals.clicks', 'impressions': 'totals.impressions'}) }} as ctr,
        {{ metric_ratio('cvr', {'click_through_conversions': 'totals.click_through_conversions',
                                'clicks': 'totals.clicks'}) }}
            as cvr,
        {{ metric_ratio('cpm', {'spend': 'totals.spend', 'impressions': 'totals.impressions'}) }} as cpm,
        {{ metric_ratio('cpc', {'spend': 'totals.spend', 'clicks': 'totals.clicks'}) }} as cpc,
        {{ metric_ratio('cpa', {'spend': 'totals.spend', 'conversions': 'totals.conversions'}) }} as cpa,
        {{ metric_ratio('roas', {'conversion_value': 'totals.conversion_value', 'spend': 'totals.spend'}) }}
            as roas,
        {{ metric_ratio('vtr_100', {'ad_views_p100': 'totals.ad_views_p100',
                                    'impressions': 'totals.impressions'}) }}
            as completion_rate,
        {{ metric_ratio('frequency', {'impressions': 'totals.impressions', 'reach': 'reach.reach'}) }}
            as frequency,
        cast(campaigns.daily_budget as decimal(38, 2)) as daily_budget
    from totals
    left join reach on totals.campaign_id = reach.campaign_id
    left join campaigns on totals.campaign_id = campaigns.campaign_id
    left join advertisers on totals.advertiser_id = advertisers.advertiser_id
)

select * from final
