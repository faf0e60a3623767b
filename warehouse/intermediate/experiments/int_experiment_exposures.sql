{{ config(materialized='table') }}

{#-
  First exposure per user per experiment within the experiment's analysis window. A user whose
  valid exposures name more than one variant keeps one row with is_multiple_exposure = true: the
  analysis excludes them, the health mart counts them.
-#}

with assignments as (
    select
        experiment_id,
        user_id,
        variant_id,
        exposed_at
    from {{ ref('int_experiment_assignments_validated') }}
),

experiments as (
    select
        experiment_id,
        start_date,
        end_date
    from {{ ref('int_experiments_validated') }}
),

users as (
    select
        user_id,
        signed_up_at,
        country_code,
        device_os
    from {{ ref('int_users_validated') }}
),

in_window as (
    select
        assignments.*,
        experiments.start_date
    from assignments
    inner join experiments on assignments.experiment_id = experiments.experiment_id
    where
        assignments.exposed_at >= cast(experiments.start_date as timestamp)
        and assignments.exposed_at < cast(experiments.end_date as timestamp) + interval 1 day
),

per_user as (
    select
        experiment_id,
        user_id,
        min(start_date) as start_date,
        min(exposed_at) as first_exposed_at,
        min_by(variant_id, exposed_at) as first_variant_id,
        count(distinct variant_id) as variants_seen,
        count(*) as exposure_rows
    from in_window
    group by experiment_id, user_id
),

final as (
    select
        per_user.experiment_id,
        per_user.user_id,
        per_user.first_variant_id as variant_id,
        per_user.first_exposed_at,
        cast(per_user.first_exposed_at as date) as exposure_date,
        cast(
            {{ dbt.datediff('per_user.start_date', 'cast(per_user.first_exposed_at as date)', 'day') }} as integer  -- noqa: LT05
        ) as exposure_day_index,
        per_user.variants_seen,
        per_user.exposure_rows,
        per_user.variants_seen > 1 as is_multiple_exposure,
        coalesce(users.country_code, 'unknown') as country_code,
        coalesce(users.device_os, 'unknown') as device_os,
        case
            when users.signed_up_at >= cast(per_user.start_date as timestamp) then 'new'
            else 'returning'
        end as user_type
    from per_user
    left join users on per_user.user_id = users.user_id
)

select * from final
