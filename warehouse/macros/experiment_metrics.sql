{#-
  Experiment metrics (issue 5): SQL for one metric of var `experiment_metrics` from per-user additive
  parts. `prefix` selects the part columns (e.g. 'post_' for the metric window, 'pre_' for the
  covariate window). Values are doubles so that squares and cross products cannot overflow.
-#}

{#- The parts (activity columns) any experiment metric reads, in a stable order. -#}
{% macro experiment_metric_parts() -%}
    {{ return(['views', 'completed_views', 'watch_seconds', 'likes', 'impressions', 'clicks', 'conversions',
               'conversion_value', 'active_days_from_d7']) }}
{%- endmacro %}

{#-
  The type of a part summed per user: counts bigint, seconds and value decimals of width 38. The
  models cast their sums to it because engines widen differently (DuckDB sums BIGINT into HUGEINT,
  Spark into BIGINT; Spark's decimal sums are 10 digits wider, DuckDB's 38).
-#}
{% macro experiment_metric_part_type(part) -%}
    {{ return({'watch_seconds': 'decimal(38, 3)', 'conversion_value': 'decimal(38, 2)'}.get(part, 'bigint')) }}
{%- endmacro %}

{#-
  The numerator parts, denominator part and multiplier of an experiment metric. A ratio names the
  report metric it is (`metric: ctr`) and takes its formula from var `metrics`, the one definition
  of every ratio; a binomial or mean metric names its one activity part (`numerator: views`).
-#}
{% macro experiment_metric_formula(metric) -%}
    {%- if metric.get('metric') -%}
        {%- set definition = metric_definition(metric['metric']) -%}
        {{- return({'numerator': definition['numerator'], 'denominator': definition['denominator'],
                    'multiplier': definition['multiplier']}) -}}
    {%- endif -%}
    {%- if metric['metric_type'] == 'ratio' -%}
        {{- exceptions.raise_compiler_error("experiment metric '" ~ metric['metric_id']
            ~ "' is a ratio: name its definition in var metrics with `metric:`") -}}
    {%- endif -%}
    {{- return({'numerator': [metric['numerator']], 'denominator': none, 'multiplier': 1}) -}}
{%- endmacro %}

{#- The per-user numerator: one part as is, several parts summed with NULL as 0, times the multiplier. -#}
{% macro experiment_metric_numerator(metric, prefix) -%}
    {%- set formula = experiment_metric_formula(metric) -%}
    {%- set parts = [] -%}
    {%- for part in formula['numerator'] -%}{%- do parts.append(prefix ~ part) -%}{%- endfor -%}
    {%- if parts | length == 1 -%}
        {%- set expression = parts[0] -%}
    {%- else -%}
        {%- set expression = '(coalesce(' ~ (parts | join(', 0) + coalesce(')) ~ ', 0))' -%}
    {%- endif -%}
    {%- if formula['multiplier'] != 1 %}{% set expression = expression ~ ' * ' ~ formula['multiplier'] %}{% endif -%}
    {{ expression }}
{%- endmacro %}

{% macro experiment_metric_main(metric, prefix) -%}
    {%- set part = experiment_metric_numerator(metric, prefix) -%}
    {%- if metric['metric_type'] == 'binomial' -%}
        cast(case when coalesce({{ part }}, 0) > 0 then 1 else 0 end as double)
    {%- else -%}
        cast(coalesce({{ part }}, 0) as double)
    {%- endif -%}
{%- endmacro %}

{#- NULL unless the metric is a ratio. -#}
{% macro experiment_metric_denominator(metric, prefix) -%}
    {%- if metric['metric_type'] == 'ratio' -%}
        cast(coalesce({{ prefix ~ experiment_metric_formula(metric)['denominator'] }}, 0) as double)
    {%- else -%}
        cast(null as double)
    {%- endif -%}
{%- endmacro %}

{#-
  The CUPED covariate: the same metric over the pre-exposure window (a ratio uses its numerator,
  a per-user scalar as the engine's RegressionAdjustedRatioStatistic expects). NULL without one.
-#}
{% macro experiment_metric_covariate(metric, prefix) -%}
    {%- if metric.get('covariate', false) -%}
        {{ experiment_metric_main(metric, prefix) }}
    {%- else -%}
        cast(null as double)
    {%- endif -%}
{%- endmacro %}

{#- `value` winsorised at `cap` (NULL cap = no capping) when the metric is a capped mean metric. -#}
{% macro experiment_capped(metric, value, cap) -%}
    {%- if metric['metric_type'] == 'mean' and metric.get('capped', false) -%}
        case when {{ cap }} is not null and {{ value }} > {{ cap }} then {{ cap }} else {{ value }} end
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{#- The nine sufficient-statistic sums of one metric, from columns <metric>__main/__denominator/__covariate. -#}
{%- macro experiment_metric_aggregates(metric) -%}
    {%- set m = metric['metric_id'] -%}
    sum({{ m }}__main) as {{ m }}__main_sum,
    sum({{ m }}__main * {{ m }}__main) as {{ m }}__main_sum_squares,
    sum({{ m }}__denominator) as {{ m }}__denominator_sum,
    sum({{ m }}__denominator * {{ m }}__denominator) as {{ m }}__denominator_sum_squares,
    sum({{ m }}__main * {{ m }}__denominator) as {{ m }}__main_denominator_sum_product,
    sum({{ m }}__covariate) as {{ m }}__covariate_sum,
    sum({{ m }}__covariate * {{ m }}__covariate) as {{ m }}__covariate_sum_squares,
    sum({{ m }}__main * {{ m }}__covariate) as {{ m }}__main_covariate_sum_product,
    sum({{ m }}__denominator * {{ m }}__covariate) as {{ m }}__denominator_covariate_sum_product
{%- endmacro -%}

{#- Per-row metric values (capped) from the parts `<prefix><part>` and `pre_<part>`; caps joined as `caps` (experiment_caps_pivot). -#}
{%- macro experiment_metric_values(metrics, cumulative_prefix) -%}
    {%- for metric in metrics -%}
    {%- set m = metric['metric_id'] %}
        {{ experiment_capped(metric, experiment_metric_main(metric, cumulative_prefix), 'caps.' ~ m ~ '__main_cap') }}
            as {{ m }}__main,
        {{ experiment_metric_denominator(metric, cumulative_prefix) }} as {{ m }}__denominator,
        {{ experiment_capped(metric, experiment_metric_covariate(metric, 'pre_'), 'caps.' ~ m ~ '__covariate_cap') }}
            as {{ m }}__covariate{{ "," if not loop.last }}
    {%- endfor -%}
{%- endmacro -%}

{#- Caps pivoted to one row per experiment (columns <metric>__main_cap, <metric>__covariate_cap): one join. -#}
{%- macro experiment_caps_pivot(metrics, caps_relation) -%}
    select
        experiment_id,
        {% for metric in metrics -%}
        max(main_cap) filter (where metric_id = '{{ metric["metric_id"] }}') as {{ metric['metric_id'] }}__main_cap,
        max(covariate_cap) filter (where metric_id = '{{ metric["metric_id"] }}')
            as {{ metric['metric_id'] }}__covariate_cap{{ "," if not loop.last }}
        {% endfor %}
    from {{ caps_relation }}
    group by experiment_id
{%- endmacro -%}

{#- The nine sums of a metric's sufficient statistics, in the column order of the marts. -#}
{% macro experiment_statistic_names() -%}
    {{ return(['main_sum', 'main_sum_squares', 'denominator_sum', 'denominator_sum_squares',
               'main_denominator_sum_product', 'covariate_sum', 'covariate_sum_squares',
               'main_covariate_sum_product', 'denominator_covariate_sum_product']) }}
{%- endmacro %}

{#-
  Per event row: a metric's value after (<metric>__main, __denominator) and before (__main_before,
  __denominator_before) the row, and the covariate. after_prefix = none: an entry row (value 0).
-#}
{%- macro experiment_metric_changes(metrics, after_prefix, before_prefix) -%}
    {%- for metric in metrics -%}
    {%- set m = metric['metric_id'] %}
    {%- if after_prefix is none %}
        cast(0 as double) as {{ m }}__main,
        cast(0 as double) as {{ m }}__main_before,
        {{ 'cast(0 as double)' if metric['metric_type'] == 'ratio' else 'cast(null as double)' }} as {{ m }}__denominator,
        {{ 'cast(0 as double)' if metric['metric_type'] == 'ratio' else 'cast(null as double)' }} as {{ m }}__denominator_before,
    {%- else %}
        {{ experiment_capped(metric, experiment_metric_main(metric, after_prefix), 'caps.' ~ m ~ '__main_cap') }}
            as {{ m }}__main,
        {{ experiment_capped(metric, experiment_metric_main(metric, before_prefix), 'caps.' ~ m ~ '__main_cap') }}
            as {{ m }}__main_before,
        {{ experiment_metric_denominator(metric, after_prefix) }} as {{ m }}__denominator,
        {{ experiment_metric_denominator(metric, before_prefix) }} as {{ m }}__denominator_before,
    {%- endif %}
        {{ experiment_capped(metric, experiment_metric_covariate(metric, 'pre_'), 'caps.' ~ m ~ '__covariate_cap') }}
            as {{ m }}__covariate{{ "," if not loop.last }}
    {%- endfor -%}
{%- endmacro -%}

{#- The nine sums of one metric's changes (see experiment_metric_changes); is_entry marks entry rows. -#}
{%- macro experiment_metric_increments(metric) -%}
    {%- set m = metric['metric_id'] -%}
    sum({{ m }}__main - {{ m }}__main_before) as {{ m }}__main_sum,
    sum({{ m }}__main * {{ m }}__main - {{ m }}__main_before * {{ m }}__main_before) as {{ m }}__main_sum_squares,
    sum({{ m }}__denominator - {{ m }}__denominator_before) as {{ m }}__denominator_sum,
    sum({{ m }}__denominator * {{ m }}__denominator - {{ m }}__denominator_before * {{ m }}__denominator_before)
        as {{ m }}__denominator_sum_squares,
    sum({{ m }}__main * {{ m }}__denominator - {{ m }}__main_before * {{ m }}__denominator_before)
        as {{ m }}__main_denominator_sum_product,
    sum({{ m }}__covariate * is_entry) as {{ m }}__covariate_sum,
    sum({{ m }}__covariate * {{ m }}__covariate * is_entry) as {{ m }}__covariate_sum_squares,
    sum(({{ m }}__main - {{ m }}__main_before) * {{ m }}__covariate) as {{ m }}__main_covariate_sum_product,
    sum(({{ m }}__denominator - {{ m }}__denominator_before) * {{ m }}__covariate)
        as {{ m }}__denominator_covariate_sum_product
{%- endmacro -%}

{#-
  The pre-hook of int_experiment_user_days on a daily build: remove the stored rows that no longer hold
  (the user's first exposure changed or is gone, the day is past the experiment's analysis window or its
  start date moved), so the model recomputes those users whole. A backfill (var backfill_export_dates) may
  have taken activity away, which no new row would show: it removes every row, and all users are recomputed.
-#}
{% macro remove_stale_experiment_user_days() -%}
    {%- if is_incremental() and var('backfill_export_dates', []) -%}
    delete from {{ this }}
    {%- elif is_incremental() -%}
    delete from {{ this }}
    where not exists (
        select 1
        from {{ ref('int_experiment_exposures') }} as exposures
        inner join {{ ref('int_experiment_windows') }} as windows on exposures.experiment_id = windows.experiment_id
        where
            exposures.experiment_id = {{ this }}.experiment_id
            and exposures.user_id = {{ this }}.user_id
            and exposures.first_exposed_at = {{ this }}.first_exposed_at
            and {{ this }}.activity_date <= windows.analysis_end_date
            and {{ this }}.day_index = {{ dbt.datediff('windows.start_date', this ~ '.activity_date', 'day') }}
    )
    {%- endif -%}
{%- endmacro %}
