{#-
  Generic test: aggregates of `model` equal aggregates of `compare_model` (integrity of a mart
  against the staging/validated rows it sums). `measures` maps an aggregate expression over the model
  to the matching expression over compare_model; `compare_where` filters the compared rows (`config: where` filters the model, as for any test).
-#}
{% test sums_match(model, compare_model, measures, compare_where=none) %}
with model_side as (
    select
        {% for expression in measures.keys() %}
        coalesce({{ expression }}, 0) as measure_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}
),

compare_side as (
    select
        {% for expression in measures.values() %}
        coalesce({{ expression }}, 0) as measure_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ compare_model }}
    {% if compare_where %}where {{ compare_where }}{% endif %}
)

{% for expression, compare_expression in measures.items() %}
select
    '{{ expression | replace("'", "''") }}' as measure,
    model_side.measure_{{ loop.index }} as model_value,
    compare_side.measure_{{ loop.index }} as compare_value
from model_side cross join compare_side
where model_side.measure_{{ loop.index }} is distinct from compare_side.measure_{{ loop.index }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
