with source as (
    {{ staged_source('ad_groups') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        cast(null as string) as unparseable_columns,
        ad_group_id,
        campaign_id,
        name as ad_group_name,
        placement,
        bid_strategy,
        target_age_band,
        cast(row_number() over (partition by ad_group_id order by name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when ad_group_id is null or campaign_id is null then 'missing_key'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
