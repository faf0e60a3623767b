{#-
  Budget shifts per advertiser, published with a contract from the Python plan
  (int_placement_segments_planned, models_ml.placement.PlacementPlanner). Method: docs/campaigns.md,
  "Placement optimisation".
-#}

with planned as (
    select * from {{ ref('int_placement_segments_planned') }}
),

final as (
    select
        cast(advertiser_id as string) as advertiser_id,
        cast(campaign_id as string) as campaign_id,
        cast(segment_type as string) as segment_type,
        cast(segment as string) as segment,
        cast(action as string) as action,
        cast(reason as string) as reason,
        cast(return_rank as integer) as return_rank,
        cast(treated_users as bigint) as treated_users,
        cast(arm_treated_users as bigint) as arm_treated_users,
        cast(arm_holdout_users as bigint) as arm_holdout_users,
        cast(spend as decimal(38, 6)) as spend,
        cast(incremental_conversions as double) as incremental_conversions,
        cast(incremental_conversions_se as double) as incremental_conversions_se,
        cast(incremental_value as double) as incremental_value,
        cast(incremental_value_se as double) as incremental_value_se,
        cast(raw_return_per_1000 as double) as raw_return_per_1000,
        cast(raw_return_per_1000_se as double) as raw_return_per_1000_se,
        cast(return_per_1000 as double) as return_per_1000,
        cast(return_per_1000_se as double) as return_per_1000_se,
        cast(shrinkage as double) as shrinkage,
        cast(marginal_ratio as double) as marginal_ratio,
        cast(marginal_ratio_ci_lower as double) as marginal_ratio_ci_lower,
        cast(marginal_ratio_ci_upper as double) as marginal_ratio_ci_upper,
        cast(marginal_basis as string) as marginal_basis,
        cast(marginal_return_per_1000 as double) as marginal_return_per_1000,
        cast(marginal_return_ci_lower as double) as marginal_return_ci_lower,
        cast(marginal_return_ci_upper as double) as marginal_return_ci_upper,
        cast(advertiser_return_per_1000 as double) as advertiser_return_per_1000,
        cast(advertiser_marginal_return_per_1000 as double) as advertiser_marginal_return_per_1000,
        cast(chance_above_average as double) as chance_above_average,
        cast(campaign_has_effect as boolean) as campaign_has_effect,
        cast(budget_change as double) as budget_change,
        cast(expected_gain as double) as expected_gain,
        cast(expected_gain_se as double) as expected_gain_se,
        cast(expected_gain_ci_lower as double) as expected_gain_ci_lower,
        cast(expected_gain_ci_upper as double) as expected_gain_ci_upper,
        cast(audience_filter as string) as audience_filter,
        cast(target_audience as string) as target_audience
    from planned
)

select * from final
