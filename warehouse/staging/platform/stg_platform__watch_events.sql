with source as (
    select * from {{ source('platform', 'watch_events') }}
),

renamed as (
    select
        event_id,
        user_id,
        video_id,
        {{ parse_timestamp('event_ts') }} as event_at,
        {{ safe_cast_to('watch_seconds', 'decimal(18, 3)') }} as watch_seconds,
        completed as is_completed,
        liked as is_liked,
        shared as is_shared,
        followed as is_followed,
        lower(device_os) as device_os,
        cast(export_date as date) as export_date,
        event_ts as event_ts_raw,
        -- a re-sent batch repeats rows within an export day; the first copy is kept
        row_number() over (partition by export_date, event_id order by event_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when event_id is null or user_id is null or video_id is null then 'missing_key'
            when event_at is null then 'unparseable_timestamp'
            when watch_seconds is null or watch_seconds < 0 or watch_seconds > 10800 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
