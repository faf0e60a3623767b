{#- Views per creator, day and traffic source: the creator's roll-up of fct_video_traffic_daily. -#}

with videos as (
    select * from {{ ref('fct_video_traffic_daily') }}
),

final as (
    select
        creator_id,
        event_date,
        traffic_source,
        cast(sum(views) as bigint) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        cast(sum(completed_views) as bigint) as completed_views,
        cast(sum(follows) as bigint) as follows
    from videos
    group by creator_id, event_date, traffic_source
)

select * from final
