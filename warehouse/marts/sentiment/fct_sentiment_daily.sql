{#- Comment sentiment per day and target (video or ad): the platform trend, additive parts only. -#}

with scores as (
    select * from {{ ref('fct_comment_sentiment') }}
),

final as (
    select
        comment_date as date_day,
        case when ad_id is not null then 'ad' else 'video' end as commented_on,
        {{ sentiment_aggregates() }}
    from scores
    group by comment_date, case when ad_id is not null then 'ad' else 'video' end
)

select * from final
