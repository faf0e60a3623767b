{#-
  Fivetran ad-reporting style daily performance: the key set, then additive metrics only. Impression
  metrics count on the impression day, clicks on the click day, conversions (last click within the
  attribution window) on the conversion day. Ratios are computed at report time (macro metric_ratio).
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
        ad_group_id,
        ad_id,
        {{ ad_impression_aggregates() }}
    from impressions
    group by date_day, advertiser_id, campaign_id, ad_group_id, ad_id
),

click_metrics as (
    select date_day, advertiser_id, campaign_id, ad_group_id, ad_id, count(*) as clicks
    from clicks
    group by date_day, advertiser_id, campaign_id, ad_group_id, ad_id
),

conversion_metrics as (
    select
        date_day,
        advertiser_id,
        campaign_id,
        ad_group_id,
        ad_id,
        count(*) as conversions,
        sum(conversion_value) as conversion_value
    from conversions
    group by date_day, advertiser_id, campaign_id, ad_group_id, ad_id
),

keys as (
    select date_day, advertiser_id, campaign_id, ad_group_id, ad_id from impression_metrics
    union
    select date_day, advertiser_id, campaign_id, ad_group_id, ad_id from click_metrics
    union
    select date_day, advertiser_id, campaign_id, ad_group_id, ad_id from conversion_metrics
),

final as (
    select
        keys.date_day,
        keys.advertiser_id,
        keys.campaign_id,
        keys.ad_group_id,
        keys.ad_id,
        {{ ad_metric_columns() }}
    from keys
    left join impression_metrics
        on keys.date_day = impression_metrics.date_day and keys.ad_id = impression_metrics.ad_id
    left join click_metrics
        on keys.date_day = click_metrics.date_day and keys.ad_id = click_metrics.ad_id
    left join conversion_metrics
        on keys.date_day = conversion_metrics.date_day and keys.ad_id = conversion_metrics.ad_id
)

select * from final
