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
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        count(*) filter (where is_completed) as completed_views,
        count(*) filter (where is_liked) as likes,
        count(*) filter (where is_shared) as shares,
        count(*) filter (where is_followed) as follows
    from events
    group by video_id, event_date
),

final as (
    -- a video-day can have comments but no views (a comment on an older view): keep both sides
    select
        coalesce(daily.video_id, comments.video_id) as video_id,
        coalesce(daily.date_day, comments.comment_date) as date_day,
        coalesce(daily.views, 0) as views,
        coalesce(daily.viewers, 0) as viewers,
        coalesce(daily.watch_seconds, 0) as watch_seconds,
        coalesce(daily.completed_views, 0) as completed_views,
        coalesce(daily.likes, 0) as likes,
        coalesce(comments.comments, 0) as comments,
        coalesce(daily.shares, 0) as shares,
        coalesce(daily.follows, 0) as follows
    from daily
    full outer join comments on daily.video_id = comments.video_id and daily.date_day = comments.comment_date
)

select * from final
