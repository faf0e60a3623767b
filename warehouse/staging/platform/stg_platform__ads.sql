with source as (
    {{ staged_source('ads') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({'duration_s': 'integer'}) }} as unparseable_columns,
        ad_id,
        ad_group_id,
        name as ad_name,
        format as ad_format,
        {{ safe_cast_to('duration_s', 'integer') }} as duration_seconds,
        {{ parse_timestamp('launched_ts') }} as launched_at,
        cast(row_number() over (partition by ad_id order by name) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when ad_id is null or ad_group_id is null then 'missing_key'
            when launched_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
