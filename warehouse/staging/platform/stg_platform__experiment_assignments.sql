with source as (
    select * from {{ source('platform', 'experiment_assignments') }}
),

renamed as (
    select
        assignment_id,
        experiment_id,
        user_id,
        variant_id,
        {{ parse_timestamp('exposure_ts') }} as exposed_at,
        lower(device_os) as device_os,
        cast(export_date as date) as export_date,
        row_number() over (partition by export_date, assignment_id order by exposure_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when assignment_id is null or experiment_id is null or user_id is null or variant_id is null
                then 'missing_key'
            when exposed_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
