{#-
  Per raw source: rows in the files (their Parquet footers, counted without staging) = rows staged =
  rows kept + rows rejected. The generic test sources_reconcile fails the build otherwise.
-#}
with
{% for src in validated_sources() %}
{{ src.source }}_counts as (
    select
        '{{ src.source }}' as source_table,
        ({{ footer_row_count(src.source) }}) as file_rows,
        (select count(*) from {{ ref(src.model) }}) as raw_rows,
        (select count(*) from {{ ref(src.validated) }}) as clean_rows
),
{% endfor %}

received as (
    {% for src in validated_sources() %}
    select * from {{ src.source }}_counts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected as (
    select
        source_table,
        count(*) as rejected_rows
    from {{ ref('fct_rejects') }}
    group by source_table
),

final as (
    select
        received.source_table,
        received.file_rows,
        received.raw_rows,
        received.clean_rows,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        received.file_rows = received.raw_rows
        and received.raw_rows = received.clean_rows + coalesce(rejected.rejected_rows, 0) as is_reconciled
    from received
    left join rejected on received.source_table = rejected.source_table
)

select * from final
