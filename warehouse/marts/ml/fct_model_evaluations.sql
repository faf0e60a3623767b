{#-
  Held-out evaluations of every fitted model, one long table the reports read. Each area adds its
  evaluation model as one more `union all` branch with the same six columns.
-#}

with campaign_uplift as (
    select
        model_name,
        model_version,
        metric,
        value,
        evaluated_at,
        details
    from {{ ref('int_campaign_uplift_evaluated') }}
),

recommender as (
    select
        model_name,
        model_version,
        metric,
        value,
        evaluated_at,
        details
    from {{ ref('int_recommender_evaluated') }}
),

recommender_selection as (
    select
        model_name,
        model_version,
        metric,
        value,
        evaluated_at,
        details
    from {{ ref('int_recommender_selected') }}
),

comment_sentiment as (
    select
        model_name,
        model_version,
        metric,
        value,
        evaluated_at,
        details
    from {{ ref('int_sentiment_model_evaluated') }}
),

evaluations as (
    select * from campaign_uplift
    union all
    select * from comment_sentiment
    union all
    select * from recommender
    union all
    select * from recommender_selection
),

final as (
    select
        cast(model_name as string) as model_name,
        cast(model_version as string) as model_version,
        cast(metric as string) as metric,
        cast(value as double) as value,
        cast(evaluated_at as timestamp) as evaluated_at,
        cast(details as string) as details
    from evaluations
)

select * from final
