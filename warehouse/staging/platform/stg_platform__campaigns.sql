with source as (
    {{ staged_source('campaigns') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'daily_budget': 'double',
            'holdout_share': 'double',
        }) }} as unparseable_columns,
        campaign_id,
        advertiser_id,
        name as campaign_name,
        objective,
        lower(target_category) as target_category,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ safe_cast_to('daily_budget', 'double') }} as daily_budget,
        {{ safe_cast_to('holdout_share', 'double') }} as holdout_share,
        cast(row_number() over (partition by campaign_id order by name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when campaign_id is null or advertiser_id is null then 'missing_key'
            when start_date is null or end_date is null then 'unparseable_timestamp'
            when holdout_share < 0 or holdout_share >= 1 or end_date < start_date then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
