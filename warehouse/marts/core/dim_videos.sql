with videos as (
    select * from {{ ref('int_videos_validated') }}
),

totals as (
    select
        video_id,
        {{ engagement_rollup() }}
    from {{ ref('fct_video_daily') }}
    group by video_id
),

final as (
    select
        videos.video_id,
        videos.creator_id,
        videos.category,
        videos.title,
        videos.hashtags,
        videos.language,
        videos.duration_seconds,
        videos.published_at,
        coalesce(totals.views, 0) as views,
        coalesce(totals.watch_seconds, 0) as watch_seconds,
        coalesce(totals.completed_views, 0) as completed_views,
        coalesce(totals.likes, 0) as likes,
        coalesce(totals.comments, 0) as comments,
        coalesce(totals.shares, 0) as shares,
        coalesce(totals.follows, 0) as follows
    from videos
    left join totals on videos.video_id = totals.video_id
)

select * from final
