{#-
  New versus returning viewers and follower growth per creator and day (issue 17). A viewer is new on
  the day of their first view of any of the creator's videos in the warehouse, returning on later days;
  a follower is counted once, on the day of their first view with followed = true.
-#}

with events as (
    select
        creator_id,
        user_id,
        event_date,
        is_followed,
        watch_seconds
    from {{ ref('fct_watch_events') }}
),

viewer_days as (
    select
        creator_id,
        user_id,
        event_date,
        count(*) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        bool_or(is_followed) as followed_today
    from events
    group by creator_id, user_id, event_date
),

firsts as (
    select
        *,
        event_date = min(event_date) over viewer as is_first_day,
        event_date = min(event_date) filter (where followed_today) over viewer as is_first_follow
    from viewer_days
    window viewer as (partition by creator_id, user_id)
),

daily as (
    select
        creator_id,
        event_date,
        count(*) as viewers,
        count(*) filter (where is_first_day) as new_viewers,
        count(*) filter (where not is_first_day) as returning_viewers,
        cast(sum(views) as bigint) as views,
        cast(sum(views) filter (where is_first_day) as bigint) as views_by_new_viewers,
        cast(sum(views) filter (where not is_first_day) as bigint) as views_by_returning_viewers,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        count(*) filter (where is_first_follow) as new_followers
    from firsts
    group by creator_id, event_date
),

final as (
    select
        creator_id,
        event_date,
        viewers,
        new_viewers,
        returning_viewers,
        views,
        coalesce(views_by_new_viewers, 0) as views_by_new_viewers,
        coalesce(views_by_returning_viewers, 0) as views_by_returning_viewers,
        watch_seconds,
        new_followers,
        cast(sum(new_followers) over (
            partition by creator_id order by event_date rows between unbounded preceding and current row
        ) as bigint) as followers_to_date
    from daily
)

select * from final
