{#- Per video: its title, hashtags and the engagement (views, likes, first-pass watch time) and comment
    sentiment it earned: the inputs of the creator-text term tables (docs/creator-studio.md). -#}

with videos as (
    select * from {{ ref('dim_videos') }}
),

retention as (
    select * from {{ ref('fct_video_retention') }}
),

sentiment as (
    select
        video_id,
        cast(sum(comments) as bigint) as scored_comments,
        cast(sum(positive_comments) as bigint) as positive_comments,
        cast(sum(negative_comments) as bigint) as negative_comments
    from {{ ref('fct_video_sentiment_daily') }}
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
        videos.published_at,
        videos.duration_seconds,
        videos.views,
        videos.likes,
        videos.shares,
        coalesce(retention.first_pass_seconds, 0) as first_pass_seconds,
        coalesce(sentiment.scored_comments, 0) as scored_comments,
        coalesce(sentiment.positive_comments, 0) as positive_comments,
        coalesce(sentiment.negative_comments, 0) as negative_comments
    from videos
    left join retention on videos.video_id = retention.video_id
    left join sentiment on videos.video_id = sentiment.video_id
)

select * from final
