{{ config(**export_day_incremental('comments')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('comments') %}

with comments as (
    select * from {{ ref('stg_platform__comments') }}
    {{ export_day_filter(days) }}
),

videos as (
    {{ valid_keys('int_videos_validated', ['video_id']) }}
),

ads as (
    {{ valid_keys('int_ads_validated', ['ad_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        comments.* {{ star_exclude() }} (reject_reason),
        coalesce(
            comments.reject_reason,
            case
                when comments.video_id is not null and videos.video_id is null then 'unknown_video'
                when comments.ad_id is not null and ads.ad_id is null then 'unknown_ad'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from comments
    left join videos on comments.video_id = videos.video_id
    left join ads on comments.ad_id = ads.ad_id
    left join users on comments.user_id = users.user_id
)

select * from final
