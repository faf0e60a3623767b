with source as (
    {{ staged_source('experiment_variants') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'weight': 'double',
            'is_control': 'boolean',
        }) }} as unparseable_columns,
        variant_id,
        experiment_id,
        variant_name,
        {{ safe_cast_to('weight', 'double') }} as traffic_weight,
        {{ safe_cast_to('is_control', 'boolean') }} as is_control,
        cast(row_number() over (partition by variant_id order by variant_name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when variant_id is null or experiment_id is null then 'missing_key'
            when traffic_weight is null or traffic_weight <= 0 or traffic_weight > 1 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
