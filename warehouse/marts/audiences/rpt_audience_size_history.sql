{{
    config(
        materialized='incremental',
        unique_key=['audience_name', 'as_of_date'],
        incremental_strategy=replace_by_key_strategy(),
        on_schema_change='fail',
        full_refresh=false,
    )
}}
{#-
  Audience sizes per data day, kept across builds: incremental on (audience_name, as_of_date) and never
  rebuilt by --full-refresh (full_refresh=false), so each build adds or replaces the row of its data day
  and earlier days stay. Deleting the build database forgets it; the export ledger keeps what was sent.
  On Spark with plain Parquet (strategy append: no rows replaced by key) a day already stored keeps its first
  row, so that a second build of the same data does not add the day twice.
-#}

with sizes as (
    select * from {{ ref('rpt_audience_sizes') }}
),

final as (
    select
        audience_name,
        as_of_date,
        members,
        definition_version
    from sizes
    where
        as_of_date is not null
    {% if is_incremental() and replace_by_key_strategy() == 'append' %}
        and not exists (
            select 1 from {{ this }} as stored
            where stored.audience_name = sizes.audience_name and stored.as_of_date = sizes.as_of_date
        )
    {% endif %}
)

select * from final
