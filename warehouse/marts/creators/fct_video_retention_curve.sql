{#- Per-second retention curve of every viewed video, with the peer band at the same second. -#}
with views as (
    select
        video_id,
        duration_seconds,
        watch_seconds,
        {{ first_pass_seconds('watch_seconds', 'duration_seconds', 'is_completed') }} as first_pass_seconds
    from {{ ref('fct_watch_events') }}
    where duration_seconds > 0
),

videos as (
    select
        video_id,
        category,
        length_bucket,
        duration_seconds,
        views,
        is_peer_eligible
    from {{ ref('fct_video_retention') }}
),

first_pass_ends as (
    -- a first pass ending at 12.4 s left within second 12; a completed first pass "ends" at the duration
    select
        video_id,
        cast(floor(first_pass_seconds) as integer) as second_index,
        count(*) as ends
    from views
    group by video_id, cast(floor(first_pass_seconds) as integer)
),

replay_ends as (
    -- a loop that got 4.2 s into its second pass replayed seconds 0..4
    select
        video_id,
        cast(floor(least(watch_seconds - duration_seconds, duration_seconds)) as integer) as second_index,
        count(*) as ends
    from views
    where watch_seconds > duration_seconds
    group by video_id, cast(floor(least(watch_seconds - duration_seconds, duration_seconds)) as integer)
),

seconds as (
    select
        video_id,
        {{ unnest_range('duration_seconds') }} as second_index
    from videos
),

curve as (
    select
        seconds.video_id,
        seconds.second_index,
        videos.duration_seconds,
        videos.views,
        cast(sum(coalesce(first_pass_ends.ends, 0)) over later as bigint) as views_at_risk,
        cast(case
            when seconds.second_index < videos.duration_seconds then coalesce(first_pass_ends.ends, 0)
            else 0
        end as bigint) as exits,
        cast(sum(coalesce(replay_ends.ends, 0)) over later as bigint) as views_replaying
    from seconds
    inner join videos on seconds.video_id = videos.video_id
    left join first_pass_ends
        on seconds.video_id = first_pass_ends.video_id and seconds.second_index = first_pass_ends.second_index
    left join replay_ends
        on seconds.video_id = replay_ends.video_id and seconds.second_index = replay_ends.second_index
    window later as (
        partition by seconds.video_id order by seconds.second_index desc
        rows between unbounded preceding and current row
    )
),

with_share as (
    select
        curve.*,
        videos.category,
        videos.length_bucket,
        videos.is_peer_eligible,
        cast(curve.views_at_risk as double) / curve.views as retention
    from curve
    inner join videos on curve.video_id = videos.video_id
),

peer_band as (
    select
        category,
        length_bucket,
        second_index,
        count(*) as peer_videos,
        {{ quantile_cont('retention', 0.25) }} as peer_retention_p25,
        {{ quantile_cont('retention', 0.5) }} as peer_retention_median,
        {{ quantile_cont('retention', 0.75) }} as peer_retention_p75
    from with_share
    where is_peer_eligible
    group by category, length_bucket, second_index
),

final as (
    select
        with_share.video_id,
        cast(with_share.second_index as integer) as second_index,
        with_share.duration_seconds,
        cast(with_share.views as bigint) as views,
        with_share.views_at_risk,
        with_share.exits,
        with_share.views_replaying,
        with_share.retention,
        cast(coalesce(peer_band.peer_videos, 0) as bigint) as peer_videos,
        case
            when peer_band.peer_videos >= {{ var('creator_retention')['min_peers'] }}
                then peer_band.peer_retention_p25
        end as peer_retention_p25,
        case
            when peer_band.peer_videos >= {{ var('creator_retention')['min_peers'] }}
                then peer_band.peer_retention_median
        end as peer_retention_median,
        case
            when peer_band.peer_videos >= {{ var('creator_retention')['min_peers'] }}
                then peer_band.peer_retention_p75
        end as peer_retention_p75
    from with_share
    left join peer_band
        on with_share.category = peer_band.category
        and with_share.length_bucket = peer_band.length_bucket
        and with_share.second_index = peer_band.second_index
)

select * from final
