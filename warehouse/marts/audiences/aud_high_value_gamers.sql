{#-
  High-value gamers: gaming fans who are among the heaviest viewers (watch time at or above the
  `audience_heavy_viewer_quantile` of all users with views): the most ad inventory per member.
-#}

with users as (
    select * from {{ ref('dim_users') }}
),

heavy as (
    select
        {{ quantile_cont('watch_seconds', var('audience_heavy_viewer_quantile', 0.75)) }} as min_watch_seconds
    from users
    where views > 0
),

final as (
    select
        users.user_id,
        users.affinity_gaming,
        users.watch_seconds,
        users.views,
        users.engagement_rate
    from users
    cross join heavy
    where
        users.affinity_gaming >= {{ var('audience_fan_min_affinity', 0.3) }}
        and users.watch_seconds >= heavy.min_watch_seconds
)

select * from final
