{#-
  Last-touch attribution with a click-through and a view-through window: a conversion is credited to the
  user's latest click on an ad of the same advertiser in the `attribution_click_window_days` before it;
  failing that, to the user's latest impression of such an ad in the `attribution_view_window_days` before
  it (touch time <= conversion time, window strictly shorter than N x 24 h). Every valid conversion is
  kept; unattributed ones have NULL ad keys and attribution_type.
-#}

with conversions as (
    select * from {{ ref('int_conversions_validated') }}
),

clicks as (
    select * from {{ ref('int_ad_clicks_joined') }}
),

impressions as (
    select * from {{ ref('int_ad_impressions_joined') }}
),

click_candidates as (
    select
        conversions.conversion_id,
        clicks.click_id,
        clicks.impression_id,
        clicks.campaign_id,
        clicks.ad_group_id,
        clicks.ad_id,
        clicks.clicked_at
    from conversions
    inner join clicks
        on conversions.user_id = clicks.user_id
        and conversions.advertiser_id = clicks.advertiser_id
        and conversions.converted_at >= clicks.clicked_at
        and clicks.clicked_at
        > conversions.converted_at - interval {{ var('attribution_click_window_days') }} day
    qualify row_number() over (
        partition by conversions.conversion_id order by clicks.clicked_at desc, clicks.click_id desc
    ) = 1
),

view_candidates as (
    select
        conversions.conversion_id,
        impressions.impression_id,
        impressions.campaign_id,
        impressions.ad_group_id,
        impressions.ad_id,
        impressions.impression_at
    from conversions
    inner join impressions
        on conversions.user_id = impressions.user_id
        and conversions.advertiser_id = impressions.advertiser_id
        and conversions.converted_at >= impressions.impression_at
        and impressions.impression_at
        > conversions.converted_at - interval {{ var('attribution_view_window_days') }} day
    qualify row_number() over (
        partition by conversions.conversion_id
        order by impressions.impression_at desc, impressions.impression_id desc
    ) = 1
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

final as (
    select
        conversions.conversion_id,
        conversions.user_id,
        conversions.advertiser_id,
        conversions.converted_at,
        cast(conversions.converted_at as date) as date_day,
        conversions.conversion_value,
        click_candidates.click_id as attributed_click_id,
        coalesce(click_candidates.impression_id, view_candidates.impression_id) as attributed_impression_id,
        coalesce(click_candidates.campaign_id, view_candidates.campaign_id) as campaign_id,
        coalesce(click_candidates.ad_group_id, view_candidates.ad_group_id) as ad_group_id,
        coalesce(click_candidates.ad_id, view_candidates.ad_id) as ad_id,
        click_candidates.clicked_at as attributed_clicked_at,
        coalesce(click_candidates.clicked_at, view_candidates.impression_at) as attributed_touch_at,
        case
            when click_candidates.click_id is not null then 'click'
            when view_candidates.impression_id is not null then 'view'
        end as attribution_type,
        coalesce(click_candidates.click_id, view_candidates.impression_id) is not null as is_attributed,
        users.country_code,
        users.region,
        users.age_band,
        users.device_os
    from conversions
    left join click_candidates on conversions.conversion_id = click_candidates.conversion_id
    left join view_candidates on conversions.conversion_id = view_candidates.conversion_id
    left join users on conversions.user_id = users.user_id
)

select * from final
