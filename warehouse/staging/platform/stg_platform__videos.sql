with source as (
    {{ staged_source('videos') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'video_id': 'bigint',
            'creator_id': 'bigint',
            'duration_s': 'integer',
        }) }} as unparseable_columns,
        {{ safe_cast_to('video_id', 'bigint') }} as video_id,
        {{ safe_cast_to('creator_id', 'bigint') }} as creator_id,
        lower(category) as category,
        {{ safe_cast_to('duration_s', 'integer') }} as duration_seconds,
        hashtags,
        title,
        language,
        {{ parse_timestamp('published_ts') }} as published_at,
        cast(row_number() over (partition by video_id order by published_ts) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when video_id is null or creator_id is null then 'missing_key'
            when published_at is null then 'unparseable_timestamp'
            when duration_seconds is null or duration_seconds <= 0 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
