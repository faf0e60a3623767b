{#-
  Creative fatigue: the CTR parts (impressions, clicks) of each ad by the user's impression
  frequency for the campaign (1..9, and 10 for "10 or more") and by days since the ad launched.
  A click counts at the frequency and launch age of the impression it came from.
-#}

with impressions as (
    select * from {{ ref('int_ad_impressions_joined') }}
),

clicks as (
    select * from {{ ref('int_ad_clicks_joined') }}
),

events as (
    select
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        frequency,
        days_since_launch,
        user_id,
        1 as impressions,
        0 as clicks
    from impressions
    union all
    select
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        frequency,
        days_since_launch,
        null as user_id,
        0 as impressions,
        1 as clicks
    from clicks
),

by_frequency as (
    select
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        'frequency' as fatigue_dimension,
        least(frequency, 10) as bucket,
        count(distinct user_id) as users,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from events
    group by advertiser_id, campaign_id, ad_group_id, ad_id, least(frequency, 10)
),

by_launch_age as (
    select
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        'days_since_launch' as fatigue_dimension,
        days_since_launch as bucket,
        count(distinct user_id) as users,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from events
    group by advertiser_id, campaign_id, ad_group_id, ad_id, days_since_launch
),

unioned as (
    select * from by_frequency
    union all
    select * from by_launch_age
),

final as (
    select
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        fatigue_dimension,
        cast(bucket as integer) as bucket,
        case
            when fatigue_dimension = 'frequency' and bucket >= 10 then '10+'
            else cast(bucket as string)
        end as bucket_label,
        cast(users as bigint) as users,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks
    from unioned
)

select * from final
