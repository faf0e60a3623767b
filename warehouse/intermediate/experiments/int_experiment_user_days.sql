{{ config(materialized='table') }}

{#-
  Post-exposure activity of every analysed user (single variant) per day of the experiment, from
  the first exposure time to the end of the analysis window. Sparse: only days with activity.
-#}

with exposures as (
    select
        experiment_id,
        user_id,
        first_exposed_at,
        exposure_date
    from {{ ref('int_experiment_exposures') }}
    where not is_multiple_exposure
),

windows as (
    select
        experiment_id,
        start_date,
        analysis_end_date
    from {{ ref('int_experiment_windows') }}
),

activity as (
    select * from {{ ref('int_experiment_user_activity') }}
),

post_exposure as (
    select
        exposures.experiment_id,
        exposures.user_id,
        cast(
            {{ dbt.datediff('windows.start_date', 'cast(activity.occurred_at as date)', 'day') }} as integer  -- noqa: LT05
        ) as day_index,
        cast(activity.occurred_at as date) >= exposures.exposure_date + 7 as is_from_d7,
        activity.views,
        activity.completed_views,
        activity.watch_seconds,
        activity.likes,
        activity.impressions,
        activity.clicks,
        activity.conversions,
        activity.conversion_value
    from exposures
    inner join windows on exposures.experiment_id = windows.experiment_id
    inner join activity on exposures.user_id = activity.user_id
    where
        activity.occurred_at >= exposures.first_exposed_at
        and cast(activity.occurred_at as date) <= windows.analysis_end_date
),

final as (
    select
        experiment_id,
        user_id,
        day_index,
        cast(sum(views) as {{ experiment_metric_part_type('views') }}) as views,
        cast(sum(completed_views) as {{ experiment_metric_part_type('completed_views') }}) as completed_views,
        cast(sum(watch_seconds) as {{ experiment_metric_part_type('watch_seconds') }}) as watch_seconds,
        cast(sum(likes) as {{ experiment_metric_part_type('likes') }}) as likes,
        cast(sum(impressions) as {{ experiment_metric_part_type('impressions') }}) as impressions,
        cast(sum(clicks) as {{ experiment_metric_part_type('clicks') }}) as clicks,
        cast(sum(conversions) as {{ experiment_metric_part_type('conversions') }}) as conversions,
        cast(sum(conversion_value) as {{ experiment_metric_part_type('conversion_value') }})
            as conversion_value,
        max(case when is_from_d7 and views > 0 then 1 else 0 end) as active_days_from_d7
    from post_exposure
    group by experiment_id, user_id, day_index
)

select * from final
