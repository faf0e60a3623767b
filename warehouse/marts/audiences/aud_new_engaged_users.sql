{#-
  New engaged users: signed up within `audience_new_user_days` of the data's end, already active on
  several days.
-#}

with users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        user_id,
        tenure_days,
        active_days,
        views,
        engagement_rate
    from users
    where
        tenure_days <= {{ var('audience_new_user_days', 30) }}
        and active_days >= {{ var('audience_engaged_min_active_days', 3) }}
)

select * from final
