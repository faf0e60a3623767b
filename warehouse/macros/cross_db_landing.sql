{#-
  Spark versions of the landing macros (landing.sql): Spark reads the raw Parquet exports by path
  (`parquet.`<landing>/<table>``), discovering the `export_date=` folders as a partition column (kept as
  a string, like DuckDB's hive partitioning; spark.sql.sources.partitionColumnTypeInference is off in the
  profile) and merging the files' schemas (spark.sql.parquet.mergeSchema). source() is still called so
  the staging models keep their lineage to the declared sources.
  Gap (docs/spark.md): Spark SQL cannot read one file's footer schema, so a file that lacks a declared
  column is read with NULLs there instead of rejecting its rows as missing_column.
-#}

{% macro spark_landing_path(table) -%}
    {{ return('parquet.`' ~ landing_root() ~ '/' ~ table ~ '`') }}
{%- endmacro %}

{% macro spark__files_missing_columns(table) -%}
    select cast(null as string) as file_name, cast(null as string) as missing_columns where false
{%- endmacro %}

{% macro spark__staged_source(table) -%}
    {%- set declared = source('platform', table) -%}
    {%- if model.resource_type == 'unit_test' -%}
    select
        *,
        cast(null as string) as source_file,
        cast(null as string) as missing_columns
    from {{ declared }}
    {%- else -%}
    {#- _metadata.file_path is a URI of the absolute path: keep the part from the table folder on. -#}
    select
        raw.*,
        regexp_extract(raw._metadata.file_path, '/({{ table }}/[^/]*(/[^/]*)?)$', 1) as source_file,
        cast(null as string) as missing_columns
    from {{ spark_landing_path(table) }} as raw
    {%- endif -%}
{%- endmacro %}

{% macro spark__footer_row_count(table) -%}
    select cast(count(*) as bigint) from {{ spark_landing_path(table) }}
{%- endmacro %}

{#-
  Rows counted per file. Spark SQL sees rows, not footers, so the files are listed with the binaryFile
  source (its content column is not read) and a file without rows gets 0.
-#}
{% macro spark__footer_rows_per_file(table) -%}
    {%- set file_of = "regexp_extract(FILE_PATH, '/(" ~ table ~ "/[^/]*(/[^/]*)?)$', 1)" -%}
    select
        files.source_file,
        coalesce(counted.footer_rows, 0) as footer_rows
    from (
        select {{ file_of | replace('FILE_PATH', 'path') }} as source_file
        from binaryFile.`{{ landing_root() }}/{{ table }}`
        where path like '%.parquet'
    ) as files
    left join (
        select
            {{ file_of | replace('FILE_PATH', 'raw._metadata.file_path') }} as source_file,
            cast(count(*) as bigint) as footer_rows
        from {{ spark_landing_path(table) }} as raw
        group by raw._metadata.file_path
    ) as counted on files.source_file = counted.source_file
{%- endmacro %}

{% macro spark__is_future_timestamp(column) -%}
    {{ column }} >= cast(export_date as timestamp) + interval 1 day
        + make_interval(0, 0, 0, 0, cast({{ var('future_timestamp_tolerance_hours', 24) }} as int), 0, 0)
{%- endmacro %}
