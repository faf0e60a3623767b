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
    where as_of_date is not null
)

select * from final
