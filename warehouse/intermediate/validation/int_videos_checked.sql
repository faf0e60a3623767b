with videos as (
    select * from {{ ref('stg_platform__videos') }}
),

creators as (
    {{ valid_keys('int_creators_validated', ['creator_id']) }}
),

final as (
    select
        videos.* {{ star_exclude() }} (reject_reason),
        coalesce(
            videos.reject_reason,
            case when creators.creator_id is null then 'unknown_creator' end
        ) as reject_reason
    from videos
    left join creators on videos.creator_id = creators.creator_id
)

select * from final
