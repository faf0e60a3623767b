{#- Raw identifiers for audience matching. Sensitive: read only by the audience exporter, which
    normalises and hashes them per destination; never shown in a report. -#}
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
