{#-
  Budget shifts per advertiser, from the randomised holdout measured within segments.

  For every campaign x segment (age band x device OS over the whole study; uplift decile over the
  evaluation split, which the model did not train on) the holdout difference in conversions per user,
  scaled to the segment's treated users, estimates the incremental conversions the segment's spend
  bought; return = incremental conversions per 1,000 CNY. Within an advertiser and segment type,
  segments are ranked by return (taken as the marginal return, i.e. a locally linear response, which
  is why at most `placement_shift_share` of a segment's spend is moved): the lowest third with a return
  below the advertiser's average give that share of their spend to the top third above it, in
  proportion to their current spend. Expected gain = budget change x return, with a 90% interval from
  the return's standard error. See docs/campaigns.md.
-#}

{%- set share = var('placement_shift_share') -%}
{%- set min_users = var('placement_min_arm_users') -%}

with study as (
    select * from {{ ref('int_campaign_lift_users') }}
),

users as (
    select user_id, age_band, device_os from {{ ref('dim_users') }}
),

impressions as (
    select campaign_id, user_id, age_band, device_os, spend from {{ ref('int_ad_impressions_joined') }}
),

deciles as (
    select * from {{ ref('fct_campaign_uplift_deciles') }}
),

by_age_device as (
    select
        study.campaign_id,
        study.advertiser_id,
        'age_band_device' as segment_type,
        coalesce(users.age_band, 'unknown') || ' / ' || coalesce(users.device_os, 'unknown') as segment,
        'age_band = ''' || coalesce(users.age_band, 'unknown') || ''' and device_os = '''
        || coalesce(users.device_os, 'unknown') || '''' as audience_filter,
        count(*) filter (where study.is_treatment) as treated_users,
        count(*) filter (where study.is_treatment) as arm_treated_users,
        count(*) filter (where not study.is_treatment) as arm_holdout_users,
        coalesce(sum(study.conversions) filter (where study.is_treatment), 0) as treated_conversions,
        coalesce(sum(study.conversions * study.conversions) filter (where study.is_treatment), 0)
            as treated_conversions_sum_squares,
        coalesce(sum(study.conversions) filter (where not study.is_treatment), 0) as holdout_conversions,
        coalesce(sum(study.conversions * study.conversions) filter (where not study.is_treatment), 0)
            as holdout_conversions_sum_squares
    from study
    left join users on study.user_id = users.user_id
    group by 1, 2, 3, 4, 5
),

age_device_spend as (
    select
        campaign_id,
        coalesce(age_band, 'unknown') || ' / ' || coalesce(device_os, 'unknown') as segment,
        sum(spend) as spend
    from impressions
    group by 1, 2
),

by_decile as (
    select
        deciles.campaign_id,
        study_advertisers.advertiser_id,
        'uplift_decile' as segment_type,
        'decile ' || lpad(cast(deciles.uplift_decile as varchar), 2, '0') as segment,
        'uplift_decile = ' || cast(deciles.uplift_decile as varchar) as audience_filter,
        deciles.treated_users,
        deciles.eval_treated_users as arm_treated_users,
        deciles.eval_holdout_users as arm_holdout_users,
        deciles.eval_treated_conversions as treated_conversions,
        deciles.eval_treated_conversions_sum_squares as treated_conversions_sum_squares,
        deciles.eval_holdout_conversions as holdout_conversions,
        deciles.eval_holdout_conversions_sum_squares as holdout_conversions_sum_squares,
        deciles.spend
    from deciles
    inner join (select distinct campaign_id, advertiser_id from study) as study_advertisers
        on deciles.campaign_id = study_advertisers.campaign_id
),

segments as (
    select by_age_device.*, coalesce(age_device_spend.spend, 0) as spend
    from by_age_device
    left join age_device_spend
        on by_age_device.campaign_id = age_device_spend.campaign_id
        and by_age_device.segment = age_device_spend.segment
    union all
    select * from by_decile
),

estimated as (
    select
        *,
        arm_treated_users >= {{ min_users }} and arm_holdout_users >= {{ min_users }} and spend > 0 as is_rankable,
        {{ safe_divide('treated_conversions', 'arm_treated_users') }}
        - {{ safe_divide('holdout_conversions', 'arm_holdout_users') }} as uplift_per_user,
        sqrt(
            {{ safe_divide('treated_conversions_sum_squares - treated_conversions * treated_conversions / arm_treated_users',
                           '(arm_treated_users - 1) * arm_treated_users') }}
            + {{ safe_divide('holdout_conversions_sum_squares - holdout_conversions * holdout_conversions / arm_holdout_users',
                             '(arm_holdout_users - 1) * arm_holdout_users') }}
        ) as uplift_per_user_se
    from segments
),

returns as (
    select
        *,
        treated_users * uplift_per_user as incremental_conversions,
        treated_users * uplift_per_user_se as incremental_conversions_se,
        1000 * {{ safe_divide('treated_users * uplift_per_user', 'spend') }} as return_per_1000,
        1000 * {{ safe_divide('treated_users * uplift_per_user_se', 'spend') }} as return_per_1000_se
    from estimated
),

ranked as (
    select
        returns.*,
        case when is_rankable then
            row_number() over (
                partition by advertiser_id, segment_type, is_rankable order by return_per_1000 desc, campaign_id, segment
            )
        end as return_rank,
        count(*) filter (where is_rankable) over (partition by advertiser_id, segment_type) as rankable_segments,
        1000 * {{ safe_divide('sum(incremental_conversions) filter (where is_rankable) over (partition by advertiser_id, segment_type)',
                              'sum(spend) filter (where is_rankable) over (partition by advertiser_id, segment_type)') }}
            as advertiser_return_per_1000
    from returns
),

actions as (
    select
        *,
        case
            when not is_rankable then 'insufficient_data'
            when return_rank <= ceil(rankable_segments / 3.0) and return_per_1000 > advertiser_return_per_1000
                then 'shift_toward'
            when return_rank > rankable_segments - ceil(rankable_segments / 3.0)
                and return_per_1000 < advertiser_return_per_1000
                then 'shift_away'
            else 'hold'
        end as action
    from ranked
),

budget as (
    select
        *,
        sum(case when action = 'shift_away' then {{ share }} * spend else 0 end)
            over (partition by advertiser_id, segment_type) as budget_moved,
        sum(case when action = 'shift_toward' then spend else 0 end)
            over (partition by advertiser_id, segment_type) as receiving_spend
    from actions
),

shaped as (
    select
        budget.advertiser_id,
        budget.campaign_id,
        budget.segment_type,
        budget.segment,
        budget.action,
        cast(budget.return_rank as integer) as return_rank,
        cast(budget.treated_users as bigint) as treated_users,
        cast(budget.arm_treated_users as bigint) as arm_treated_users,
        cast(budget.arm_holdout_users as bigint) as arm_holdout_users,
        cast(budget.spend as decimal(38, 6)) as spend,
        cast(budget.incremental_conversions as double) as incremental_conversions,
        cast(budget.incremental_conversions_se as double) as incremental_conversions_se,
        cast(budget.return_per_1000 as double) as return_per_1000,
        cast(budget.return_per_1000_se as double) as return_per_1000_se,
        cast(budget.advertiser_return_per_1000 as double) as advertiser_return_per_1000,
        cast(case
            when budget.action = 'shift_away' and budget.receiving_spend > 0 then -{{ share }} * budget.spend
            when budget.action = 'shift_toward' and budget.budget_moved > 0
                then budget.budget_moved * budget.spend / budget.receiving_spend
            else 0
        end as double) as budget_change,
        budget.audience_filter,
        case when budget.action = 'shift_toward' then 'aud_persuadables_' || budget.campaign_id end
            as target_audience
    from budget
),

with_gain as (
    select
        *,
        budget_change * return_per_1000 / 1000 as expected_gain,
        abs(budget_change) * return_per_1000_se / 1000 as expected_gain_se
    from shaped
),

final as (
    -- 1.6449 = the normal quantile of a two-sided 90% interval
    select
        *,
        expected_gain - 1.6449 * expected_gain_se as expected_gain_ci_lower,
        expected_gain + 1.6449 * expected_gain_se as expected_gain_ci_upper
    from with_gain
)

select * from final
