{#- Raw identifiers for audience matching. Sensitive: read only by the audience exporter, which
    normalises and hashes them per destination; never shown in a report. A view, so that no raw identifier
    is stored in the build database; publish copies it into the export's identifier store and drops it
    from the serving snapshot (audience_export/identifiers.py). On Spark a table in Spark's warehouse folder,
    which the copy into DuckDB reads through a view (reelmart/spark_import.py): a view there would not be copied. -#}
{{ config(materialized='view' if target.type == 'duckdb' else 'table') }}

with users as (
    select * from {{ ref('int_users_validated') }}
),

final as (
    select
        user_id,
        email_raw as email,
        phone_raw as phone,
        country_code,
        zip,
        maid_raw as maid
    from users
)

select * from final
