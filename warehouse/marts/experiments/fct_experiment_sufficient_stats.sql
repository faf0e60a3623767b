{#-
  Per-arm sufficient statistics for models_ml.experiments.analyze. Two passes:
  - overall, every cumulative day d (users exposed by day d, metrics through day d). Instead of a
    dense user x day grid, every sum is accumulated from its changes: a user adds 1 to n_users and
    the covariate terms on the exposure day, and on each day with activity adds (value after -
    value before) to the sum, (after^2 - before^2) to the sum of squares, and so on for the cross
    products. Summing those changes per arm and day and then running-summing over days gives the
    same numbers as the grid, from the sparse activity days only (about 4x fewer rows). The running
    totals per user are int_experiment_user_days' (a daily build updates them for the users it touches
    only), so this pass is a scan and a group-by: the winsorising caps move with every day's data, which
    makes the capped sums of every past day change, so they are not stored per day.
  - segments (country, device, new vs returning), the last day only, from the per-user totals.
  The result is unpivoted to one row per metric. Nothing per-user leaves this model.
-#}

{%- set metrics = var('experiment_metrics') -%}
{%- set parts = experiment_metric_parts() -%}
{%- set segments = [('country', 'country_code'), ('device_os', 'device_os'), ('user_type', 'user_type')] -%}

with users as (
    select * from {{ ref('int_experiment_user_metrics') }}
),

user_days as (
    select * from {{ ref('int_experiment_user_days') }}
),

windows as (
    select
        experiment_id,
        last_day_index
    from {{ ref('int_experiment_windows') }}
),

caps as (
    {{ experiment_caps_pivot(metrics, ref('int_experiment_metric_caps')) }}
),

variants as (
    select
        experiment_id,
        variant_id,
        variant_name,
        is_control,
        traffic_weight
    from {{ ref('int_experiment_variants_validated') }}
),

calendar_arms as (
    select
        arms.experiment_id,
        arms.variant_id,
        {{ unnest_range('windows.last_day_index') }} as day_index
    from (
        select distinct
            experiment_id,
            variant_id
        from users
    ) as arms
    inner join windows on arms.experiment_id = windows.experiment_id
),

-- each analysed user enters on the exposure day with every metric at its zero value
entries as (
    select
        users.experiment_id,
        users.variant_id,
        users.exposure_day_index as day_index,
        1 as is_entry,
        {{ experiment_metric_changes(metrics, none, none) }}
    from users
    left join caps on users.experiment_id = caps.experiment_id
),

-- running totals of the sparse activity days (int_experiment_user_days); before the day = running - that day.
-- Both sides are user-scale: the hint (a comment to DuckDB) keeps Spark from broadcasting users, whose
-- Parquet size understates its rows in memory (the local driver ran out of memory broadcasting it at 200k).
activity_days as (
    select /*+ MERGE(users) */
        user_days.experiment_id,
        users.variant_id,
        user_days.day_index,
        {% for part in parts %}
        user_days.cumulative_{{ part }},
        {% endfor %}
        {% for part in parts %}
        user_days.{{ part }} as day_{{ part }},
        {% endfor %}
        users.* {{ star_exclude() }} (experiment_id, variant_id, user_id, exposure_day_index)  -- noqa: RF02
    from user_days
    inner join users on user_days.experiment_id = users.experiment_id and user_days.user_id = users.user_id
),

activity_totals as (
    select
        *,
        {% for part in parts %}
        cumulative_{{ part }} - day_{{ part }} as before_{{ part }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from activity_days
),

-- a user's metric value changes only on a day with activity: value after minus value before
changes as (
    select
        activity_totals.experiment_id,
        activity_totals.variant_id,
        activity_totals.day_index,
        0 as is_entry,
        {{ experiment_metric_changes(metrics, 'cumulative_', 'before_') }}
    from activity_totals
    left join caps on activity_totals.experiment_id = caps.experiment_id
),

daily_increments as (
    select
        experiment_id,
        variant_id,
        day_index,
        sum(is_entry) as n_users,
        {% for metric in metrics %}
        {{ experiment_metric_increments(metric) }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from (
        select * from entries
        union all
        select * from changes
    ) as events
    group by experiment_id, variant_id, day_index
),

cumulative_overall as (
    select
        calendar_arms.experiment_id,
        calendar_arms.variant_id,
        'overall' as dimension_name,
        'all' as dimension_value,
        calendar_arms.day_index,
        coalesce(sum(daily_increments.n_users) over running, 0) as n_users,
        {#- sqlfluff misplaces the indent after a window function that ends a conditional-comma loop #}
        -- noqa: disable=LT02
        {% for metric in metrics %}
        {%- set m = metric['metric_id'] %}
        {% for stat in experiment_statistic_names() %}
        sum(daily_increments.{{ m }}__{{ stat }}) over running
            as {{ m }}__{{ stat }}{% if not (loop.last and metrics | last == metric) %},{% endif %}
        {% endfor %}
        {% endfor %}
    from calendar_arms
    -- noqa: enable=LT02
    left join daily_increments
        on calendar_arms.experiment_id = daily_increments.experiment_id
        and calendar_arms.variant_id = daily_increments.variant_id
        and calendar_arms.day_index = daily_increments.day_index
    window running as (
        partition by calendar_arms.experiment_id, calendar_arms.variant_id order by calendar_arms.day_index
        rows between unbounded preceding and current row
    )
),

daily_overall as (
    select * from cumulative_overall
    where n_users > 0
),

final_values as (
    select
        users.experiment_id,
        users.variant_id,
        windows.last_day_index as day_index,
        {% for name, column in segments %}
        users.{{ column }} as segment_{{ name }},
        {% endfor %}
        {{ experiment_metric_values(metrics, 'post_') }}
    from users
    inner join windows on users.experiment_id = windows.experiment_id
    left join caps on users.experiment_id = caps.experiment_id
),

segments_last_day as (
    {% for name, column in segments %}
    select
        experiment_id,
        variant_id,
        '{{ name }}' as dimension_name,
        segment_{{ name }} as dimension_value,
        day_index,
        count(*) as n_users,
        {% for metric in metrics %}
        {{ experiment_metric_aggregates(metric) }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from final_values
    group by experiment_id, variant_id, segment_{{ name }}, day_index
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

wide as (
    select * from daily_overall
    union all
    select * from segments_last_day
),

long as (
    {% for metric in metrics %}
    {%- set m = metric['metric_id'] %}
    select
        experiment_id,
        variant_id,
        '{{ m }}' as metric_id,
        '{{ metric["metric_type"] }}' as metric_type,
        dimension_name,
        dimension_value,
        day_index,
        n_users,
        {{ m }}__main_sum as main_sum,
        {{ m }}__main_sum_squares as main_sum_squares,
        {{ m }}__denominator_sum as denominator_sum,
        {{ m }}__denominator_sum_squares as denominator_sum_squares,
        {{ m }}__main_denominator_sum_product as main_denominator_sum_product,
        {{ m }}__covariate_sum as covariate_sum,
        {{ m }}__covariate_sum_squares as covariate_sum_squares,
        {{ m }}__main_covariate_sum_product as main_covariate_sum_product,
        {{ m }}__denominator_covariate_sum_product as denominator_covariate_sum_product
    from wide
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        long.experiment_id,
        long.variant_id,
        variants.variant_name,
        variants.is_control,
        cast(variants.traffic_weight as double) as variant_weight,
        long.metric_id,
        long.metric_type,
        long.dimension_name,
        cast(long.dimension_value as string) as dimension_value,
        cast(long.day_index as integer) as day_index,
        cast(long.n_users as bigint) as n_users,
        long.main_sum,
        long.main_sum_squares,
        long.denominator_sum,
        long.denominator_sum_squares,
        long.main_denominator_sum_product,
        long.covariate_sum,
        long.covariate_sum_squares,
        long.main_covariate_sum_product,
        long.denominator_covariate_sum_product
    from long
    inner join variants
        on long.experiment_id = variants.experiment_id
        and long.variant_id = variants.variant_id
)

select * from final
