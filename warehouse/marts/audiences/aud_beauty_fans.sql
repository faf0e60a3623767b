{#- Beauty fans: a large share of watch time on beauty videos, and engaged (active on several days). -#}

with users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        user_id,
        affinity_beauty,
        active_days,
        views,
        last_active_date
    from users
    where
        affinity_beauty >= {{ var('audience_fan_min_affinity', 0.3) }}
        and active_days >= {{ var('audience_engaged_min_active_days', 3) }}
)

select * from final
