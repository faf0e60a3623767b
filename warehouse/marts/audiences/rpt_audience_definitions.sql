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
    select * from (
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
        ){{ "," if not loop.last }}
        {% endfor %}
    ) as audiences (audience_name, model_name, description, owner, destinations, min_size, allowed_columns,
                    definition_version)
    {% else %}
    {#- parse time: the graph is empty; the shape only -#}
    select
        null::varchar as audience_name,
        null::varchar as model_name,
        null::varchar as description,
        null::varchar as owner,
        null::varchar as destinations,
        null::integer as min_size,
        null::varchar as allowed_columns,
        null::varchar as definition_version
    where false
    {% endif %}
),

final as (
    select
        cast(audience_name as varchar) as audience_name,
        cast(model_name as varchar) as model_name,
        cast(description as varchar) as description,
        cast(owner as varchar) as owner,
        cast(destinations as varchar) as destinations,
        cast(min_size as integer) as min_size,
        cast(allowed_columns as varchar) as allowed_columns,
        cast(definition_version as varchar) as definition_version
    from definitions
)

select * from final
