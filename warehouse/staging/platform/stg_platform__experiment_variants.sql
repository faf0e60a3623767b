with source as (
    select * from {{ source('platform', 'experiment_variants') }}
),

renamed as (
    select
        variant_id,
        experiment_id,
        variant_name,
        weight as traffic_weight,
        is_control,
        row_number() over (partition by variant_id order by variant_name) as copy_number
    from source
),

final as (
    select
        *,
        case
            when variant_id is null or experiment_id is null then 'missing_key'
            when traffic_weight is null or traffic_weight <= 0 or traffic_weight > 1 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
