{#-
  Content features of every valid video for the recommender: what it is (category, creator, title and
  creator handle for the reasons it gives, publication time, duration) and how viewers took it (views, completed views, comment sentiment).
  The additive parts stay next to the two ratios the model reads, so a report can recompute them.
  Videos nobody watched yet are kept: they are the cold-start items the content candidates reach.
-#}

with videos as (
    select * from {{ ref('dim_videos') }}
),

creators as (
    select * from {{ ref('dim_creators') }}
),

comment_sentiment as (
    select
        video_id,
        count(*) as scored_comments,
        sum(sentiment_score) as sentiment_score_sum
    from {{ ref('fct_comment_sentiment') }}
    where video_id is not null
    group by video_id
),

final as (
    select
        videos.video_id,
        videos.category,
        videos.creator_id,
        videos.title,
        creators.handle as creator_handle,
        videos.published_at,
        cast(videos.duration_seconds as double) as duration_seconds,
        videos.views,
        videos.completed_views,
        coalesce(comment_sentiment.scored_comments, 0) as scored_comments,
        coalesce(comment_sentiment.sentiment_score_sum, 0) as sentiment_score_sum,
        {{ safe_divide('comment_sentiment.sentiment_score_sum', 'comment_sentiment.scored_comments') }}
            as mean_sentiment,
        {{ completion_rate('videos.completed_views', 'videos.views') }} as completion_rate
    from videos
    left join comment_sentiment on videos.video_id = comment_sentiment.video_id
    left join creators on videos.creator_id = creators.creator_id
)

select * from final
