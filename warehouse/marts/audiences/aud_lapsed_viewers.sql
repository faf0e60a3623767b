{#- Lapsed viewers: watched on several days, but not in the last `audience_lapsed_days` days of the data. -#}

with users as (
    select * from {{ ref('dim_users') }}
),

window_end as (
    select max(last_active_date) as as_of_date from users
),

final as (
    select
        users.user_id,
        users.last_active_date,
        cast(
            {{ dbt.datediff('users.last_active_date', 'window_end.as_of_date', 'day') }} as bigint  -- noqa: LT05
        ) as days_since_active,
        users.active_days,
        users.views
    from users
    cross join window_end
    where
        users.active_days >= {{ var('audience_lapsed_min_active_days', 2) }}
        and users.last_active_date
        <= window_end.as_of_date - {{ var('audience_lapsed_days', 7) }}
)

select * from final
