{#-
  Users most likely to be persuaded by a campaign: the top `audience_uplift_top_deciles` uplift deciles
  of the campaign's uplift model (fct_campaign_uplift_scores). The campaign is the var
  `audience_uplift_campaign_id`, by default the fitted campaign with the largest lift study.
-#}

with scores as (
    select * from {{ ref('fct_campaign_uplift_scores') }}
    where uplift_decile is not null
),

chosen as (
    {% if var('audience_uplift_campaign_id', none) %}
    select {{ sql_literal(var('audience_uplift_campaign_id')) }} as campaign_id
    {% else %}
    select campaign_id
    from scores
    group by campaign_id
    order by count(*) desc, campaign_id
    limit 1
    {% endif %}
),

final as (
    select
        scores.user_id,
        scores.campaign_id,
        scores.uplift_score,
        scores.uplift_decile
    from scores
    inner join chosen on scores.campaign_id = chosen.campaign_id
    where scores.uplift_decile <= {{ var('audience_uplift_top_deciles', 3) }}
)

select * from final
