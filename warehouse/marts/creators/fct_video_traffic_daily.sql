{#- Views per video, day and traffic source (issue 17): additive counts, ratios at query time. -#}

with events as (
    select * from {{ ref('fct_watch_events') }}
),

final as (
    select
        video_id,
        any_value(creator_id) as creator_id,
        any_value(category) as category,
        event_date,
        traffic_source,
        count(*) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        count(*) filter (where is_completed) as completed_views,
        count(*) filter (where is_followed) as follows
    from events
    group by video_id, event_date, traffic_source
)

select * from final
