with source as (
    {{ staged_source('experiment_assignments') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'assignment_id': 'bigint',
            'user_id': 'bigint',
        }) }} as unparseable_columns,
        {{ safe_cast_to('assignment_id', 'bigint') }} as assignment_id,
        experiment_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        variant_id,
        {{ parse_timestamp('exposure_ts') }} as exposed_at,
        lower(device_os) as device_os,
        cast(export_date as date) as export_date,
        cast(row_number() over (
            partition by export_date, assignment_id order by exposure_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when assignment_id is null or experiment_id is null or user_id is null or variant_id is null
                then 'missing_key'
            when exposed_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('exposed_at') }} then 'future_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
