{#-
  Each user's comment sentiment over the data window: label counts, the mean sentiment score, and
  the mean per video category (NULL where the user has no comment in that category). Means use the
  one definition `mean_sentiment` (var metrics) over the summed parts.
-#}
{%- set categories = var('categories') -%}

with scores as (
    select * from {{ ref('fct_comment_sentiment') }}
),

videos as (
    select * from {{ ref('dim_videos') }}
),

scored as (
    select
        scores.user_id,
        scores.sentiment_label,
        cast(scores.sentiment_score as decimal(18, 6)) as sentiment_score,
        videos.category
    from scores
    left join videos on scores.video_id = videos.video_id
),

final as (
    select
        user_id,
        count(*) as comments,
        count(*) filter (where sentiment_label = 'positive') as positive_comments,
        count(*) filter (where sentiment_label = 'neutral') as neutral_comments,
        count(*) filter (where sentiment_label = 'negative') as negative_comments,
        sum(sentiment_score) as sentiment_score_sum,
        {{ metric_ratio('mean_sentiment', parts={'sentiment_score_sum': 'sentiment_score', 'comments': '1'},
                        agg='sum') }} as sentiment_score_mean,
        {% for category in categories %}
        {{ metric_ratio('mean_sentiment',
                        parts={'sentiment_score_sum': "case when category = '" ~ category ~ "' then sentiment_score end",
                               'comments': "case when category = '" ~ category ~ "' then 1 end"},
                        agg='sum') }} as sentiment_{{ category }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from scored
    group by user_id
)

select * from final
