{{ config(materialized="table") }}

{#-
  The placement plan's sufficient statistics. Grain: one row per campaign x segment_type x segment x
  exposure_tier x period. Every study user belongs to one age band x device segment and, once the uplift
  model scored them, to one uplift decile; within a segment, treatment and holdout stay a random split.
  exposure_tier = the user's fifth of the campaign's study by video views on even calendar days (views are
  not changed by ads and are known for holdout users too), so the tiers trace how the effect grows with the
  spend reaching a user (the frequency response). The exposure of a tier is measured on the other days
  (odd_day_spend): impressions follow views, so tiers and exposure taken from the same views would share
  their noise and make the response look flatter at the top than it is. Periods: the whole flight, and its first and second half
  (for the backtest). Per arm: users, conversions and value with their sums of squares; spend and
  impressions on the segment's treated users. Deciles use the uplift model's evaluation split for the arms
  (the model did not train on it), but all treated users for the spend they received.
-#}

{%- set tiers = var('placement_exposure_tiers') -%}
{%- set first_half_days -%}
cast(floor(({{ dbt.datediff('start_date', 'end_date', 'day') }} + 1) / 2) as integer)
{%- endset -%}

with study as (
    select
        campaign_id,
        advertiser_id,
        user_id,
        is_treatment
    from {{ ref('int_campaign_lift_users') }}
),

campaigns as (
    select
        campaign_id,
        start_date,
        end_date,
        start_date + {{ first_half_days }} as second_half_start
    from {{ ref('int_campaigns_validated') }}
),

periods as (
    select
        campaign_id,
        'full' as period,
        start_date as period_start,
        end_date as period_end
    from campaigns
    union all
    select
        campaign_id,
        'first_half' as period,
        start_date as period_start,
        second_half_start - 1 as period_end
    from campaigns
    union all
    select
        campaign_id,
        'second_half' as period,
        second_half_start as period_start,
        end_date as period_end
    from campaigns
),

users as (
    select
        user_id,
        age_band,
        device_os
    from {{ ref('dim_users') }}
),

even_day_views as (
    select
        user_id,
        count(*) as views
    from {{ ref('fct_watch_events') }}
    where
        {{ dbt.datediff("cast('2000-01-01' as date)", 'event_date', 'day') }}
        % 2 = 0
    group by user_id
),

scores as (
    select
        campaign_id,
        user_id,
        uplift_decile,
        is_evaluation
    from {{ ref('fct_campaign_uplift_scores') }}
    where uplift_decile is not null
),

study_users as (
    select
        study.campaign_id,
        study.advertiser_id,
        study.user_id,
        study.is_treatment,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.device_os, 'unknown') as device_os,
        scores.uplift_decile,
        coalesce(scores.is_evaluation, false) as is_evaluation,
        ntile({{ tiers }}) over (
            partition by study.campaign_id order by coalesce(even_day_views.views, 0), study.user_id
        ) as exposure_tier
    from study
    left join users on study.user_id = users.user_id
    left join even_day_views on study.user_id = even_day_views.user_id
    left join scores on study.campaign_id = scores.campaign_id and study.user_id = scores.user_id
),

conversions as (
    select
        study.campaign_id,
        study.user_id,
        periods.period,
        count(*) as conversions,
        sum(attributed.conversion_value) as conversion_value
    from study
    inner join periods on study.campaign_id = periods.campaign_id
    inner join {{ ref('int_conversions_attributed') }} as attributed
        on study.user_id = attributed.user_id
        and study.advertiser_id = attributed.advertiser_id
        and attributed.date_day between periods.period_start and periods.period_end
    group by study.campaign_id, study.user_id, periods.period
),

impression_days as (
    select
        campaign_id,
        user_id,
        date_day,
        spend,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'date_day', 'day') }}
        % 2 = 1 as is_odd_day
    from {{ ref('int_ad_impressions_joined') }}
),

spend as (
    select
        impressions.campaign_id,
        impressions.user_id,
        periods.period,
        sum(impressions.spend) as spend,
        sum(impressions.spend) filter (where impressions.is_odd_day) as odd_day_spend,
        count(*) as impressions
    from impression_days as impressions
    inner join periods
        on impressions.campaign_id = periods.campaign_id
        and impressions.date_day between periods.period_start and periods.period_end
    group by impressions.campaign_id, impressions.user_id, periods.period
),

user_periods as (
    select
        study_users.*,
        periods.period,
        coalesce(conversions.conversions, 0) as conversions,
        coalesce(conversions.conversion_value, 0) as conversion_value,
        coalesce(spend.spend, 0) as spend,
        coalesce(spend.odd_day_spend, 0) as odd_day_spend,
        coalesce(spend.impressions, 0) as impressions
    from study_users
    inner join periods on study_users.campaign_id = periods.campaign_id
    left join conversions
        on study_users.campaign_id = conversions.campaign_id
        and study_users.user_id = conversions.user_id
        and periods.period = conversions.period
    left join spend
        on study_users.campaign_id = spend.campaign_id
        and study_users.user_id = spend.user_id
        and periods.period = spend.period
),

memberships as (
    select
        *,
        'age_band_device' as segment_type,
        age_band || ' / ' || device_os as segment,
        'age_band = ''' || age_band || ''' and device_os = ''' || device_os || '''' as audience_filter,
        true as in_estimate
    from user_periods
    union all
    select
        *,
        'uplift_decile' as segment_type,
        'decile ' || lpad(cast(uplift_decile as string), 2, '0') as segment,
        'uplift_decile = ' || cast(uplift_decile as string) as audience_filter,
        is_evaluation as in_estimate
    from user_periods
    where uplift_decile is not null
),

final as (
    select
        campaign_id,
        advertiser_id,
        segment_type,
        segment,
        audience_filter,
        cast(exposure_tier as integer) as exposure_tier,
        period,
        count(*) filter (where is_treatment) as treated_users,
        cast(coalesce(sum(spend) filter (where is_treatment), 0) as decimal(38, 6)) as spend,
        cast(coalesce(sum(odd_day_spend) filter (where is_treatment), 0) as decimal(38, 6)) as odd_day_spend,
        cast(coalesce(sum(impressions) filter (where is_treatment), 0) as bigint) as impressions,
        count(*) filter (where is_treatment and in_estimate) as arm_treated_users,
        count(*) filter (where not is_treatment and in_estimate) as arm_holdout_users,
        cast(coalesce(
            sum(conversions) filter (where is_treatment and in_estimate), 0
        ) as bigint) as treated_conversions,
        cast(coalesce(
            sum(conversions * conversions) filter (where is_treatment and in_estimate), 0
        ) as bigint) as treated_conversions_sum_squares,
        cast(coalesce(
            sum(conversions) filter (where not is_treatment and in_estimate), 0
        ) as bigint) as holdout_conversions,
        cast(coalesce(
            sum(conversions * conversions) filter (where not is_treatment and in_estimate), 0
        ) as bigint) as holdout_conversions_sum_squares,
        cast(coalesce(
            sum(conversion_value) filter (where is_treatment and in_estimate), 0
        ) as decimal(38, 2)) as treated_value,
        cast(coalesce(
            sum(conversion_value * conversion_value) filter (where is_treatment and in_estimate), 0
        ) as decimal(38, 4)) as treated_value_sum_squares,
        cast(coalesce(
            sum(conversion_value) filter (where not is_treatment and in_estimate), 0
        ) as decimal(38, 2)) as holdout_value,
        cast(coalesce(
            sum(conversion_value * conversion_value) filter (where not is_treatment and in_estimate), 0
        ) as decimal(38, 4)) as holdout_value_sum_squares
    from memberships
    group by campaign_id, advertiser_id, segment_type, segment, audience_filter, exposure_tier, period
)

select * from final
