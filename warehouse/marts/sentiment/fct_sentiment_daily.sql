{#- Comment sentiment per day and target (video or ad): the platform trend, additive parts only. -#}

with scores as (
    select * from {{ ref('fct_comment_sentiment') }}
),

final as (
    select
        comment_date as date_day,
        case when ad_id is not null then 'ad' else 'video' end as commented_on,
        count(*) as comments,
        count(*) filter (where sentiment_label = 'positive') as positive_comments,
        count(*) filter (where sentiment_label = 'neutral') as neutral_comments,
        count(*) filter (where sentiment_label = 'negative') as negative_comments,
        sum(cast(sentiment_score as decimal(18, 6))) as sentiment_score_sum
    from scores
    group by comment_date, case when ad_id is not null then 'ad' else 'video' end
)

select * from final
