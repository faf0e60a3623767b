{#- Sentiment of the comments on each video per day, with the video's creator and category. -#}

with scores as (
    select * from {{ ref('fct_comment_sentiment') }}
    where video_id is not null
),

videos as (
    select * from {{ ref('dim_videos') }}
),

daily as (
    select
        video_id,
        comment_date as date_day,
        {{ sentiment_aggregates() }}
    from scores
    group by video_id, comment_date
),

final as (
    select
        daily.date_day,
        daily.video_id,
        videos.creator_id,
        videos.category,
        daily.comments,
        daily.positive_comments,
        daily.neutral_comments,
        daily.negative_comments,
        daily.sentiment_score_sum
    from daily
    left join videos on daily.video_id = videos.video_id
)

select * from final
