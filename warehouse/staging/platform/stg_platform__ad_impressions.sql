with source as (
    {{ staged_source('ad_impressions') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'impression_id': 'bigint',
            'user_id': 'bigint',
            'cost': 'decimal(18, 6)',
            'watch_seconds': 'decimal(18, 3)',
            'ad_duration_s': 'integer',
            'liked': 'boolean',
            'commented': 'boolean',
            'shared': 'boolean',
            'followed': 'boolean',
        }) }} as unparseable_columns,
        {{ safe_cast_to('impression_id', 'bigint') }} as impression_id,
        ad_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        {{ parse_timestamp('impression_ts') }} as impression_at,
        {{ safe_cast_to('cost', 'decimal(18, 6)') }} as cost,
        {{ safe_cast_to('watch_seconds', 'decimal(18, 3)') }} as watch_seconds,
        {{ safe_cast_to('ad_duration_s', 'integer') }} as ad_duration_seconds,
        {{ safe_cast_to('liked', 'boolean') }} as is_liked,
        {{ safe_cast_to('commented', 'boolean') }} as is_commented,
        {{ safe_cast_to('shared', 'boolean') }} as is_shared,
        {{ safe_cast_to('followed', 'boolean') }} as is_followed,
        cast(export_date as date) as export_date,
        cast(row_number() over (
            partition by export_date, impression_id order by impression_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when impression_id is null or ad_id is null or user_id is null then 'missing_key'
            when impression_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('impression_at') }} then 'future_timestamp'
            when cost is null or cost < 0 or watch_seconds < 0 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
