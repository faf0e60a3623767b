{#- Views per creator, day and traffic source: the creator's roll-up of fct_video_traffic_daily. -#}

with videos as (
    select * from {{ ref('fct_video_traffic_daily') }}
),

final as (
    select
        creator_id,
        event_date,
        traffic_source,
        {{ engagement_rollup(['views', 'watch_seconds', 'completed_views', 'follows']) }}
    from videos
    group by creator_id, event_date, traffic_source
)

select * from final
