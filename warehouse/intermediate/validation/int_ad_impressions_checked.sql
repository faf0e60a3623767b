{{ config(**export_day_incremental('ad_impressions')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('ad_impressions') %}

with impressions as (
    select * from {{ ref('stg_platform__ad_impressions') }}
    {{ export_day_filter(days) }}
),

ads as (
    {{ valid_keys('int_ads_validated', ['ad_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        impressions.* {{ star_exclude() }} (reject_reason),
        coalesce(
            impressions.reject_reason,
            case
                when ads.ad_id is null then 'unknown_ad'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from impressions
    left join ads on impressions.ad_id = ads.ad_id
    left join users on impressions.user_id = users.user_id
)

select * from final
