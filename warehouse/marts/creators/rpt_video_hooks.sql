{#- The hook of every video against its category, computed once per build: a video page reads its rows by
    video_id instead of ranking every video of the platform per request (issue 19). -#}
{%- set hook = var('creator_hook') -%}
with videos as (
    select
        video_id,
        creator_id,
        category,
        is_peer_eligible
    from {{ ref('fct_video_retention') }}
),

curve as (
    select
        video_id,
        second_index,
        retention
    from {{ ref('fct_video_retention_curve') }}
    where second_index <= {{ hook.second }}
),

hooks as (
    select
        videos.video_id,
        videos.category,
        videos.is_peer_eligible,
        curve.retention as hook_retention
    from videos
    inner join curve on videos.video_id = curve.video_id and curve.second_index = {{ hook.second }}
),

ranked as (
    select
        video_id,
        category,
        row_number() over (partition by category order by hook_retention desc, video_id asc) as place,
        count(*) over (partition by category) as category_videos,
        percent_rank() over (partition by category order by hook_retention) as hook_rank
    from hooks
    where is_peer_eligible
),

best as (
    select video_id from ranked
    where place <= greatest(1, ceil({{ hook.best_share }} * category_videos))
),

category_seconds as (
    select
        ranked.category,
        curve.second_index,
        {{ quantile_cont("curve.retention", 0.5) }} as category_median,
        avg(curve.retention) filter (where best.video_id is not null) as category_best,
        count(distinct curve.video_id) as category_videos,
        count(distinct curve.video_id) filter (where best.video_id is not null) as best_videos
    from curve
    inner join ranked on curve.video_id = ranked.video_id
    left join best on curve.video_id = best.video_id
    group by ranked.category, curve.second_index
),

final as (
    select
        curve.video_id,
        curve.second_index,
        videos.creator_id,
        videos.category,
        curve.retention,
        category_seconds.category_median,
        category_seconds.category_best,
        coalesce(category_seconds.category_videos, 0) as category_videos,
        coalesce(category_seconds.best_videos, 0) as best_videos,
        ranked.hook_rank,
        cast({{ hook.second }} as integer) as hook_second,
        cast({{ hook.best_share }} as double) as best_share
    from curve
    inner join videos on curve.video_id = videos.video_id
    left join category_seconds
        on videos.category = category_seconds.category and curve.second_index = category_seconds.second_index
    left join ranked on curve.video_id = ranked.video_id
)

-- sorted by the key pages read it by: DuckDB's per-row-group min/max then skip all other videos' rows
select * from final
order by video_id, second_index
