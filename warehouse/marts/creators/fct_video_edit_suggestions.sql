-- Edit suggestions: each shot holding at least one significant dip, with its evidence and the peers' rate.
with dips as (
    select
        video_id,
        second_index,
        views_at_risk,
        exits,
        hazard_ratio,
        q_value
    from {{ ref('fct_video_key_moments') }}
    where moment_type = 'dip'
),

shots as (
    select
        video_id,
        shot_index,
        start_seconds,
        end_seconds,
        cast(floor(start_seconds) as integer) as first_second,
        -- the last whole second inside the shot (a shot shorter than a second keeps its first)
        greatest(cast(floor(start_seconds) as integer), cast(ceil(end_seconds) as integer) - 1) as last_second
    from {{ ref('fct_video_shots') }}
),

dip_shots as (
    -- a dip second belongs to the shot holding its middle
    select
        shots.video_id,
        shots.shot_index,
        count(*) as dips,
        min(dips.q_value) as min_q_value,
        max(dips.hazard_ratio) as max_hazard_ratio,
        arg_min(dips.second_index, dips.q_value) as strongest_dip_second
    from dips
    inner join shots
        on dips.video_id = shots.video_id
        and dips.second_index + 0.5 >= shots.start_seconds
        and dips.second_index + 0.5 < shots.end_seconds
    group by shots.video_id, shots.shot_index
),

evidence as (
    select
        shots.video_id,
        shots.shot_index,
        shots.start_seconds,
        shots.end_seconds,
        shots.first_second,
        shots.last_second,
        max(case when curve.second_index = shots.first_second then curve.views_at_risk end)
            as viewers_at_shot_start,
        sum(curve.exits) as exits_in_shot,
        max(case when curve.second_index = shots.first_second then curve.peer_retention_median end)
            as peer_retention_at_start,
        max(case when curve.second_index = shots.last_second + 1 then curve.peer_retention_median end)
            as peer_retention_after,
        max(curve.peer_videos) as peer_videos
    from shots
    inner join dip_shots
        on shots.video_id = dip_shots.video_id and shots.shot_index = dip_shots.shot_index
    inner join {{ ref('fct_video_retention_curve') }} as curve
        on shots.video_id = curve.video_id
        and curve.second_index between shots.first_second and shots.last_second
    group by all
),

rated as (
    select
        evidence.*,
        dip_shots.dips,
        dip_shots.strongest_dip_second,
        dip_shots.min_q_value,
        dip_shots.max_hazard_ratio,
        videos.category,
        videos.length_bucket,
        videos.views,
        evidence.exits_in_shot / nullif(evidence.viewers_at_shot_start, 0) as leave_share,
        1 - evidence.peer_retention_after / nullif(evidence.peer_retention_at_start, 0) as typical_leave_share
    from evidence
    inner join dip_shots
        on evidence.video_id = dip_shots.video_id and evidence.shot_index = dip_shots.shot_index
    inner join {{ ref('fct_video_retention') }} as videos on evidence.video_id = videos.video_id
)

select
    cast(video_id as bigint) as video_id,
    cast(shot_index as integer) as shot_index,
    cast(start_seconds as double) as start_seconds,
    cast(end_seconds as double) as end_seconds,
    cast(dips as integer) as dips,
    cast(strongest_dip_second as integer) as strongest_dip_second,
    cast(viewers_at_shot_start as bigint) as viewers_at_shot_start,
    cast(exits_in_shot as bigint) as exits_in_shot,
    cast(min_q_value as double) as min_q_value,
    cast(max_hazard_ratio as double) as max_hazard_ratio,
    cast(category as string) as category,
    cast(length_bucket as string) as length_bucket,
    cast(peer_videos as bigint) as peer_videos,
    cast(peer_retention_at_start as double) as peer_retention_at_start,
    cast(peer_retention_after as double) as peer_retention_after,
    cast(
        'Trim ' || {{ mmss('start_seconds') }} || '-' || {{ mmss('end_seconds') }}
        || ' (shot ' || shot_index || '): '
        || cast(round(100 * leave_share) as integer) || '% of viewers leave there'
        || case
            when typical_leave_share > 0
                then
                    ', ' || printf('%.1f', leave_share / typical_leave_share) || 'x the typical rate for '
                    || length_bucket || ' videos in ' || category
            else ''
        end
        as string
    ) as suggestion
from rated
