{#-
  Loading an event source one export day at a time (issue 19): its int_<source>_checked table reads each
  export day once. A build (re)loads an export day when the day's files in the landing folder differ from
  what the table holds (a new day, a late or re-delivered file, a file removed or rewritten: per file, the
  rows its Parquet footer declares against the rows loaded from it) or when `reelmart backfill` names it
  (var backfill_export_dates); it does not read the other days. A full refresh reads every day.
-#}

{#-
  The config of a model that stores whole export days of raw `table`: before the new rows are appended, a
  pre-hook removes the rows of every day being reloaded, also of a day whose files are gone (in the build's
  transaction). Use as `config(**export_day_incremental('watch_events'))`.
-#}
{% macro export_day_incremental(table) -%}
    {{ return(adapter.dispatch('export_day_incremental', 'reelmart')(table)) }}
{%- endmacro %}

{% macro default__export_day_incremental(table) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append', 'on_schema_change': 'fail',
               'pre_hook': "{{ remove_export_days('" ~ table ~ "') }}"}) }}
{%- endmacro %}

{#- The statement that removes the days export_days_to_load names (nothing on a full build or when none). -#}
{% macro remove_export_days(table) -%}
    {%- set days = export_days_to_load(table) -%}
    {%- if days -%}
    delete from {{ this }} where export_date in ({% for day in days %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- One row per landed file of an event table: (source_file as staging names it, export_date, file_rows). -#}
{% macro landed_files(table) -%}
    select
        replace(file_name, '{{ landing_root() }}/', '') as source_file,
        try_cast(regexp_extract(file_name, 'export_date=([0-9-]+)', 1) as date) as export_date,
        cast(num_rows as bigint) as file_rows
    from parquet_file_metadata('{{ landing_glob(table) }}')
{%- endmacro %}

{#-
  The export days of `table` this build must (re)load into the current incremental model, as ISO date
  strings; none when the model is built whole (first build, full refresh). The model's rows carry
  source_file and export_date, as staging gives them.
-#}
{% macro export_days_to_load(table) -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set changed_days -%}
        with landed as (
            {{ landed_files(table) }}
        ),

        loaded as (
            select source_file, export_date, count(*) as file_rows
            from {{ this }}
            group by source_file, export_date
        )

        select distinct cast(coalesce(landed.export_date, loaded.export_date) as string) as export_date
        from landed
        full outer join loaded on landed.source_file = loaded.source_file
        where coalesce(landed.file_rows, 0) != coalesce(loaded.file_rows, 0)
    {%- endset -%}
    {%- set days = var('backfill_export_dates', []) | map('string') | list -%}
    {%- if execute -%}
        {%- for day in run_query(changed_days).columns[0].values() if day is not none -%}
            {%- do days.append(day | string) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(days | unique | sort | list) }}
{%- endmacro %}

{#- The where clause that keeps the export days to load (nothing when every day is loaded). -#}
{% macro export_day_filter(days) -%}
    {%- if days is not none -%}
        where
        {%- if days %} export_date in ({% for day in days %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
        {%- else %} false{% endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
  Models downstream of the checked tables that carry export_date and load by export day (issue 19): the
  newest export day the current incremental model holds (none on a first build or full refresh) ...
-#}
{% macro newest_export_date_loaded() -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set result = run_query("select max(export_date) from " ~ this) -%}
    {%- if execute -%}{{ return(result.columns[0].values()[0]) }}{%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- ... the where clause that keeps the newer export days and the backfilled ones (nothing when all are read) ... -#}
{% macro new_export_days_filter(newest_loaded) -%}
    {%- if newest_loaded is not none %}
    where {{ is_new_export_day(newest_loaded) }}
    {%- endif -%}
{%- endmacro %}

{#- ... the same as a condition on `column` ... -#}
{% macro is_new_export_day(newest_loaded, column='export_date') -%}
    ({{ column }} > cast('{{ newest_loaded }}' as date)
    {%- for day in var('backfill_export_dates', []) %} or {{ column }} = cast('{{ day }}' as date){% endfor -%})
{%- endmacro %}

{#- ... and the pre-hook statement that removes the stored rows of the backfilled days before they are reloaded. -#}
{% macro remove_backfilled_days() -%}
    {%- set days = var('backfill_export_dates', []) -%}
    {%- if is_incremental() and days -%}
    delete from {{ this }} where export_date in ({% for day in days %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#-
  fct_rejects on a daily build (none on a full one): per event source, the export days (ISO strings) to
  reload, those whose rejects per file in the checked table differ from the ones stored (a new day, a file
  reloaded, removed or re-delivered) plus the backfilled days. It reads the reject_reason, export_date and
  source_file columns of the stored checked tables, no raw file.
-#}
{% macro reject_days_to_reload() -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set events = validated_sources() | selectattr('event') | list -%}
    {%- set reload = {} -%}
    {%- for src in events -%}{%- do reload.update({src.source: var('backfill_export_dates', []) | map('string') | list}) -%}{%- endfor -%}
    {%- set query -%}
        with checked as (
            {% for src in events %}
            select '{{ src.source }}' as source_table, export_date, source_file, count(*) as n
            from {{ ref(src.model) }}
            where reject_reason is not null
            group by export_date, source_file
            {% if not loop.last %}union all{% endif %}
            {% endfor %}
        ),

        stored as (
            select source_table, export_date, source_file, count(*) as n
            from {{ this }}
            where export_date is not null
            group by source_table, export_date, source_file
        )

        select distinct
            coalesce(checked.source_table, stored.source_table),
            cast(coalesce(checked.export_date, stored.export_date) as string)
        from checked
        full outer join stored
            on checked.source_table = stored.source_table
            and checked.export_date = stored.export_date
            and checked.source_file = stored.source_file
        where coalesce(checked.n, 0) != coalesce(stored.n, 0)
    {%- endset -%}
    {%- if execute -%}
        {%- for row in run_query(query).rows -%}{%- do reload[row[0]].append(row[1] | string) -%}{%- endfor -%}
    {%- endif -%}
    {{ return(reload) }}
{%- endmacro %}

{#- `export_date in (days)`, or false for no day. -#}
{% macro export_date_in(days) -%}
    {%- if days -%}
    export_date in ({% for day in days | unique | sort %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
    {%- else -%}false{%- endif -%}
{%- endmacro %}

{#-
  The pre-hook of fct_rejects on a daily build: remove the rejects of the reference tables (re-read whole)
  and of the export days reject_days_to_reload names, which the build reads again.
-#}
{% macro remove_reloaded_rejects() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where export_date is null
    {%- for source, days in reject_days_to_reload().items() if days %}
        or (source_table = '{{ source }}' and {{ export_date_in(days) }})
    {%- endfor %}
    {%- endif -%}
{%- endmacro %}
