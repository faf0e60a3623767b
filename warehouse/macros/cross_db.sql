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

{#- `t.* {{ star_exclude() }} (a, b)`: every column but a and b (DuckDB `exclude`, Spark `except`). -#}
{% macro star_exclude() -%}
    {{ return(adapter.dispatch('star_exclude', 'reelmart')()) }}
{%- endmacro %}

{% macro default__star_exclude() -%}exclude{%- endmacro %}

{% macro spark__star_exclude() -%}except{%- endmacro %}

{#- The continuous (linearly interpolated) quantile q of expression over the group, as DuckDB's quantile_cont. -#}
{% macro quantile_cont(expression, q) -%}
    {{ return(adapter.dispatch('quantile_cont', 'reelmart')(expression, q)) }}
{%- endmacro %}

{% macro default__quantile_cont(expression, q) -%}
    quantile_cont({{ expression }}, {{ q }})
{%- endmacro %}

{#- Spark's percentile() is exact and interpolates linearly between ranks, as quantile_cont does. -#}
{% macro spark__quantile_cont(expression, q) -%}
    percentile({{ expression }}, {{ q }})
{%- endmacro %}

{#- In a select list: one output row per integer 0..upper (inclusive) of each input row (a generator). -#}
{% macro unnest_range(upper) -%}
    {{ return(adapter.dispatch('unnest_range', 'reelmart')(upper)) }}
{%- endmacro %}

{% macro default__unnest_range(upper) -%}
    unnest(generate_series(0, {{ upper }}))
{%- endmacro %}

{% macro spark__unnest_range(upper) -%}
    explode(sequence(0, {{ upper }}))
{%- endmacro %}

{#-
  The incremental strategy of a model that replaces rows by its unique key. DuckDB: delete+insert.
  Spark: `merge` needs a table format with row-level writes (delta, iceberg, hudi: set var
  spark_file_format); the local session's plain Parquet supports only append/insert_overwrite, so there
  an incremental run appends, and a re-sent row shows up twice (the key's unique test then fails the
  build, rather than a wrong number passing): rebuild with --full-refresh. docs/spark.md.
-#}
{% macro replace_by_key_strategy() -%}
    {{ return(adapter.dispatch('replace_by_key_strategy', 'reelmart')()) }}
{%- endmacro %}

{% macro default__replace_by_key_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__replace_by_key_strategy() -%}
    {{ return('merge' if var('spark_file_format', 'parquet') in ('delta', 'iceberg', 'hudi') else 'append') }}
{%- endmacro %}

{#-
  The config of a model that a daily build updates by replacing whole groups of rows (issue 19): the rows of
  every `unique_key` value the model's incremental select returns replace the stored ones. DuckDB:
  incremental, delete+insert, plus `pre_hook` (the statement removing stored rows no new row replaces).
  Spark: a table rebuilt whole, as the checked event tables are views there (plain Parquet has no row-level
  delete; docs/spark.md). Use as `config(**incremental_by_key([...], pre_hook))`.
-#}
{% macro incremental_by_key(unique_key, pre_hook=none) -%}
    {{ return(adapter.dispatch('incremental_by_key', 'reelmart')(unique_key, pre_hook)) }}
{%- endmacro %}

{% macro default__incremental_by_key(unique_key, pre_hook) -%}
    {%- set config = {'materialized': 'incremental', 'unique_key': unique_key,
                      'incremental_strategy': 'delete+insert', 'on_schema_change': 'fail'} -%}
    {%- if pre_hook -%}{%- do config.update({'pre_hook': pre_hook}) -%}{%- endif -%}
    {{ return(config) }}
{%- endmacro %}

{% macro spark__incremental_by_key(unique_key, pre_hook) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#-
  One row of `relation` (read under `alias`) as a JSON object, keys in column order, NULLs kept, the
  `exclude` columns left out (the query must select from a relation without them on DuckDB, which
  serialises the alias as it is). DuckDB: `to_json(alias)`. Spark cannot use an alias as a value, and
  its JSON writer spells some values differently, so the Spark version lists the columns and writes
  them as DuckDB's to_json does: timestamps as their string cast (`12:00:00`, not `12:00:00.000000`),
  decimals of up to 15 digits as doubles (`2.5`; wider ones keep their scale, `2.50`, on both).
-#}
{% macro row_to_json(alias, relation, exclude=[]) -%}
    {{ return(adapter.dispatch('row_to_json', 'reelmart')(alias, relation, exclude)) }}
{%- endmacro %}

{% macro default__row_to_json(alias, relation, exclude) -%}
    to_json({{ alias }})
{%- endmacro %}

{% macro spark__row_to_json(alias, relation, exclude) -%}
    {%- set fields = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) if column.name not in exclude -%}
            {%- set data_type = column.data_type | lower -%}
            {%- set value = alias ~ '.' ~ adapter.quote(column.name) -%}
            {%- if data_type.startswith('timestamp') -%}
                {%- set value = 'cast(' ~ value ~ ' as string)' -%}
            {%- elif data_type.startswith('decimal') and (data_type[8:].split(',')[0] | int) <= 15 -%}
                {%- set value = 'cast(' ~ value ~ ' as double)' -%}
            {%- endif -%}
            {%- do fields.append("'" ~ column.name ~ "', " ~ value) -%}
        {%- endfor -%}
    {%- endif -%}
    to_json(named_struct({{ fields | join(', ') if fields else "'_', null" }}), map('ignoreNullFields', 'false'))
{%- endmacro %}

{#-
  The checked event tables (export_days.sql) are rebuilt whole on Spark, once per build: plain Parquet tables
  have no row-level delete for a reloaded day, and the partitioned variant is not verified against DuckDB yet
  (docs/spark.md). Tables, not views: their readers (validated, rejects, reconciliation) then read them once.
-#}
{% macro spark__export_day_incremental(table) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#-
  A bucket 0..buckets-1 of a string expression that is the same on every engine and every run: the first
  32 bits of its hex SHA-256 as an integer, modulo `buckets`. (`hash()` is a different function on
  DuckDB and Spark, so a split drawn with it would put other users on each side; docs/spark.md.)
-#}
{% macro stable_bucket(expression, buckets) -%}
    {{ return(adapter.dispatch('stable_bucket', 'reelmart')(expression, buckets)) }}
{%- endmacro %}

{% macro default__stable_bucket(expression, buckets) -%}
    (cast('0x' || left(sha256({{ expression }}), 8) as bigint) % {{ buckets }})
{%- endmacro %}

{% macro spark__stable_bucket(expression, buckets) -%}
    (cast(conv(left(sha2({{ expression }}, 256), 8), 16, 10) as bigint) % {{ buckets }})
{%- endmacro %}
