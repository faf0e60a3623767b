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
        {{ sentiment_rollup() }}
    from videos
    group by date_day, creator_id
)

select * from final
