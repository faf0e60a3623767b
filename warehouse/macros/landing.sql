{#-
  What staging knows about the raw files themselves (issue 16): which file a row came from, which
  declared columns a file lacks, and how many rows its Parquet footer says it holds. The landing folder
  is the one in the source's external_location (REELMART_LANDING, default data/landing).
-#}

{% macro landing_root() -%}
    {{ return(env_var('REELMART_LANDING', 'data/landing')) }}
{%- endmacro %}

{% macro landing_glob(table) -%}
    {{ return(landing_root() ~ '/' ~ table ~ '/**/*.parquet') }}
{%- endmacro %}

{#-
  The columns the source YAML declares for a raw table (export_date comes from the folder name), except
  those marked `meta: {optional: true}`: a column added to the export later, whose absence in an older
  file is not a reason to reject its rows (staging gives it a documented default instead).
-#}
{% macro declared_columns(table) -%}
    {% set columns = [] %}
    {% if execute and graph.get('sources') %}
        {% for name in graph.sources['source.reelmart.platform.' ~ table].columns.keys() %}
            {% set column = graph.sources['source.reelmart.platform.' ~ table].columns[name] %}
            {% if name != 'export_date' and not column.meta.get('optional') %}{% do columns.append(name | lower) %}{% endif %}
        {% endfor %}
    {% endif %}
    {{ return(columns) }}
{%- endmacro %}

{#- One row per file of `table` that lacks declared columns: (file_name, missing_columns as 'a, b'). -#}
{% macro files_missing_columns(table) -%}
    {{ return(adapter.dispatch('files_missing_columns', 'reelmart')(table)) }}
{%- endmacro %}

{% macro default__files_missing_columns(table) -%}
    {%- set columns = declared_columns(table) -%}
    with expected as (
        select unnest([{% for c in columns %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %}]::varchar[]) as column_name
    ),

    present as (
        select file_name, lower(name) as column_name
        from parquet_schema('{{ landing_glob(table) }}')
    ),

    files as (
        select distinct file_name from present
    )

    select
        files.file_name,
        string_agg(expected.column_name, ', ' order by expected.column_name) as missing_columns
    from files
    cross join expected
    left join present
        on files.file_name = present.file_name and expected.column_name = present.column_name
    where present.column_name is null
    group by files.file_name
{%- endmacro %}

{#-
  The `source` CTE body of a staging model: the raw rows plus source_file (the path under the landing
  folder) and missing_columns (NULL unless the row's file lacks declared columns).
-#}
{% macro staged_source(table) -%}
    {{ return(adapter.dispatch('staged_source', 'reelmart')(table)) }}
{%- endmacro %}

{% macro default__staged_source(table) -%}
    {%- if model.resource_type == 'unit_test' -%}
    {#- dbt unit tests mock the source with its declared columns only: no file to inspect. -#}
    select
        *,
        cast(null as string) as source_file,
        cast(null as string) as missing_columns
    from {{ source('platform', table) }}
    {%- else -%}
    select
        raw.*,
        replace(raw.filename, '{{ landing_root() }}/', '') as source_file,
        files.missing_columns
    from ({{ with_optional_columns(table) }}) as raw
    left join ({{ files_missing_columns(table) }}) as files on raw.filename = files.file_name
    {%- endif -%}
{%- endmacro %}

{#- Rows per file from the Parquet footers: counted without reading a row (reconciliation). -#}
{% macro footer_row_count(table) -%}
    {{ return(adapter.dispatch('footer_row_count', 'reelmart')(table)) }}
{%- endmacro %}

{% macro default__footer_row_count(table) -%}
    select cast(coalesce(sum(num_rows), 0) as bigint) from parquet_file_metadata('{{ landing_glob(table) }}')
{%- endmacro %}

{#- One row per raw file of `table`: source_file (from the table folder on, as staging names it), footer_rows. -#}
{% macro footer_rows_per_file(table) -%}
    {{ return(adapter.dispatch('footer_rows_per_file', 'reelmart')(table)) }}
{%- endmacro %}

{% macro default__footer_rows_per_file(table) -%}
    select
        replace(file_name, '{{ landing_root() }}/', '') as source_file,
        cast(num_rows as bigint) as footer_rows
    from parquet_file_metadata('{{ landing_glob(table) }}')
{%- endmacro %}

{#-
  The raw columns holding a value that does not parse as its type, as 'a, b' (NULL when all parse):
  a wrong-typed value (user_id = 'u123') rejects its row as unparseable_value instead of failing the build.
-#}
{% macro unparseable_columns(types) -%}
    nullif(concat_ws(', '
    {%- for column, type_name in types.items() %},
        case when {{ column }} is not null and {{ safe_cast_to(column, type_name) }} is null then '{{ column }}' end
    {%- endfor %}
    ), '')
{%- endmacro %}

{#- An event stamped after its export day plus the tolerance (var future_timestamp_tolerance_hours). -#}
{% macro is_future_timestamp(column) -%}
    {{ return(adapter.dispatch('is_future_timestamp', 'reelmart')(column)) }}
{%- endmacro %}

{% macro default__is_future_timestamp(column) -%}
    {{ column }} >= cast(export_date as timestamp) + interval 1 day
        + to_hours(cast({{ var('future_timestamp_tolerance_hours', 24) }} as bigint))
{%- endmacro %}

{#- The columns marked `meta: {optional: true}` in the source YAML of a raw table. -#}
{% macro optional_columns(table) -%}
    {% set columns = [] %}
    {% if execute and graph.get('sources') %}
        {% for name, column in graph.sources['source.reelmart.platform.' ~ table].columns.items() %}
            {% if column.meta.get('optional') %}{% do columns.append(name | lower) %}{% endif %}
        {% endfor %}
    {% endif %}
    {{ return(columns) }}
{%- endmacro %}

{#-
  The raw rows with every optional column present: when no file of the table has it yet (an export
  from before the column existed), it is added as NULL, so staging compiles either way (varchar: the
  optional columns so far are strings).
-#}
{% macro with_optional_columns(table) -%}
    {%- set optional = optional_columns(table) -%}
    select * from {{ source('platform', table) }}
    {%- if optional %}
    union all by name
    select {% for c in optional %}cast(null as string) as {{ c }}{{ ", " if not loop.last }}{% endfor %} where false
    {%- endif %}
{%- endmacro %}
