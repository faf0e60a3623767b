{%- set unique_key = ['experiment_id', 'user_id', 'day_index'] -%}
{{ config(**incremental_by_key(unique_key, "{{ remove_stale_experiment_user_days() }}")) }}

{#-
  Post-exposure activity of every exposed user per day of the experiment, from the first exposure time to
  the end of the analysis window, and the user's running totals through that day (cumulative_*, what the
  sufficient statistics difference). Sparse: only days with activity. Multiple-exposure users are kept
  here; the analysis leaves them out through int_experiment_user_metrics.

  Incremental by export day (issue 19). A daily build reads the activity of the new export days (and of
  the backfilled ones) and, per exposed user:
  - appends the new days, running totals continued from the user's last stored day, when all the user's
    new activity is later than that day (the usual case);
  - recomputes the user's whole history otherwise (activity dated on or before the last stored day), and
    for an exposed user without stored rows (new, or whose rows the pre-hook removed because their first
    exposure or the experiment's window changed, or a backfilled day had their activity);
  - leaves every other user's rows as they are.
-#}

{%- set parts = experiment_metric_parts() -%}
{#- the parts int_experiment_user_activity carries per row (active_days_from_d7 is counted here, per day) -#}
{%- set activity_parts = parts | reject('equalto', 'active_days_from_d7') | list -%}
{%- set newest_loaded = newest_export_date_loaded() -%}
{%- set is_daily = newest_loaded is not none -%}

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
new_activity as (
    select * from activity
    where {{ is_new_export_day(newest_loaded) }}
),

-- each stored user's last day and running totals (the rows a new day continues)
stored_last as (
    select
        experiment_id,
        user_id,
        max(activity_date) as last_activity_date,
        {% for part in parts %}
        arg_max(cumulative_{{ part }}, day_index) as last_{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ this }}
    group by experiment_id, user_id
),

new_by_user as (
    select
        user_id,
        min(cast(occurred_at as date)) as first_new_date
    from new_activity
    group by user_id
),

-- append: new activity only after the last stored day; recompute: anything else that changed
plan as (
    select
        exposures.*,
        case
            when stored_last.user_id is null or new_by_user.first_new_date <= stored_last.last_activity_date
                then 'recompute'
            else 'append'
        end as action
    from exposures
    left join stored_last
        on exposures.experiment_id = stored_last.experiment_id and exposures.user_id = stored_last.user_id
    left join new_by_user on exposures.user_id = new_by_user.user_id
    where new_by_user.user_id is not null or stored_last.user_id is null
),
{% else %}
plan as (
    select
        exposures.*,
        'recompute' as action
    from exposures
),
{% endif %}

-- a recomputed user's whole activity, an appended user's new export days only
users_activity as (
    select
        plan.experiment_id,
        plan.user_id,
        plan.first_exposed_at,
        plan.exposure_date,
        activity.* {{ star_exclude() }} (user_id)  -- noqa: RF02
    from plan
    inner join activity on plan.user_id = activity.user_id
    {% if is_daily -%}
    where plan.action = 'recompute' or {{ is_new_export_day(newest_loaded, 'activity.export_date') }}
    {%- endif %}
),

post_exposure as (
    select
        users_activity.experiment_id,
        users_activity.user_id,
        users_activity.first_exposed_at,
        cast(users_activity.occurred_at as date) as activity_date,
        cast(
            {{ dbt.datediff('windows.start_date', 'cast(users_activity.occurred_at as date)', 'day') }} as integer  -- noqa: LT05
        ) as day_index,
        cast(users_activity.occurred_at as date) >= users_activity.exposure_date + 7 as is_from_d7,
        users_activity.export_date,
        {% for part in activity_parts %}
        users_activity.{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from users_activity
    inner join windows on users_activity.experiment_id = windows.experiment_id
    where
        users_activity.occurred_at >= users_activity.first_exposed_at
        and cast(users_activity.occurred_at as date) <= windows.analysis_end_date
),

per_day as (
    select
        experiment_id,
        user_id,
        day_index,
        min(activity_date) as activity_date,
        min(first_exposed_at) as first_exposed_at,
        max(export_date) as export_date,
        {% for part in activity_parts %}
        cast(sum({{ part }}) as {{ experiment_metric_part_type(part) }}) as {{ part }},
        {% endfor %}
        max(case when is_from_d7 and views > 0 then 1 else 0 end) as active_days_from_d7
    from post_exposure
    group by experiment_id, user_id, day_index
),

final as (
    select
        per_day.*,
        {#- sqlfluff misplaces the indent after a window function that ends a conditional-comma loop #}
        -- noqa: disable=LT02
        {% for part in parts %}
        {%- set part_type = experiment_metric_part_type(part) %}
        {%- set stored = 'coalesce(stored_last.last_' ~ part ~ ', 0) + ' if is_daily else '' %}
        cast({{ stored }}sum(per_day.{{ part }}) over running as {{ part_type }})
            as cumulative_{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from per_day
    -- noqa: enable=LT02
    {% if newest_loaded is not none %}
    -- an appended user continues from the stored totals; a recomputed one starts from zero
    left join plan
        on per_day.experiment_id = plan.experiment_id and per_day.user_id = plan.user_id
    left join stored_last
        on plan.action = 'append'
        and per_day.experiment_id = stored_last.experiment_id
        and per_day.user_id = stored_last.user_id
    {% endif %}
    window running as (
        partition by per_day.experiment_id, per_day.user_id order by per_day.day_index
        rows between unbounded preceding and current row
    )
)

select * from final
