{#-
  Who gets recommendations, and what the model knows about them. One row per valid user (dim_users)
  with segment (region, age band), profile category affinities and the day of their latest view.
  Active = viewed a video in the last `recommendation_active_days` days of data (counted back from
  the newest event day, not from today, so a rebuild of old data selects the same users).
-#}

{%- set categories = var('categories') -%}

with users as (
    select * from {{ ref('dim_users') }}
),

window_end as (
    select max(event_date) as as_of_date from {{ ref('fct_watch_events') }}
),

final as (
    select
        users.user_id,
        users.region,
        users.age_band,
        {% for category in categories %}
        users.affinity_{{ category }},
        {% endfor %}
        users.last_active_date,
        window_end.as_of_date,
        coalesce(
            users.last_active_date
            > window_end.as_of_date - interval {{ var('recommendation_active_days') }} day,
            false
        ) as is_active
    from users
    cross join window_end
)

select * from final
