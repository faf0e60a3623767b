{#-
  Audiences (issue 8, docs/audiences.md). An audience is a model `aud_<name>` keyed by user_id, with its
  export metadata in YAML `config.meta`. `audience_models()` is the one list of them: dbt needs refs at
  parse time, so the report marts that union every audience ref this list, and `audience_definitions()`
  fails the build if the list and the graph's aud_ models disagree (an audience cannot be forgotten).
-#}

{% macro audience_models() %}
    {{ return([
        'aud_beauty_fans',
        'aud_lapsed_viewers',
        'aud_high_value_gamers',
        'aud_new_engaged_users',
        'aud_campaign_persuadables',
        'aud_positive_beauty_fans',
    ]) }}
{% endmacro %}


{#- Every aud_ model of this project with its meta, read from the graph (execute time only). -#}
{% macro audience_definitions() %}
    {% set found = {} %}
    {% if execute %}
        {% for node in graph.nodes.values() %}
            {% if node.resource_type == 'model' and node.package_name == project_name
                  and node.name.startswith('aud_') %}
                {% set meta = node.config.get('meta') or node.meta or {} %}
                {% do found.update({node.name: meta}) %}
            {% endif %}
        {% endfor %}
        {% set listed = audience_models() | sort %}
        {% set in_graph = found.keys() | list | sort %}
        {% if listed != in_graph %}
            {{ exceptions.raise_compiler_error(
                "audience_models() in warehouse/macros/audiences.sql lists " ~ listed
                ~ " but the project has the aud_ models " ~ in_graph ~ "; keep them equal") }}
        {% endif %}
        {% for name, meta in found.items() %}
            {% for key in ['description', 'owner', 'destinations', 'min_size', 'allowed_columns',
                           'definition_version'] %}
                {% if meta.get(key) is none %}
                    {{ exceptions.raise_compiler_error("audience " ~ name ~ " lacks meta." ~ key) }}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endif %}
    {{ return(found) }}
{% endmacro %}


{#- One row per (audience_name, user_id) over every audience, as a union of refs. -#}
{% macro audience_members() %}
    {% for model in audience_models() %}
    select '{{ model[4:] }}' as audience_name, user_id from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endmacro %}


{#- A SQL string literal. -#}
{% macro sql_literal(value) %}'{{ value | string | replace("'", "''") }}'{% endmacro %}
