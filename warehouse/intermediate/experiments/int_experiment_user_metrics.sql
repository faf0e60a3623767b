{{ config(materialized='table') }}

{#-
  One row per analysed user per experiment: dimensions, the metric parts summed over the whole
  metric window (post_*: exposure to the end of the analysis window) and over the covariate window
  (pre_*: the `experiment_covariate_days` days before the exposure day, so nothing that the
  treatment can have touched). Users with no activity keep their row with zeros.
-#}

{%- set parts = experiment_metric_parts() -%}
{%- set covariate_days = var('experiment_covariate_days') -%}

with exposures as (
    select * from {{ ref('int_experiment_exposures') }}
    where not is_multiple_exposure
),

post as (
    select
        experiment_id,
        user_id,
        {% for part in parts %}
        {%- set part_type = experiment_metric_part_type(part) %}
        cast(sum({{ part }}) as {{ part_type }}) as {{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('int_experiment_user_days') }}
    group by experiment_id, user_id
),

pre_activity as (
    select
        exposures.experiment_id,
        exposures.user_id,
        activity.* {{ star_exclude() }} (activity_type, activity_id, user_id, occurred_at)  -- noqa: RF02
    from exposures
    inner join {{ ref('int_experiment_user_activity') }} as activity
        on exposures.user_id = activity.user_id
    where
        cast(activity.occurred_at as date) >= exposures.exposure_date - {{ covariate_days }}
        and cast(activity.occurred_at as date) < exposures.exposure_date
),

pre as (
    select
        experiment_id,
        user_id,
        {% for part in parts if part != 'active_days_from_d7' %}
        {%- set part_type = experiment_metric_part_type(part) %}
        cast(sum({{ part }}) as {{ part_type }}) as {{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from pre_activity
    group by experiment_id, user_id
),

final as (
    select
        exposures.experiment_id,
        exposures.variant_id,
        exposures.user_id,
        exposures.exposure_day_index,
        exposures.country_code,
        exposures.device_os,
        exposures.user_type,
        {% for part in parts %}
        coalesce(post.{{ part }}, 0) as post_{{ part }},
        {% endfor %}
        {% for part in parts if part != 'active_days_from_d7' %}
        coalesce(pre.{{ part }}, 0) as pre_{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from exposures
    left join post
        on exposures.experiment_id = post.experiment_id and exposures.user_id = post.user_id
    left join pre
        on exposures.experiment_id = pre.experiment_id and exposures.user_id = pre.user_id
)

select * from final
