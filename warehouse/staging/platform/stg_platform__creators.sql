with source as (
    select * from {{ source('platform', 'creators') }}
),

renamed as (
    select
        creator_id,
        handle,
        lower(primary_category) as primary_category,
        {{ parse_timestamp('joined_ts') }} as joined_at,
        coalesce(verified, false) as is_verified,
        row_number() over (partition by creator_id order by joined_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when creator_id is null then 'missing_key'
            when joined_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
