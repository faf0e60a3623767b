with video_daily as (
    select * from {{ ref('fct_video_daily') }}
),

videos as (
    select
        video_id,
        creator_id
    from {{ ref('dim_videos') }}
),

viewers as (
    select
        creator_id,
        event_date as date_day,
        count(distinct user_id) as viewers
    from {{ ref('fct_watch_events') }}
    group by creator_id, event_date
),

daily as (
    select
        videos.creator_id,
        video_daily.date_day,
        count(distinct video_daily.video_id) as videos_watched,
        {{ engagement_rollup(relation='video_daily') }}
    from video_daily
    inner join videos on video_daily.video_id = videos.video_id
    group by videos.creator_id, video_daily.date_day
),

final as (
    select
        daily.creator_id,
        daily.date_day,
        daily.videos_watched,
        coalesce(viewers.viewers, 0) as viewers,
        daily.views,
        daily.watch_seconds,
        daily.completed_views,
        daily.likes,
        daily.comments,
        daily.shares,
        daily.follows
    from daily
    left join viewers on daily.creator_id = viewers.creator_id and daily.date_day = viewers.date_day
)

select * from final
