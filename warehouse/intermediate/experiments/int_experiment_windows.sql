{#-
  The analysis window of each experiment: from its start date to its end date or the last day with
  data, whichever is earlier. day_index counts days since the start (day 0 = start date).
-#}

with experiments as (
    select
        experiment_id,
        start_date,
        end_date
    from {{ ref('int_experiments_validated') }}
),

data_end as (
    select max(cast(occurred_at as date)) as last_data_date
    from {{ ref('int_experiment_user_activity') }}
),

final as (
    select
        experiments.experiment_id,
        experiments.start_date,
        experiments.end_date,
        data_end.last_data_date,
        least(experiments.end_date, data_end.last_data_date) as analysis_end_date,
        cast(
            {{ dbt.datediff('experiments.start_date', 'least(experiments.end_date, data_end.last_data_date)', 'day') }}  -- noqa: LT05
            as bigint
        ) as last_day_index
    from experiments
    cross join data_end
)

select * from final
