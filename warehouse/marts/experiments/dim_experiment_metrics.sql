{#- The experiment metric definitions of var `experiment_metrics`, materialised for the report site.
    role (goal / secondary / guardrail) and direction are defaults; dim_experiment_metric_roles applies
    each experiment's settings. -#}

{%- set metrics = var('experiment_metrics') -%}

with definitions as (
    {% for metric in metrics %}
    select
        '{{ metric["metric_id"] }}' as metric_id,
        '{{ metric["label"] }}' as label,
        '{{ metric["metric_type"] }}' as metric_type,
        {%- set formula = experiment_metric_formula(metric) %}
        '{{ formula["numerator"] | join(",") }}' as numerator,
        {% if formula['denominator'] %}'{{ formula["denominator"] }}'{% else %}cast(null as string){% endif %}
            as denominator,
        {% if metric.get('metric') %}'{{ metric["metric"] }}'{% else %}cast(null as string){% endif %}
            as report_metric,
        {{ 'true' if metric.get('covariate', false) else 'false' }} as has_covariate,
        {{ 'true' if metric['metric_type'] == 'mean' and metric.get('capped', false) else 'false' }}
            as is_capped,
        {{ 'true' if metric.get('role', 'secondary') == 'goal' else 'false' }} as is_primary,
        {{ 'true' if metric.get('direction', 'increase') == 'decrease' else 'false' }} as is_inverse,
        '{{ metric.get("role", "secondary") }}' as default_role,
        '{{ metric.get("direction", "increase") }}' as desired_direction,
        '{{ metric.get("unit", "count") }}' as unit,
        {{ 'cast(' ~ metric['non_inferiority_margin'] ~ ' as double)' if metric.get('non_inferiority_margin')
           else 'cast(null as double)' }} as non_inferiority_margin,
        '{{ metric["description"] | replace("'", "''") }}' as description,
        {{ loop.index }} as sort_order
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from definitions
)

select * from final
