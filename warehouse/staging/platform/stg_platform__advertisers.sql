with source as (
    select * from {{ source('platform', 'advertisers') }}
),

renamed as (
    select
        advertiser_id,
        name as advertiser_name,
        lower(industry) as industry,
        upper(country) as country_code,
        row_number() over (partition by advertiser_id order by name) as copy_number
    from source
),

final as (
    select
        *,
        case
            when advertiser_id is null then 'missing_key'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
