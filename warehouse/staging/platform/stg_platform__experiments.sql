with source as (
    {{ staged_source('experiments') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        cast(null as string) as unparseable_columns,
        experiment_id,
        name as experiment_name,
        hypothesis,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        cast(row_number() over (partition by experiment_id order by name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when experiment_id is null then 'missing_key'
            when start_date is null or end_date is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
