with source as (
    {{ staged_source('conversions') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'conversion_id': 'bigint',
            'user_id': 'bigint',
            'value': 'decimal(18, 2)',
        }) }} as unparseable_columns,
        {{ safe_cast_to('conversion_id', 'bigint') }} as conversion_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        advertiser_id,
        {{ parse_timestamp('conversion_ts') }} as converted_at,
        event_name,
        {{ safe_cast_to('value', 'decimal(18, 2)') }} as conversion_value,
        upper(currency) as currency,
        cast(export_date as date) as export_date,
        cast(row_number() over (
            partition by export_date, conversion_id order by conversion_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when conversion_id is null or user_id is null or advertiser_id is null then 'missing_key'
            when converted_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('converted_at') }} then 'future_timestamp'
            when conversion_value is null or conversion_value < 0 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
