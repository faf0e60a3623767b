{#-
  Generic tests over rpt_source_reconciliation (kept as generic tests in macros/ rather than singular
  test files, because a .sql file under the model path would also be parsed as a model).
-#}

{#- Nothing is silently dropped: for every raw source, rows received = rows kept + rows rejected. -#}
{% test sources_reconcile(model) %}
select *
from {{ model }}
where raw_rows != clean_rows + rejected_rows or file_rows != raw_rows or not is_reconciled
{% endtest %}

{#- Every clean row of a source is in its mart, once: `marts` maps source table -> mart model name. -#}
{% test clean_rows_reach_marts(model, marts) %}
with loaded as (
    {% for source_table, mart in marts.items() %}
    select '{{ source_table }}' as source_table, count(*) as mart_rows from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select loaded.source_table, loaded.mart_rows, expected.clean_rows
from loaded
inner join {{ model }} as expected on loaded.source_table = expected.source_table
where loaded.mart_rows != expected.clean_rows
{% endtest %}

{#-
  A file with too many rejected rows fails the build (issue 16): a systematic fault (a dropped column, a
  changed type, a broken exporter) rather than the usual dirt. `max_reject_rate` (var) maps a source table
  to its limit, `default` for the rest; files under `reject_rate_min_rows` rows are not judged. Each row
  names the file, so the build's error message does. A file rejected mostly as `duplicate` repeats events
  already delivered for its export day (staging keeps the first copy: earliest timestamp, then first file
  by name): the message says the day was delivered twice and what to do, instead of "fix the file".
-#}
{% test reject_rate_within_limit(model) %}
{%- set limits = var('max_reject_rate', {'default': 0.25}) -%}
select
    source_table,
    source_file,
    rejected_rows,
    raw_rows,
    top_reject_reason,
    case
        when top_reject_reason = 'duplicate' then
            'file ' || source_file || ': ' || rejected_rows || ' of ' || raw_rows || ' rows rejected, mostly '
            || 'duplicate: export day ' || coalesce(cast(export_date as string), '(none)')
            || ' was delivered twice (these events were already delivered in another file of that day, whose '
            || 'copies are kept). Remove the re-delivered file and rebuild; if it corrects the earlier rows, '
            || 'replace the original file with it and run `reelmart backfill --export-date '
            || coalesce(cast(export_date as string), 'D') || '`'
        else
            'file ' || source_file || ': ' || rejected_rows || ' of ' || raw_rows || ' rows rejected, mostly '
            || top_reject_reason || '; fix or remove the file and rebuild'
    end as problem
from {{ model }}
where raw_rows >= {{ var('reject_rate_min_rows', 20) }}
    and rejected_rows > raw_rows * (
        {%- for table, limit in limits.items() if table != 'default' %}
        case when source_table = '{{ table }}' then {{ limit }} else
        {%- endfor %}
        {{ limits.get('default', 0.25) }}
        {%- for table in limits.keys() if table != 'default' %} end{% endfor %}
    )
{% endtest %}

{#- Every file's rows reach staging: a row lost before staging shows as footer_rows != raw_rows. -#}
{% test files_reach_staging(model) %}
select
    source_table,
    source_file,
    footer_rows,
    raw_rows,
    'file ' || source_file || ': its footer declares ' || footer_rows || ' rows, staging read ' || raw_rows
    as problem
from {{ model }}
where footer_rows != raw_rows
{% endtest %}

{#-
  Every valid row of `validated` is in the incremental `model` (or superseded there by a copy from a later
  export day). A late or re-delivered file for an export day already loaded is not read by an incremental
  build; this test names the day and the command that loads it.
-#}
{% test export_days_loaded(model, validated, key) %}
select
    valid.export_date,
    count(*) as rows_not_loaded,
    'export day ' || cast(valid.export_date as string) || ' has ' || count(*)
    || ' valid rows not loaded (a late or re-delivered file): run `reelmart backfill --export-date '
    || cast(valid.export_date as string) || '`' as problem
from {{ ref(validated) }} as valid
where not exists (
    select 1 from {{ model }} as loaded
    where loaded.{{ key }} = valid.{{ key }} and loaded.export_date >= valid.export_date
)
group by valid.export_date
{% endtest %}
