{#- Generic test: every row satisfies `expression` (dbt_utils is not installable here). -#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
