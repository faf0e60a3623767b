with source as (
    {{ staged_source('watch_events') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'event_id': 'bigint',
            'user_id': 'bigint',
            'video_id': 'bigint',
            'watch_seconds': 'decimal(18, 3)',
            'completed': 'boolean',
            'liked': 'boolean',
            'shared': 'boolean',
            'followed': 'boolean',
        }) }} as unparseable_columns,
        {{ safe_cast_to('event_id', 'bigint') }} as event_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        {{ safe_cast_to('video_id', 'bigint') }} as video_id,
        {{ parse_timestamp('event_ts') }} as event_at,
        {{ safe_cast_to('watch_seconds', 'decimal(18, 3)') }} as watch_seconds,
        {{ safe_cast_to('completed', 'boolean') }} as is_completed,
        {{ safe_cast_to('liked', 'boolean') }} as is_liked,
        {{ safe_cast_to('shared', 'boolean') }} as is_shared,
        {{ safe_cast_to('followed', 'boolean') }} as is_followed,
        lower(device_os) as device_os,
        {{ normalised_traffic_source('traffic_source') }} as traffic_source,
        cast(export_date as date) as export_date,
        event_ts as event_ts_raw,
        -- a re-sent batch repeats rows within an export day; the first copy is kept (earliest timestamp,
        -- then the first file by name, so a re-delivered file is the one whose rows read duplicate, build
        -- after build)
        cast(row_number() over (
            partition by export_date, event_id order by event_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when event_id is null or user_id is null or video_id is null then 'missing_key'
            when event_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('event_at') }} then 'future_timestamp'
            when watch_seconds is null or watch_seconds < 0 or watch_seconds > 10800 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
