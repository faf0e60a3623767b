-- Edit suggestions: each shot holding at least one significant dip, with its evidence and the peers'
-- typical rate.
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
        min_by(dips.second_index, dips.q_value) as strongest_dip_second
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
        sum(curve.exits) as exits_in_shot
    from shots
    inner join dip_shots
        on shots.video_id = dip_shots.video_id and shots.shot_index = dip_shots.shot_index
    inner join {{ ref('fct_video_retention_curve') }} as curve
        on shots.video_id = curve.video_id
        and curve.second_index between shots.first_second and shots.last_second
    group by all
),

peer_rates as (
    -- each peer's own leave share over the same seconds: the other eligible videos of the same category and
    -- length bucket that still have viewers at the shot's first second and a curve past its last
    select
        evidence.video_id,
        evidence.shot_index,
        peers.video_id as peer_video_id,
        1 - max(case when curve.second_index = evidence.last_second + 1 then curve.retention end)
        / nullif(max(case when curve.second_index = evidence.first_second then curve.retention end), 0)
            as peer_leave_share
    from evidence
    inner join {{ ref('fct_video_retention') }} as videos on evidence.video_id = videos.video_id
    inner join {{ ref('fct_video_retention') }} as peers
        on videos.category = peers.category
        and videos.length_bucket = peers.length_bucket
        and peers.is_peer_eligible
        and evidence.video_id != peers.video_id
    inner join {{ ref('fct_video_retention_curve') }} as curve
        on peers.video_id = curve.video_id
        and curve.second_index in (evidence.first_second, evidence.last_second + 1)
    group by evidence.video_id, evidence.shot_index, peers.video_id
    having
        count(*) = 2
        and max(case when curve.second_index = evidence.first_second then curve.retention end) > 0
),

typical as (
    select
        video_id,
        shot_index,
        count(*) as peer_videos,
        {{ quantile_cont('peer_leave_share', 0.5) }} as median_peer_leave_share
    from peer_rates
    group by video_id, shot_index
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
        coalesce(typical.peer_videos, 0) as peer_videos,
        evidence.exits_in_shot / nullif(evidence.viewers_at_shot_start, 0) as leave_share,
        -- fewer peers than min_peers: no typical rate, and the sentence names no comparison
        case
            when typical.peer_videos >= {{ var('creator_retention')['min_peers'] }}
                then typical.median_peer_leave_share
        end as typical_leave_share
    from evidence
    inner join dip_shots
        on evidence.video_id = dip_shots.video_id and evidence.shot_index = dip_shots.shot_index
    inner join {{ ref('fct_video_retention') }} as videos on evidence.video_id = videos.video_id
    left join typical on evidence.video_id = typical.video_id and evidence.shot_index = typical.shot_index
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
    cast(leave_share as double) as leave_share,
    cast(typical_leave_share as double) as typical_leave_share,
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
