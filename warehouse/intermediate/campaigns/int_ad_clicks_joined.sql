{#- Valid ad clicks with the hierarchy, frequency and viewer of the impression they came from. -#}

with clicks as (
    select * from {{ ref('int_ad_clicks_validated') }}
),

impressions as (
    select * from {{ ref('int_ad_impressions_joined') }}
),

final as (
    select
        clicks.click_id,
        clicks.impression_id,
        impressions.user_id,
        impressions.advertiser_id,
        impressions.campaign_id,
        impressions.ad_group_id,
        impressions.ad_id,
        clicks.clicked_at,
        cast(clicks.clicked_at as date) as date_day,
        impressions.date_day as impression_date,
        impressions.frequency,
        impressions.days_since_launch,
        impressions.country_code,
        impressions.region,
        impressions.age_band,
        impressions.device_os
    from clicks
    inner join impressions on clicks.impression_id = impressions.impression_id
)

select * from final
