{#- Typing helpers for staging: each returns NULL instead of failing, so a bad value becomes a reject reason. -#}

{% macro safe_cast_to(column, type_name) -%}
    {{ return(adapter.dispatch("safe_cast_to", "reelmart")(column, type_name)) }}
{%- endmacro %}

{% macro default__safe_cast_to(column, type_name) -%}
    {{ dbt.safe_cast(column, api.Column.translate_type(type_name)) }}
{%- endmacro %}

{#- dbt-duckdb's safe_cast is a plain cast; try_cast is the one that returns NULL. -#}
{% macro duckdb__safe_cast_to(column, type_name) -%}
    try_cast({{ column }} as {{ api.Column.translate_type(type_name) }})
{%- endmacro %}

{% macro parse_timestamp(column) -%}{{ safe_cast_to(column, "timestamp") }}{%- endmacro %}

{% macro parse_date(column) -%}{{ safe_cast_to(column, "date") }}{%- endmacro %}

{% macro decode_utf8(column) -%}
    {{ return(adapter.dispatch("decode_utf8", "reelmart")(column)) }}
{%- endmacro %}

{% macro default__decode_utf8(column) -%}
    cast({{ column }} as {{ api.Column.translate_type("string") }})
{%- endmacro %}

{% macro duckdb__decode_utf8(column) -%}
    try(decode({{ column }}))
{%- endmacro %}
