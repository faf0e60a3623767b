with source as (
    select * from {{ source('platform', 'ads') }}
),

renamed as (
    select
        ad_id,
        ad_group_id,
        name as ad_name,
        format as ad_format,
        duration_s as duration_seconds,
        {{ parse_timestamp('launched_ts') }} as launched_at,
        row_number() over (partition by ad_id order by name) as copy_number
    from source
),

final as (
    select
        *,
        case
            when ad_id is null or ad_group_id is null then 'missing_key'
            when launched_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
