{#- Per video: its publish hour (UTC) and the views it earned in its first 48 hours, the input of
    rpt_category_posting_times (docs/creator-studio.md, "Best time to post"). -#}

with videos as (
    select
        video_id,
        creator_id,
        category,
        published_at
    from {{ ref('dim_videos') }}
),

early as (
    select
        events.video_id,
        count(*) as early_views,
        count(*) filter (where events.is_completed) as early_completed_views,
        count(*) filter (where events.is_liked) as early_liked_views
    from {{ ref('fct_watch_events') }} as events
    inner join videos on events.video_id = videos.video_id
    where {{ is_early_view('events.event_at', 'videos.published_at') }}
    group by events.video_id
),

final as (
    select
        videos.video_id,
        videos.creator_id,
        videos.category,
        videos.published_at,
        cast(extract(hour from videos.published_at) as integer) as publish_hour,
        cast(coalesce(early.early_views, 0) as bigint) as early_views,
        cast(coalesce(early.early_completed_views, 0) as bigint) as early_completed_views,
        cast(coalesce(early.early_liked_views, 0) as bigint) as early_liked_views
    from videos
    left join early on videos.video_id = early.video_id
    where videos.published_at is not null
)

select * from final
