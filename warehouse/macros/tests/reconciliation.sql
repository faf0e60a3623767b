{#-
  Generic tests over rpt_source_reconciliation (kept as generic tests in macros/ rather than singular
  test files, because a .sql file under the model path would also be parsed as a model).
-#}

{#- Nothing is silently dropped: for every raw source, rows received = rows kept + rows rejected. -#}
{% test sources_reconcile(model) %}
select *
from {{ model }}
where raw_rows != clean_rows + rejected_rows or not is_reconciled
{% endtest %}

{#- Every clean row of a source is in its mart, once: `marts` maps source table -> mart model name. -#}
{% test clean_rows_reach_marts(model, marts) %}
with loaded as (
    {% for source_table, mart in marts.items() %}
    select '{{ source_table }}' as source_table, count(*) as mart_rows from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select loaded.source_table, loaded.mart_rows, expected.clean_rows
from loaded
inner join {{ model }} as expected on loaded.source_table = expected.source_table
where loaded.mart_rows != expected.clean_rows
{% endtest %}
