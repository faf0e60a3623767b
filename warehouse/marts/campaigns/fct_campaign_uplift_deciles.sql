{#-
  Additive parts per campaign x uplift decile: all users and spend (for placement), and the
  evaluation split's arms (users, converters, conversions and their squares, summed predicted
  uplift) from which reports compute the Qini curve and observed uplift per decile.
-#}

with scores as (
    select * from {{ ref('fct_campaign_uplift_scores') }}
    where uplift_decile is not null
),

study as (
    select
        campaign_id,
        user_id,
        conversions
    from {{ ref('int_campaign_lift_users') }}
),

spend as (
    select
        campaign_id,
        user_id,
        sum(spend) as spend
    from {{ ref('int_ad_impressions_joined') }}
    group by campaign_id, user_id
),

joined as (
    select
        scores.*,
        study.conversions,
        coalesce(spend.spend, 0) as spend
    from scores
    inner join study on scores.campaign_id = study.campaign_id and scores.user_id = study.user_id
    left join spend on scores.campaign_id = spend.campaign_id and scores.user_id = spend.user_id
),

final as (
    select
        campaign_id,
        uplift_decile,
        count(*) as users,
        count(*) filter (where is_treatment) as treated_users,
        cast(sum(spend) as decimal(38, 6)) as spend,
        count(*) filter (where is_evaluation and is_treatment) as eval_treated_users,
        count(*) filter (where is_evaluation and not is_treatment) as eval_holdout_users,
        count(*) filter (where is_evaluation and is_treatment and has_converted) as eval_treated_converters,
        count(*) filter (where is_evaluation and not is_treatment and has_converted)
            as eval_holdout_converters,
        cast(coalesce(sum(conversions) filter (where is_evaluation and is_treatment), 0) as bigint)
            as eval_treated_conversions,
        cast(
            coalesce(
                sum(conversions * conversions) filter (where is_evaluation and is_treatment), 0
            ) as bigint
        )
            as eval_treated_conversions_sum_squares,
        cast(coalesce(sum(conversions) filter (where is_evaluation and not is_treatment), 0) as bigint)
            as eval_holdout_conversions,
        cast(
            coalesce(
                sum(conversions * conversions) filter (where is_evaluation and not is_treatment), 0
            ) as bigint
        )
            as eval_holdout_conversions_sum_squares,
        cast(coalesce(sum(uplift_score) filter (where is_evaluation), 0) as double)
            as eval_predicted_uplift_sum,
        cast(min(uplift_score) as double) as min_uplift_score,
        cast(max(uplift_score) as double) as max_uplift_score
    from joined
    group by campaign_id, uplift_decile
)

select * from final
