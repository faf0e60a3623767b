with creators as (
    select * from {{ ref('int_creators_validated') }}
),

videos as (
    select
        creator_id,
        count(*) as videos_published,
        {{ engagement_rollup() }}
    from {{ ref('dim_videos') }}
    group by creator_id
),

final as (
    select
        creators.creator_id,
        creators.handle,
        creators.primary_category,
        creators.joined_at,
        creators.is_verified,
        coalesce(videos.videos_published, 0) as videos_published,
        coalesce(videos.views, 0) as views,
        coalesce(videos.watch_seconds, 0) as watch_seconds,
        coalesce(videos.completed_views, 0) as completed_views,
        coalesce(videos.likes, 0) as likes,
        coalesce(videos.comments, 0) as comments,
        coalesce(videos.shares, 0) as shares,
        coalesce(videos.follows, 0) as follows
    from creators
    left join videos on creators.creator_id = videos.creator_id
)

select * from final
