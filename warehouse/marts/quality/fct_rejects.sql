{{ config(**incremental_by_key(['reject_id'], "{{ remove_reloaded_rejects() }}")) }}

{#-
  Every raw row that failed validation, with its reason and the row itself as JSON (identifiers
  excluded).
  Incremental (issue 19): a daily build reloads the export days of an event source whose rejects per file in
  the checked table differ from the stored ones (a new day, a reloaded or removed file: macro
  reject_days_to_reload) and the backfilled days; the pre-hook removes their stored rejects first, and the
  reference tables' ones, which have no export day and are re-read whole (they are small).
-#}
{%- set reload = reject_days_to_reload() %}

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
    {% if reload is not none and src.event %}
        and {{ export_date_in(reload.get(src.source, [])) }}
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
