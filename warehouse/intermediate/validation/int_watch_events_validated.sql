with events as (
    select * from {{ ref('stg_platform__watch_events') }}
),

videos as (
    select video_id
    from {{ ref('int_videos_validated') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        events.* exclude (reject_reason),
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
