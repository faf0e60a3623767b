{#-
  Positive-sentiment fans of beauty videos: beauty fans (affinity) whose comments on beauty videos are on
  average positive (sentiment score P(positive) - P(negative) from fct_comment_sentiment, via dim_users).
-#}

with users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        user_id,
        affinity_beauty,
        sentiment_beauty,
        positive_comments,
        views
    from users
    where
        affinity_beauty >= {{ var('audience_fan_min_affinity', 0.3) }}
        and sentiment_beauty >= {{ var('audience_positive_min_sentiment', 0.2) }}
)

select * from final
