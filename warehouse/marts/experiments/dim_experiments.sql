{#-
  One row per experiment with its analysis window, status and health summary, for the list page.
  status: running while the experiment's end date is after the last day with data, else finished.
  The health flags are decided here, one var per threshold; the report only renders them.
-#}

{%- set settings = var('experiment_settings') or {} -%}

with experiments as (
    select
        experiment_id,
        experiment_name,
        hypothesis,
        start_date,
        end_date
    from {{ ref('int_experiments_validated') }}
),

windows as (
    select * from {{ ref('int_experiment_windows') }}
),

health as (
    select
        experiment_id,
        count(*) as variants,
        sum(exposed_users) as exposed_users,
        sum(multiple_exposure_users) as multiple_exposure_users,
        sum(analysed_users) as analysed_users,
        sum(out_of_window_exposures) as out_of_window_exposures,
        sum(srm_chi_square_contribution) as srm_chi_square,
        bool_or(is_too_few_users) as is_too_few_users
    from {{ ref('fct_experiment_health') }}
    group by experiment_id
),

srm as (
    select
        srm.experiment_id,
        srm.srm_p_value
    from {{ ref('fct_experiment_srm') }} as srm
    inner join windows
        on srm.experiment_id = windows.experiment_id and srm.day_index = windows.last_day_index
    where srm.dimension_name = 'overall'
),

final as (
    select
        experiments.experiment_id,
        experiments.experiment_name,
        experiments.hypothesis,
        experiments.start_date,
        experiments.end_date,
        windows.analysis_end_date,
        cast(windows.last_day_index as integer) as last_day_index,
        case
            when windows.last_data_date < experiments.start_date then 'not started'
            when windows.last_data_date < experiments.end_date then 'running'
            else 'finished'
        end as status,
        cast(coalesce(health.variants, 0) as bigint) as variants,
        cast(coalesce(health.exposed_users, 0) as bigint) as exposed_users,
        cast(coalesce(health.multiple_exposure_users, 0) as bigint) as multiple_exposure_users,
        cast(coalesce(health.analysed_users, 0) as bigint) as analysed_users,
        cast(coalesce(health.out_of_window_exposures, 0) as bigint) as out_of_window_exposures,
        {{ safe_divide('health.multiple_exposure_users', 'health.exposed_users') }}
            as multiple_exposure_share,
        health.srm_chi_square,
        coalesce(health.is_too_few_users, true) as is_too_few_users,
        srm.srm_p_value,
        coalesce(srm.srm_p_value < {{ var('experiment_srm_threshold') }}, false) as has_srm,
        coalesce(
            {{ safe_divide('health.multiple_exposure_users', 'health.exposed_users') }}
            > {{ var('experiment_multiple_exposure_threshold') }}, false
        ) as has_multiple_exposures,
        {%- set sequential = [] -%}
        {%- set targets = [] -%}
        {%- for experiment_id, setting in settings.items() -%}
        {%- if setting.get('sequential') is not none -%}
        {%- do sequential.append((experiment_id, setting['sequential'])) -%}
        {%- endif -%}
        {%- if setting.get('target_lift') is not none -%}
        {%- do targets.append((experiment_id, setting['target_lift'])) -%}
        {%- endif -%}
        {%- endfor %}
        {% if sequential -%}
        case
            {%- for experiment_id, value in sequential %}
            when experiments.experiment_id = '{{ experiment_id }}' then {{ 'true' if value else 'false' }}
            {%- endfor %}
            else {{ 'true' if var('experiment_sequential') else 'false' }}
        end
        {%- else -%}
        {{ 'true' if var('experiment_sequential') else 'false' }}
        {%- endif %} as is_sequential,
        cast(
            {% if targets -%}
        case
            {%- for experiment_id, value in targets %}
            when experiments.experiment_id = '{{ experiment_id }}' then {{ value }}
            {%- endfor %}
            else {{ var('experiment_target_lift') }}
        end
        {%- else -%}
            {{ var('experiment_target_lift') }}
            {%- endif %} as double
        ) as target_lift,
        cast(greatest(windows.last_day_index + 1, 0) as integer) as days_running
    from experiments
    inner join windows on experiments.experiment_id = windows.experiment_id
    left join health on experiments.experiment_id = health.experiment_id
    left join srm on experiments.experiment_id = srm.experiment_id
)

select * from final
