{#-
  The daily campaign metrics by the viewer's (for conversions: the converter's) country and region from
  dim_users ('unknown' when the profile has none). Same counting days and attribution as
  fct_campaign_daily; reach is distinct users per campaign, region and day.
-#}

with impressions as (
    select * from {{ ref('int_ad_impressions_joined') }}
),

clicks as (
    select * from {{ ref('int_ad_clicks_joined') }}
),

conversions as (
    select * from {{ ref('int_conversions_attributed') }}
    where is_attributed
),

impression_metrics as (
    select
        date_day,
        advertiser_id,
        campaign_id,
        coalesce(country_code, 'unknown') as country_code,
        coalesce(region, 'unknown') as region,
        count(*) as impressions,
        count(distinct user_id) as reach,
        sum(spend) as spend,
        count(*) filter (where is_play) as video_plays,
        count(*) filter (where is_view_2s) as video_views_2s,
        count(*) filter (where is_view_6s) as video_views_6s,
        count(*) filter (where is_view_p25) as ad_views_p25,
        count(*) filter (where is_view_p50) as ad_views_p50,
        count(*) filter (where is_view_p75) as ad_views_p75,
        count(*) filter (where is_view_p100) as ad_views_p100,
        count(*) filter (where is_liked) as likes,
        count(*) filter (where is_commented) as comments,
        count(*) filter (where is_shared) as shares,
        count(*) filter (where is_followed) as follows
    from impressions
    group by 1, 2, 3, 4, 5
),

click_metrics as (
    select
        date_day,
        advertiser_id,
        campaign_id,
        coalesce(country_code, 'unknown') as country_code,
        coalesce(region, 'unknown') as region,
        count(*) as clicks
    from clicks
    group by 1, 2, 3, 4, 5
),

conversion_metrics as (
    select
        date_day,
        advertiser_id,
        campaign_id,
        coalesce(country_code, 'unknown') as country_code,
        coalesce(region, 'unknown') as region,
        count(*) as conversions,
        sum(conversion_value) as conversion_value
    from conversions
    group by 1, 2, 3, 4, 5
),

keys as (
    select date_day, advertiser_id, campaign_id, country_code, region from impression_metrics
    union
    select date_day, advertiser_id, campaign_id, country_code, region from click_metrics
    union
    select date_day, advertiser_id, campaign_id, country_code, region from conversion_metrics
),

final as (
    select
        keys.date_day,
        keys.advertiser_id,
        keys.campaign_id,
        keys.country_code,
        keys.region,
        coalesce(impression_metrics.impressions, 0) as impressions,
        coalesce(impression_metrics.reach, 0) as reach,
        coalesce(click_metrics.clicks, 0) as clicks,
        cast(coalesce(impression_metrics.spend, 0) as decimal(38, 6)) as spend,
        coalesce(conversion_metrics.conversions, 0) as conversions,
        cast(coalesce(conversion_metrics.conversion_value, 0) as decimal(38, 2)) as conversion_value,
        coalesce(impression_metrics.video_plays, 0) as video_plays,
        coalesce(impression_metrics.video_views_2s, 0) as video_views_2s,
        coalesce(impression_metrics.video_views_6s, 0) as video_views_6s,
        coalesce(impression_metrics.ad_views_p25, 0) as ad_views_p25,
        coalesce(impression_metrics.ad_views_p50, 0) as ad_views_p50,
        coalesce(impression_metrics.ad_views_p75, 0) as ad_views_p75,
        coalesce(impression_metrics.ad_views_p100, 0) as ad_views_p100,
        coalesce(impression_metrics.likes, 0) as likes,
        coalesce(impression_metrics.comments, 0) as comments,
        coalesce(impression_metrics.shares, 0) as shares,
        coalesce(impression_metrics.follows, 0) as follows
    from keys
    left join impression_metrics
        on keys.date_day = impression_metrics.date_day
        and keys.campaign_id = impression_metrics.campaign_id
        and keys.country_code = impression_metrics.country_code
        and keys.region = impression_metrics.region
    left join click_metrics
        on keys.date_day = click_metrics.date_day
        and keys.campaign_id = click_metrics.campaign_id
        and keys.country_code = click_metrics.country_code
        and keys.region = click_metrics.region
    left join conversion_metrics
        on keys.date_day = conversion_metrics.date_day
        and keys.campaign_id = conversion_metrics.campaign_id
        and keys.country_code = conversion_metrics.country_code
        and keys.region = conversion_metrics.region
)

select * from final
