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
        cast(sum(video_daily.views) as bigint) as views,
        sum(video_daily.watch_seconds) as watch_seconds,
        cast(sum(video_daily.completed_views) as bigint) as completed_views,
        cast(sum(video_daily.likes) as bigint) as likes,
        cast(sum(video_daily.comments) as bigint) as comments,
        cast(sum(video_daily.shares) as bigint) as shares,
        cast(sum(video_daily.follows) as bigint) as follows
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
