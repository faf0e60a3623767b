{#- Per-video retention summary and relative retention against peers (same category and length bucket). -#}
{% set settings = var('creator_retention') %}

with views as (
    select
        video_id,
        creator_id,
        category,
        duration_seconds,
        watch_seconds,
        is_completed,
        {{ first_pass_seconds('watch_seconds', 'duration_seconds', 'is_completed') }} as first_pass_seconds
    from {{ ref('fct_watch_events') }}
    where duration_seconds > 0
),

per_video as (
    select
        video_id,
        any_value(creator_id) as creator_id,
        any_value(category) as category,
        any_value(duration_seconds) as duration_seconds,
        count(*) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        cast(sum(first_pass_seconds) as decimal(38, 3)) as first_pass_seconds,
        count(*) filter (where watch_seconds >= 3) as views_past_3s,
        count(*) filter (where watch_seconds >= 30) as views_past_30s,
        count(*) filter (where is_completed) as completed_views,
        count(*) filter (where watch_seconds > duration_seconds) as looped_views
    from views
    group by video_id
),

measured as (
    select
        *,
        {{ retention_length_bucket('duration_seconds') }} as length_bucket,
        cast(watch_seconds as double) / views as avg_view_duration_seconds,
        cast(watch_seconds as double) / views / duration_seconds as avg_percentage_viewed,
        cast(first_pass_seconds as double) / views / duration_seconds as first_pass_percentage_viewed,
        cast(views_past_3s as double) / views as hold_3s,
        cast(views_past_30s as double) / views as hold_30s,
        {{ completion_rate('completed_views', 'views') }} as completion_rate,
        cast(looped_views as double) / views as loop_rate,
        views >= {{ settings['min_views'] }} as is_peer_eligible
    from per_video
),

ranked as (
    select
        video_id,
        count(*) over (partition by category, length_bucket) as peer_videos,
        percent_rank() over (
            partition by category, length_bucket order by first_pass_percentage_viewed
        ) as peer_rank
    from measured
    where is_peer_eligible
),

final as (
    select
        measured.video_id,
        measured.creator_id,
        measured.category,
        measured.duration_seconds,
        measured.length_bucket,
        cast(measured.views as bigint) as views,
        measured.watch_seconds,
        measured.first_pass_seconds,
        cast(measured.views_past_3s as bigint) as views_past_3s,
        cast(measured.views_past_30s as bigint) as views_past_30s,
        cast(measured.completed_views as bigint) as completed_views,
        cast(measured.looped_views as bigint) as looped_views,
        measured.avg_view_duration_seconds,
        measured.avg_percentage_viewed,
        measured.first_pass_percentage_viewed,
        measured.hold_3s,
        measured.hold_30s,
        cast(measured.completion_rate as double) as completion_rate,
        measured.loop_rate,
        measured.is_peer_eligible,
        cast(coalesce(ranked.peer_videos, 0) as bigint) as peer_videos,
        case when ranked.peer_videos >= {{ settings['min_peers'] }} then ranked.peer_rank end
            as relative_retention_percentile
    from measured
    left join ranked on measured.video_id = ranked.video_id
)

select * from final
