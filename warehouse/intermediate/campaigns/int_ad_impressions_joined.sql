{#-
  Valid ad impressions with their ad hierarchy, the viewer's region and the view-depth flags the
  campaign marts count. frequency = the how-many-th impression of this campaign the user got.
-#}

with impressions as (
    select * from {{ ref('int_ad_impressions_validated') }}
),

ads as (
    select
        ad_id,
        ad_group_id,
        launched_at
    from {{ ref('int_ads_validated') }}
),

ad_groups as (
    select
        ad_group_id,
        campaign_id
    from {{ ref('int_ad_groups_validated') }}
),

campaigns as (
    select
        campaign_id,
        advertiser_id
    from {{ ref('int_campaigns_validated') }}
),

users as (
    select
        user_id,
        country_code,
        region,
        age_band,
        device_os
    from {{ ref('dim_users') }}
),

joined as (
    select
        impressions.impression_id,
        impressions.user_id,
        campaigns.advertiser_id,
        ad_groups.campaign_id,
        ads.ad_group_id,
        impressions.ad_id,
        impressions.impression_at,
        cast(impressions.impression_at as date) as date_day,
        cast(
            {{ dbt.datediff('cast(ads.launched_at as date)', 'cast(impressions.impression_at as date)', 'day') }}  -- noqa: LT05
            as bigint
        ) as days_since_launch,
        impressions.cost as spend,
        impressions.watch_seconds,
        impressions.ad_duration_seconds,
        impressions.is_liked,
        impressions.is_commented,
        impressions.is_shared,
        impressions.is_followed,
        users.country_code,
        users.region,
        users.age_band,
        users.device_os
    from impressions
    inner join ads on impressions.ad_id = ads.ad_id
    inner join ad_groups on ads.ad_group_id = ad_groups.ad_group_id
    inner join campaigns on ad_groups.campaign_id = campaigns.campaign_id
    left join users on impressions.user_id = users.user_id
),

final as (
    select
        *,
        row_number() over (
            partition by campaign_id, user_id order by impression_at, impression_id
        ) as frequency,
        watch_seconds > 0 as is_play,
        watch_seconds >= 2 as is_view_2s,
        watch_seconds >= 6 as is_view_6s,
        watch_seconds >= 0.25 * ad_duration_seconds as is_view_p25,
        watch_seconds >= 0.50 * ad_duration_seconds as is_view_p50,
        watch_seconds >= 0.75 * ad_duration_seconds as is_view_p75,
        watch_seconds >= ad_duration_seconds as is_view_p100
    from joined
)

select * from final
