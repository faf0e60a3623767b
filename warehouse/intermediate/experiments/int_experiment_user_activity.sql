{{ config(**incremental_by_key(['activity_type', 'activity_id'], "{{ remove_backfilled_days() }}")) }}

{#-
  Every post-validation activity row of a user that an experiment metric counts, as additive parts
  (one row per view, ad impression, ad click or conversion, keyed by activity_type and its
  id; the other parts are 0). The part names
  are the ones var `experiment_metrics` refers to.
  Incremental by export day (issue 19): a daily build appends the export days newer than the newest one
  stored and the backfilled days (var backfill_export_dates; their stored rows are removed first); a later
  copy of an activity replaces the stored one through the key.
-#}

{%- set newest_loaded = newest_export_date_loaded() -%}

with views as (
    select
        'view' as activity_type,
        event_id as activity_id,
        user_id,
        event_at as occurred_at,
        export_date,
        1 as views,
        case when is_completed then 1 else 0 end as completed_views,
        watch_seconds,
        case when is_liked then 1 else 0 end as likes,
        0 as impressions,
        0 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_watch_events_validated') }}
    {{ new_export_days_filter(newest_loaded) }}
),

impressions as (
    select
        'impression' as activity_type,
        impression_id as activity_id,
        user_id,
        impression_at as occurred_at,
        export_date,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        1 as impressions,
        0 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_ad_impressions_validated') }}
    {{ new_export_days_filter(newest_loaded) }}
),

clicks as (
    select
        'click' as activity_type,
        click_id as activity_id,
        user_id,
        clicked_at as occurred_at,
        export_date,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        0 as impressions,
        1 as clicks,
        0 as conversions,
        cast(0 as decimal(18, 2)) as conversion_value
    from {{ ref('int_ad_clicks_validated') }}
    {{ new_export_days_filter(newest_loaded) }}
),

conversions as (
    select
        'conversion' as activity_type,
        conversion_id as activity_id,
        user_id,
        converted_at as occurred_at,
        export_date,
        0 as views,
        0 as completed_views,
        cast(0 as decimal(18, 3)) as watch_seconds,
        0 as likes,
        0 as impressions,
        0 as clicks,
        1 as conversions,
        conversion_value
    from {{ ref('int_conversions_validated') }}
    {{ new_export_days_filter(newest_loaded) }}
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
