with events as (
    select * from {{ ref('fct_watch_events') }}
),

comments as (
    select
        video_id,
        comment_date,
        count(*) as comments
    from {{ ref('fct_comments') }}
    where video_id is not null
    group by video_id, comment_date
),

daily as (
    select
        video_id,
        event_date as date_day,
        count(*) as views,
        count(distinct user_id) as viewers,
        sum(watch_seconds) as watch_seconds,
        count(*) filter (where is_completed) as completed_views,
        count(*) filter (where is_liked) as likes,
        count(*) filter (where is_shared) as shares,
        count(*) filter (where is_followed) as follows
    from events
    group by video_id, event_date
),

final as (
    select
        daily.video_id,
        daily.date_day,
        daily.views,
        daily.viewers,
        daily.watch_seconds,
        daily.completed_views,
        daily.likes,
        coalesce(comments.comments, 0) as comments,
        daily.shares,
        daily.follows
    from daily
    left join comments on daily.video_id = comments.video_id and daily.date_day = comments.comment_date
)

select * from final
