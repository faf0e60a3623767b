{#-
  Held-out evaluations of every fitted model, one long table the reports read. Each area adds its
  evaluation model to `evaluation_models`; each writes the same six columns (models_ml.evaluations).
-#}
{%- set evaluation_models = [
    'int_campaign_uplift_evaluated',
    'int_sentiment_model_evaluated',
    'int_recommender_evaluated',
    'int_recommender_selected',
] -%}

with evaluations as (
    {%- for evaluation_model in evaluation_models %}
    select
        model_name,
        model_version,
        metric,
        value,
        evaluated_at,
        details
    from {{ ref(evaluation_model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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
