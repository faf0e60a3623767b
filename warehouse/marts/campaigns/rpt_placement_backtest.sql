{#- The placement backtest per advertiser x segment type, from int_placement_plans_backtested. -#}

with backtested as (
    select * from {{ ref('int_placement_plans_backtested') }}
),

final as (
    select
        cast(advertiser_id as string) as advertiser_id,
        cast(segment_type as string) as segment_type,
        cast(plan_period as string) as plan_period,
        cast(evaluation_period as string) as evaluation_period,
        cast(segments_moved as integer) as segments_moved,
        cast(budget_moved as double) as budget_moved,
        cast(predicted_gain as double) as predicted_gain,
        cast(predicted_gain_ci_lower as double) as predicted_gain_ci_lower,
        cast(predicted_gain_ci_upper as double) as predicted_gain_ci_upper,
        cast(realised_gain as double) as realised_gain,
        cast(realised_gain_ci_lower as double) as realised_gain_ci_lower,
        cast(realised_gain_ci_upper as double) as realised_gain_ci_upper,
        cast(segments_not_evaluable as integer) as segments_not_evaluable
    from backtested
)

select * from final
