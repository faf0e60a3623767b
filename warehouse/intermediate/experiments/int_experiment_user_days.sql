{{ config(**incremental_by_key(['experiment_id', 'user_id'], "{{ remove_stale_experiment_user_days() }}")) }}

{#-
  Post-exposure activity of every exposed user per day of the experiment, from the first exposure time to
  the end of the analysis window, and the user's running totals through that day (cumulative_*, what the
  sufficient statistics difference). Sparse: only days with activity. Multiple-exposure users are kept
  here; the analysis leaves them out through int_experiment_user_metrics.

  Incremental by user (issue 19): a daily build recomputes the whole history of the users it touches and
  keeps every other user's rows as they are. Touched: a user with activity in an export day newer than
  the newest stored one or a backfilled day, and an exposed user without stored rows (new, or whose rows
  the pre-hook removed because their first exposure or the experiment's window changed).
-#}

{%- set parts = experiment_metric_parts() -%}
{%- set newest_loaded = newest_export_date_loaded() -%}

with exposures as (
    select
        experiment_id,
        user_id,
        first_exposed_at,
        exposure_date
    from {{ ref('int_experiment_exposures') }}
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

{% if newest_loaded is not none %}
touched as (
    select
        exposures.experiment_id,
        exposures.user_id
    from exposures
    inner join (
        select distinct user_id from activity
        where {{ is_new_export_day(newest_loaded) }}
    ) as new_activity on exposures.user_id = new_activity.user_id
    union
    select
        exposures.experiment_id,
        exposures.user_id
    from exposures
    left join (
        select distinct
            experiment_id,
            user_id
        from {{ this }}
    ) as stored on exposures.experiment_id = stored.experiment_id and exposures.user_id = stored.user_id
    where stored.user_id is null
),

recomputed as (
    select exposures.*
    from exposures
    inner join touched
        on exposures.experiment_id = touched.experiment_id and exposures.user_id = touched.user_id
),
{% else %}
recomputed as (
    select * from exposures
),
{% endif %}

post_exposure as (
    select
        recomputed.experiment_id,
        recomputed.user_id,
        recomputed.first_exposed_at,
        cast(activity.occurred_at as date) as activity_date,
        cast(
            {{ dbt.datediff('windows.start_date', 'cast(activity.occurred_at as date)', 'day') }} as integer  -- noqa: LT05
        ) as day_index,
        cast(activity.occurred_at as date) >= recomputed.exposure_date + 7 as is_from_d7,
        activity.export_date,
        activity.views,
        activity.completed_views,
        activity.watch_seconds,
        activity.likes,
        activity.impressions,
        activity.clicks,
        activity.conversions,
        activity.conversion_value
    from recomputed
    inner join windows on recomputed.experiment_id = windows.experiment_id
    inner join activity on recomputed.user_id = activity.user_id
    where
        activity.occurred_at >= recomputed.first_exposed_at
        and cast(activity.occurred_at as date) <= windows.analysis_end_date
),

per_day as (
    select
        experiment_id,
        user_id,
        day_index,
        min(activity_date) as activity_date,
        min(first_exposed_at) as first_exposed_at,
        max(export_date) as export_date,
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
),

final as (
    select
        *,
        {% for part in parts %}
        cast(sum({{ part }}) over (
            partition by experiment_id, user_id order by day_index
            rows between unbounded preceding and current row
        ) as {{ experiment_metric_part_type(part) }}) as cumulative_{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from per_day
)

select * from final
