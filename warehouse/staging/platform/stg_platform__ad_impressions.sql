with source as (
    select * from {{ source('platform', 'ad_impressions') }}
),

renamed as (
    select
        impression_id,
        ad_id,
        user_id,
        {{ parse_timestamp('impression_ts') }} as impression_at,
        {{ safe_cast_to('cost', 'decimal(18, 6)') }} as cost,
        {{ safe_cast_to('watch_seconds', 'decimal(18, 3)') }} as watch_seconds,
        ad_duration_s as ad_duration_seconds,
        liked as is_liked,
        commented as is_commented,
        shared as is_shared,
        followed as is_followed,
        cast(export_date as date) as export_date,
        row_number() over (partition by export_date, impression_id order by impression_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when impression_id is null or ad_id is null or user_id is null then 'missing_key'
            when impression_at is null then 'unparseable_timestamp'
            when cost is null or cost < 0 or watch_seconds < 0 then 'out_of_range'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
