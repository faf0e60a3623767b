with comments as (
    select * from {{ ref('stg_platform__comments') }}
),

videos as (
    select video_id
    from {{ ref('int_videos_validated') }}
    where reject_reason is null
),

ads as (
    select ad_id
    from {{ ref('stg_platform__ads') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        comments.* exclude (reject_reason),
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
