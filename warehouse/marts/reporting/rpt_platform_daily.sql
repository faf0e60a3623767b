{#- Platform totals per day: the additive parts of the overview's KPIs and daily series. -#}
with video_daily as (
    select * from {{ ref('fct_video_daily') }}
),

events as (
    select
        event_date,
        user_id
    from {{ ref('fct_watch_events') }}
),

video_comments as (
    select
        comment_date as date_day,
        count(*) as comments
    from {{ ref('fct_comments') }}
    where commented_on = 'video'
    group by comment_date
),

viewing as (
    select
        date_day,
        {{ engagement_rollup(['views', 'watch_seconds', 'completed_views', 'likes', 'shares', 'follows']) }},
        count(distinct video_id) as videos_watched
    from video_daily
    group by date_day
),

active as (
    select
        event_date as date_day,
        count(distinct user_id) as active_users
    from events
    group by event_date
),

signups as (
    select
        cast(signed_up_at as date) as date_day,
        count(*) as new_users
    from {{ ref('dim_users') }}
    group by cast(signed_up_at as date)
),

final as (
    select
        viewing.date_day,
        viewing.views,
        viewing.watch_seconds,
        viewing.completed_views,
        viewing.likes,
        coalesce(video_comments.comments, 0) as comments,
        viewing.shares,
        viewing.follows,
        viewing.videos_watched,
        coalesce(active.active_users, 0) as active_users,
        coalesce(signups.new_users, 0) as new_users
    from viewing
    left join video_comments on viewing.date_day = video_comments.date_day
    left join active on viewing.date_day = active.date_day
    left join signups on viewing.date_day = signups.date_day
)

select * from final
