{#- Sentiment of the comments on each creator's videos per day: fct_video_sentiment_daily rolled up. -#}

with videos as (
    select * from {{ ref('fct_video_sentiment_daily') }}
    where creator_id is not null
),

final as (
    select
        date_day,
        creator_id,
        cast(count(distinct video_id) as bigint) as videos_commented,
        cast(sum(comments) as bigint) as comments,
        cast(sum(positive_comments) as bigint) as positive_comments,
        cast(sum(neutral_comments) as bigint) as neutral_comments,
        cast(sum(negative_comments) as bigint) as negative_comments,
        sum(sentiment_score_sum) as sentiment_score_sum
    from videos
    group by date_day, creator_id
)

select * from final
