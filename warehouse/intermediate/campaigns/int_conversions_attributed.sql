{#-
  Last-click attribution: a conversion is credited to the user's latest click on an ad of the same
  advertiser in the `attribution_window_days` before it (click time <= conversion time). Every valid
  conversion is kept; unattributed ones have NULL ad keys.
-#}

with conversions as (
    select * from {{ ref('int_conversions_validated') }}
),

clicks as (
    select * from {{ ref('int_ad_clicks_joined') }}
),

candidates as (
    select
        conversions.conversion_id,
        clicks.click_id,
        clicks.campaign_id,
        clicks.ad_group_id,
        clicks.ad_id,
        clicks.clicked_at
    from conversions
    inner join clicks
        on conversions.user_id = clicks.user_id
        and conversions.advertiser_id = clicks.advertiser_id
        and clicks.clicked_at <= conversions.converted_at
        and clicks.clicked_at
        > {{ dbt.dateadd('day', -1 * var('attribution_window_days'), 'conversions.converted_at') }}
    qualify row_number() over (
        partition by conversions.conversion_id order by clicks.clicked_at desc, clicks.click_id desc
    ) = 1
),

users as (
    select user_id, country_code, region, age_band, device_os from {{ ref('dim_users') }}
),

final as (
    select
        conversions.conversion_id,
        conversions.user_id,
        conversions.advertiser_id,
        conversions.converted_at,
        cast(conversions.converted_at as date) as date_day,
        conversions.conversion_value,
        candidates.click_id as attributed_click_id,
        candidates.campaign_id,
        candidates.ad_group_id,
        candidates.ad_id,
        candidates.clicked_at as attributed_clicked_at,
        candidates.click_id is not null as is_attributed,
        users.country_code,
        users.region,
        users.age_band,
        users.device_os
    from conversions
    left join candidates on conversions.conversion_id = candidates.conversion_id
    left join users on conversions.user_id = users.user_id
)

select * from final
