{#-
  Per-campaign sufficient statistics of the holdout test, in the column names of
  models_ml.experiments.holdout_lift: users, sum and sum of squares of conversions and of value per
  user, per arm; spend is the campaign's total. observed_days says how much of the flight the data
  window covers (a running campaign is measured on its flight so far).
-#}

with users as (
    select * from {{ ref('int_campaign_lift_users') }}
),

campaigns as (
    select
        campaign_id,
        advertiser_id,
        start_date,
        end_date
    from {{ ref('int_campaigns_validated') }}
),

spend as (
    select
        campaign_id,
        sum(spend) as spend
    from {{ ref('int_ad_impressions_joined') }}
    group by campaign_id
),

window_end as (
    select max(event_date) as as_of_date from {{ ref('fct_watch_events') }}
),

arms as (
    select
        campaign_id,
        count(*) filter (where is_treatment) as treatment_users,
        coalesce(sum(conversions) filter (where is_treatment), 0) as treatment_conversions,
        coalesce(sum(conversions * conversions) filter (where is_treatment), 0)
            as treatment_conversions_sum_squares,
        coalesce(sum(conversion_value) filter (where is_treatment), 0) as treatment_value,
        coalesce(sum(conversion_value * conversion_value) filter (where is_treatment), 0)
            as treatment_value_sum_squares,
        count(*) filter (where not is_treatment) as holdout_users,
        coalesce(sum(conversions) filter (where not is_treatment), 0) as holdout_conversions,
        coalesce(sum(conversions * conversions) filter (where not is_treatment), 0)
            as holdout_conversions_sum_squares,
        coalesce(sum(conversion_value) filter (where not is_treatment), 0) as holdout_value,
        coalesce(sum(conversion_value * conversion_value) filter (where not is_treatment), 0)
            as holdout_value_sum_squares
    from users
    group by campaign_id
),

final as (
    select
        campaigns.campaign_id,
        campaigns.advertiser_id,
        campaigns.start_date,
        campaigns.end_date,
        cast(
            {{ dbt.datediff('campaigns.start_date', 'campaigns.end_date', 'day') }} + 1 as bigint  -- noqa: LT05
        ) as flight_days,
        cast(greatest(
            0,
            {{ dbt.datediff('campaigns.start_date', 'least(campaigns.end_date, window_end.as_of_date)', 'day') }}  -- noqa: LT05
            + 1
        ) as bigint) as observed_days,
        window_end.as_of_date,
        cast(arms.treatment_users as bigint) as treatment_users,
        cast(arms.treatment_conversions as bigint) as treatment_conversions,
        cast(arms.treatment_conversions_sum_squares as bigint) as treatment_conversions_sum_squares,
        cast(arms.treatment_value as decimal(38, 2)) as treatment_value,
        cast(arms.treatment_value_sum_squares as decimal(38, 4)) as treatment_value_sum_squares,
        cast(arms.holdout_users as bigint) as holdout_users,
        cast(arms.holdout_conversions as bigint) as holdout_conversions,
        cast(arms.holdout_conversions_sum_squares as bigint) as holdout_conversions_sum_squares,
        cast(arms.holdout_value as decimal(38, 2)) as holdout_value,
        cast(arms.holdout_value_sum_squares as decimal(38, 4)) as holdout_value_sum_squares,
        cast(coalesce(spend.spend, 0) as decimal(38, 6)) as spend
    from campaigns
    cross join window_end
    inner join arms on campaigns.campaign_id = arms.campaign_id
    left join spend on campaigns.campaign_id = spend.campaign_id
)

select * from final
