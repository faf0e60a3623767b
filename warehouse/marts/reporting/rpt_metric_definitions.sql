{#- The project var `metrics` as a table, so the report site reads the same definitions the SQL uses,
    down to the SQL itself: sql_expression is what the macro `metric_ratio` renders, the app's only SQL
    for a ratio (webreport.metrics.Metric.sql). -#}

with definitions as (
    select metrics.* from (
        values
        {% for metric in var('metrics') %}
        (
            '{{ (metric['name']) | string | replace("'", "''") }}',
            '{{ (metric['label']) | string | replace("'", "''") }}',
            '{{ (metric['numerator'] | join(',')) | string | replace("'", "''") }}',
            '{{ (metric['denominator']) | string | replace("'", "''") }}',
            cast({{ metric['multiplier'] }} as double),
            '{{ (metric['format']) | string | replace("'", "''") }}',
            '{{ (metric['description']) | string | replace("'", "''") }}',
            '{{ metric_ratio(metric['name']) | string | trim | replace("'", "''") }}',
            '{{ metric_ratio(metric['name'], agg='sum') | string | trim | replace("'", "''") }}',
            {{ loop.index }}
        ){% if not loop.last %},{% endif %}
        {% endfor %}
    ) as metrics (
        metric_name, label, numerator_parts, denominator_part, multiplier, value_format, description,
        sql_expression, summed_sql_expression, display_order
    )
),

final as (
    select
        metric_name,
        label,
        numerator_parts,
        denominator_part,
        multiplier,
        value_format,
        description,
        (case when multiplier != 1 then cast(multiplier as bigint) || ' × ' else '' end)
        || case
            when numerator_parts like '%,%' then '(' || replace(numerator_parts, ',', ' + ') || ')'
            else numerator_parts
        end
        || ' / ' || denominator_part as formula,
        sql_expression,
        summed_sql_expression,
        cast(display_order as integer) as display_order
    from definitions
)

select * from final
