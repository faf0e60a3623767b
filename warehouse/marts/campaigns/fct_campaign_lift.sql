{#- The holdout lift estimates (Python: int_campaign_lift_estimated) with the study's sizes, under a contract,
    and the verdict a report shows instead of an estimate whose interval is too wide to act on. -#}

with estimates as (
    select * from {{ ref('int_campaign_lift_estimated') }}
),

statistics as (
    select * from {{ ref('int_campaign_lift_statistics') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        objective,
        target_category,
        holdout_share
    from {{ ref('int_campaigns_validated') }}
),

final as (
    select
        statistics.campaign_id,
        statistics.advertiser_id,
        campaigns.campaign_name,
        campaigns.objective,
        campaigns.target_category,
        statistics.start_date,
        statistics.end_date,
        statistics.flight_days,
        statistics.observed_days,
        statistics.observed_days >= statistics.flight_days as is_flight_complete,
        campaigns.holdout_share,
        statistics.treatment_users,
        statistics.holdout_users,
        statistics.treatment_conversions,
        statistics.holdout_conversions,
        statistics.treatment_value,
        statistics.holdout_value,
        statistics.spend,
        cast({{ (1 - var('interval_level')) | round(12) }} as double) as alpha,
        cast(estimates.treatment_conversion_rate as double) as treatment_conversions_per_user,
        cast(estimates.holdout_conversion_rate as double) as holdout_conversions_per_user,
        cast(estimates.incremental_conversions as double) as incremental_conversions,
        cast(estimates.incremental_conversions_ci_lower as double) as incremental_conversions_ci_lower,
        cast(estimates.incremental_conversions_ci_upper as double) as incremental_conversions_ci_upper,
        cast(estimates.conversions_p_value as double) as conversions_p_value,
        cast(estimates.lift as double) as lift,
        cast(estimates.lift_ci_lower as double) as lift_ci_lower,
        cast(estimates.lift_ci_upper as double) as lift_ci_upper,
        cast(estimates.lift_p_value as double) as lift_p_value,
        cast(estimates.incremental_value as double) as incremental_value,
        cast(estimates.incremental_value_ci_lower as double) as incremental_value_ci_lower,
        cast(estimates.incremental_value_ci_upper as double) as incremental_value_ci_upper,
        cast(estimates.value_p_value as double) as value_p_value,
        cast(estimates.incremental_cpa as double) as incremental_cpa,
        cast(estimates.incremental_cpa_ci_lower as double) as incremental_cpa_ci_lower,
        cast(estimates.incremental_cpa_ci_upper as double) as incremental_cpa_ci_upper,
        cast(estimates.incremental_roas as double) as incremental_roas,
        cast(estimates.incremental_roas_ci_lower as double) as incremental_roas_ci_lower,
        cast(estimates.incremental_roas_ci_upper as double) as incremental_roas_ci_upper,
        cast(estimates.error_message as string) as error_message,
        {{ lift_verdict('estimates.incremental_conversions_ci_lower',
                        'estimates.incremental_conversions_ci_upper') }}
            as conversions_verdict,
        {{ lift_verdict('estimates.incremental_value_ci_lower', 'estimates.incremental_value_ci_upper') }}
            as value_verdict
    from statistics
    inner join estimates on statistics.campaign_id = estimates.campaign_id
    inner join campaigns on statistics.campaign_id = campaigns.campaign_id
)

select * from final
