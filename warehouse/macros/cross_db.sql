{#-
  Spark versions of the project's portable macros (issue 18, docs/spark.md). The DuckDB/default
  version of each lives beside its concern (parsing.sql, landing.sql, ...); this file holds the Spark
  translations of DuckDB-only expressions, and the few cross-database helpers the models call.
-#}

{#- Raw comment text arrives as bytes: NULL when they are not valid UTF-8 (as DuckDB's try(decode())). -#}
{% macro spark__decode_utf8(column) -%}
    try_validate_utf8(cast({{ column }} as string))
{%- endmacro %}

{#- dbt-spark runs with spark.sql.ansi.enabled=false, where a failed cast is NULL; try_cast says so anyway. -#}
{% macro spark__safe_cast_to(column, type_name) -%}
    try_cast({{ column }} as {{ api.Column.translate_type(type_name) }})
{%- endmacro %}
