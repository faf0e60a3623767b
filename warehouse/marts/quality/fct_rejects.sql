{{ config(**incremental_by_key(['reject_id'], "{{ remove_reloaded_rejects() }}")) }}

{#-
  Every raw row that failed validation, with its reason and the row itself as JSON (identifiers
  excluded).
  Incremental (issue 19): a daily build adds the rejects of the export days of each event source newer than
  the newest one stored for that source (a day without rejects adds nothing, so the bound is safe) and of
  the backfilled days (var backfill_export_dates), whose stored rejects the pre-hook removes first with the
  reference tables' ones (those have no export day: re-read whole, they are small).
-#}
{%- set newest_by_source = {} -%}
{%- if is_incremental() -%}
    {%- set result = run_query("select source_table, cast(max(export_date) as string) from " ~ this
                               ~ " where export_date is not null group by source_table") -%}
    {%- if execute -%}
        {%- for row in result.rows -%}{%- do newest_by_source.update({row[0]: row[1]}) -%}{%- endfor -%}
    {%- endif -%}
{%- endif %}

with
{% for src in validated_sources() %}
{{ src.source }}_rejects as (
    select
        '{{ src.source }}' as source_table,
        cast({{ src.key }} as string) as record_key,
        {% if src.event %}export_date{% else %}cast(null as date) as export_date{% endif %},
        copy_number,
        source_file,
        reject_reason,
        cast({{ row_to_json('rejected', ref(src.model), exclude=src.sensitive or []) }} as string)
            as record_json
    -- the alias `rejected` is the whole row, serialised by row_to_json above
    {% if src.sensitive %}
    from (
        select * {{ star_exclude() }} ({{ src.sensitive | join(", ") }})
        from {{ ref(src.model) }}
    ) as rejected  -- noqa: AL05
    {% else %}
    from {{ ref(src.model) }} as rejected  -- noqa: AL05
    {% endif %}
    where
        reject_reason is not null
    {% if is_incremental() and src.event and src.source in newest_by_source %}
        and {{ is_new_export_day(newest_by_source[src.source]) }}
    {% endif %}
),
{% endfor %}

unioned as (
    {% for src in validated_sources() %}
    select * from {{ src.source }}_rejects
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_table || ':' || coalesce(cast(export_date as string), '-') || ':'
        || coalesce(record_key, '<null>') || ':' || cast(copy_number as string) as reject_id,
        source_table,
        record_key,
        export_date,
        source_file,
        reject_reason,
        record_json
    from unioned
)

select * from final
