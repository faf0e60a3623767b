with source as (
    {{ staged_source('campaign_holdouts') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({'user_id': 'bigint'}) }} as unparseable_columns,
        campaign_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        lower(study_group) as study_group,
        {{ parse_timestamp('assigned_ts') }} as assigned_at,
        cast(row_number() over (
            partition by campaign_id, user_id order by assigned_ts
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when campaign_id is null or user_id is null then 'missing_key'
            when study_group not in ('treatment', 'holdout') then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
