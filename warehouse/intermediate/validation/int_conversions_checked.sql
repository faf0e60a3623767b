{{ config(**export_day_incremental('conversions')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('conversions') %}

with conversions as (
    select * from {{ ref('stg_platform__conversions') }}
    {{ export_day_filter(days) }}
),

advertisers as (
    {{ valid_keys('int_advertisers_validated', ['advertiser_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        conversions.* {{ star_exclude() }} (reject_reason),
        coalesce(
            conversions.reject_reason,
            case
                when advertisers.advertiser_id is null then 'unknown_advertiser'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from conversions
    left join advertisers on conversions.advertiser_id = advertisers.advertiser_id
    left join users on conversions.user_id = users.user_id
)

select * from final
