{#- Per video and audience (the viewer's country): the views of the video's first 48 hours, the input of
    rpt_category_audience_posting_times (docs/creator-studio.md, "Best time to post"). -#}

with videos as (
    select
        video_id,
        category,
        published_at
    from {{ ref('dim_videos') }}
    where published_at is not null
),

viewers as (
    select
        user_id,
        coalesce(country_code, 'unknown') as audience
    from {{ ref('int_users_validated') }}
),

final as (
    select
        videos.video_id,
        videos.category,
        cast(extract(hour from videos.published_at) as integer) as publish_hour,
        coalesce(viewers.audience, 'unknown') as audience,
        cast(count(*) as bigint) as early_views,
        cast(count(*) filter (where events.is_completed) as bigint) as early_completed_views
    from {{ ref('fct_watch_events') }} as events
    inner join videos on events.video_id = videos.video_id
    left join viewers on events.user_id = viewers.user_id
    where {{ is_early_view('events.event_at', 'videos.published_at') }}
    group by videos.video_id, videos.category, videos.published_at, coalesce(viewers.audience, 'unknown')
)

select * from final
