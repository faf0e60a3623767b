{{ config(**export_day_incremental('ad_clicks')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('ad_clicks') %}

with clicks as (
    select * from {{ ref('stg_platform__ad_clicks') }}
    {{ export_day_filter(days) }}
),

impressions as (
    {{ valid_keys('int_ad_impressions_validated', ['impression_id']) }}
),

final as (
    select
        clicks.* {{ star_exclude() }} (reject_reason),
        coalesce(
            clicks.reject_reason,
            case when impressions.impression_id is null then 'unknown_impression' end
        ) as reject_reason
    from clicks
    left join impressions on clicks.impression_id = impressions.impression_id
)

select * from final
