{{ config(**export_day_incremental('watch_events')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('watch_events') %}

with events as (
    select * from {{ ref('stg_platform__watch_events') }}
    {{ export_day_filter(days) }}
),

videos as (
    {{ valid_keys('int_videos_validated', ['video_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        events.* {{ star_exclude() }} (reject_reason),
        coalesce(
            events.reject_reason,
            case
                when videos.video_id is null then 'unknown_video'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from events
    left join videos on events.video_id = videos.video_id
    left join users on events.user_id = users.user_id
)

select * from final
