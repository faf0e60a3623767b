{#- The project var `metrics` as a table, so the report site reads the same definitions the SQL uses. -#}

with definitions as (
    select * from (
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
            {{ loop.index }}
        ){{ "," if not loop.last }}
        {% endfor %}
    ) as metrics (metric_name, label, numerator_parts, denominator_part, multiplier, value_format, description,
                  display_order)
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
        cast(display_order as integer) as display_order
    from definitions
)

select * from final
