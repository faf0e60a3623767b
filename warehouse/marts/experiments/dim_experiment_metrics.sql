{#- The experiment metric definitions of var `experiment_metrics`, materialised for the report site. -#}

{%- set metrics = var('experiment_metrics') -%}

with definitions as (
    {% for metric in metrics %}
    select
        '{{ metric["metric_id"] }}' as metric_id,
        '{{ metric["label"] }}' as label,
        '{{ metric["metric_type"] }}' as metric_type,
        '{{ metric["numerator"] }}' as numerator,
        {% if metric.get('denominator') %}'{{ metric["denominator"] }}'{% else %}cast(null as varchar){% endif %}
            as denominator,
        {{ 'true' if metric.get('covariate', false) else 'false' }} as has_covariate,
        {{ 'true' if metric['metric_type'] == 'mean' and metric.get('capped', false) else 'false' }} as is_capped,
        {{ 'true' if metric.get('primary', false) else 'false' }} as is_primary,
        {{ 'true' if metric.get('inverse', false) else 'false' }} as is_inverse,
        '{{ metric["description"] | replace("'", "''") }}' as description,
        {{ loop.index }} as sort_order
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from definitions
)

select * from final
