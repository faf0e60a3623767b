{#-
  Per raw file: rows its Parquet footer declares, rows staged from it, rows rejected and the most common
  reason. The reject-rate test (var max_reject_rate) and the file-level reconciliation read it, so a failing
  build names the file.
-#}
with
{% for src in validated_sources() %}
{{ src.source }}_files as (
    select
        '{{ src.source }}' as source_table,
        source_file,
        footer_rows
    from ({{ footer_rows_per_file(src.source) }}) as footers
),

{{ src.source }}_staged as (
    select
        '{{ src.source }}' as source_table,
        source_file,
        count(*) as raw_rows
    from {{ ref(src.model) }}
    group by source_file
),
{% endfor %}

files as (
    {% for src in validated_sources() %}
    select * from {{ src.source }}_files
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

staged as (
    {% for src in validated_sources() %}
    select * from {{ src.source }}_staged
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected_by_reason as (
    select
        source_table,
        source_file,
        reject_reason,
        count(*) as rejected_rows
    from {{ ref('fct_rejects') }}
    group by source_table, source_file, reject_reason
),

ranked_reasons as (
    select
        *,
        row_number() over (
            partition by source_table, source_file order by rejected_rows desc, reject_reason asc
        ) as reason_rank
    from rejected_by_reason
),

rejected as (
    select
        source_table,
        source_file,
        sum(rejected_rows) as rejected_rows,
        max(case when reason_rank = 1 then reject_reason end) as top_reject_reason
    from ranked_reasons
    group by source_table, source_file
),

final as (
    select
        files.source_table,
        files.source_file,
        try_cast(regexp_extract(files.source_file, 'export_date=([0-9-]+)', 1) as date) as export_date,
        files.footer_rows,
        coalesce(staged.raw_rows, 0) as raw_rows,
        cast(coalesce(rejected.rejected_rows, 0) as bigint) as rejected_rows,
        rejected.top_reject_reason
    from files
    left join staged on files.source_table = staged.source_table and files.source_file = staged.source_file
    left join
        rejected
        on files.source_table = rejected.source_table and files.source_file = rejected.source_file
)

select * from final
