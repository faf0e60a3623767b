with source as (
    {{ staged_source('advertisers') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        cast(null as string) as unparseable_columns,
        advertiser_id,
        name as advertiser_name,
        lower(industry) as industry,
        upper(country) as country_code,
        cast(row_number() over (partition by advertiser_id order by name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when advertiser_id is null then 'missing_key'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
