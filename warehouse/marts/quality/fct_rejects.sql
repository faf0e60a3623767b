{#-
  Every raw row that failed validation, with its reason and the row itself as JSON (identifiers
  excluded).
-#}
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
    where reject_reason is not null
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
