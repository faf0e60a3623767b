with source as (
    {{ staged_source('ad_clicks') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'click_id': 'bigint',
            'impression_id': 'bigint',
            'user_id': 'bigint',
        }) }} as unparseable_columns,
        {{ safe_cast_to('click_id', 'bigint') }} as click_id,
        {{ safe_cast_to('impression_id', 'bigint') }} as impression_id,
        ad_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        {{ parse_timestamp('click_ts') }} as clicked_at,
        cast(export_date as date) as export_date,
        cast(row_number() over (
            partition by export_date, click_id order by click_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when click_id is null or impression_id is null or user_id is null then 'missing_key'
            when clicked_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('clicked_at') }} then 'future_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
