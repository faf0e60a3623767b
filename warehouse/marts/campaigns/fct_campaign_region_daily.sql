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
        {{ ad_impression_aggregates() }}
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
        {{ ad_metric_columns() }}
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
