{#-
  The export metadata of every audience, materialised from the models' YAML meta (read from dbt's graph
  by the macro `audience_definitions`). The exporter and the report site read this table.
-#}
{%- for model in audience_models() %}
-- depends_on: {{ ref(model) }}
{%- endfor %}
{%- set definitions = audience_definitions() %}

with definitions as (
    {% if definitions %}
    select audiences.* from (
        values
        {% for name, meta in definitions | dictsort %}
        (
            {{ sql_literal(name[4:]) }},
            {{ sql_literal(name) }},
            {{ sql_literal(meta['description']) }},
            {{ sql_literal(meta['owner']) }},
            {{ sql_literal(meta['destinations'] | join(',')) }},
            {{ meta['min_size'] | int }},
            {{ sql_literal(meta['allowed_columns'] | join(',')) }},
            {{ sql_literal(meta['definition_version']) }}
        ){% if not loop.last %},{% endif %}
        {% endfor %}
    )
        as audiences (
            audience_name, model_name, description, owner, destinations, min_size, allowed_columns,
            definition_version
        )
    {% else %}
    {#- parse time: the graph is empty; the shape only -#}
    select
        cast(null as string) as audience_name,
        cast(null as string) as model_name,
        cast(null as string) as description,
        cast(null as string) as owner,
        cast(null as string) as destinations,
        cast(null as integer) as min_size,
        cast(null as string) as allowed_columns,
        cast(null as string) as definition_version
    where false
    {% endif %}
),

final as (
    select
        cast(audience_name as string) as audience_name,
        cast(model_name as string) as model_name,
        cast(description as string) as description,
        cast(owner as string) as owner,
        cast(destinations as string) as destinations,
        cast(min_size as integer) as min_size,
        cast(allowed_columns as string) as allowed_columns,
        cast(definition_version as string) as definition_version
    from definitions
)

select * from final
