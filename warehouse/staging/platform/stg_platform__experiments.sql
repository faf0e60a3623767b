with source as (
    select * from {{ source('platform', 'experiments') }}
),

renamed as (
    select
        experiment_id,
        name as experiment_name,
        hypothesis,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        row_number() over (partition by experiment_id order by name) as copy_number
    from source
),

final as (
    select
        *,
        case
            when experiment_id is null then 'missing_key'
            when start_date is null or end_date is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
