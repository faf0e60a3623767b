with source as (
    select * from {{ source('platform', 'videos') }}
),

renamed as (
    select
        video_id,
        creator_id,
        lower(category) as category,
        duration_s as duration_seconds,
        hashtags,
        title,
        language,
        {{ parse_timestamp('published_ts') }} as published_at,
        row_number() over (partition by video_id order by published_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when video_id is null or creator_id is null then 'missing_key'
            when published_at is null then 'unparseable_timestamp'
            when duration_seconds is null or duration_seconds <= 0 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
