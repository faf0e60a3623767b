{{ config(materialized='table') }}

{#-
  Every post-validation activity row of a user that an experiment metric counts, as additive parts
  (one row per view, ad impression, ad click or conversion, keyed by activity_type and its
  id; the other parts are 0). The part names
  are the ones var `experiment_metrics` refers to.
-#}

with views as (
    select
        'view' as activity_type,
        event_id as activity_id,
        user_id,
        event_at as occurred_at,
        1 as views,
        case when is_completed then 1 else 0 end as completed_views,
        watch_seconds,
        case when is_liked then 1 else 0 end as likes,
        0 as impressions,
        0 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_watch_events_validated') }}
),

impressions as (
    select
        'impression' as activity_type,
        impression_id as activity_id,
        user_id,
        impression_at as occurred_at,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        1 as impressions,
        0 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_ad_impressions_validated') }}
),

clicks as (
    select
        'click' as activity_type,
        click_id as activity_id,
        user_id,
        clicked_at as occurred_at,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        0 as impressions,
        1 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_ad_clicks_validated') }}
),

conversions as (
    select
        'conversion' as activity_type,
        conversion_id as activity_id,
        user_id,
        converted_at as occurred_at,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        0 as impressions,
        0 as clicks,
        1 as conversions,
        conversion_value
    from {{ ref('int_conversions_validated') }}
),

final as (
    select * from views
    union all
    select * from impressions
    union all
    select * from clicks
    union all
    select * from conversions
)

select * from final
