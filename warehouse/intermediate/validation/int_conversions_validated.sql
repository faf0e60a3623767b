with conversions as (
    select * from {{ ref('stg_platform__conversions') }}
),

advertisers as (
    select advertiser_id
    from {{ ref('stg_platform__advertisers') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        conversions.* exclude (reject_reason),
        coalesce(
            conversions.reject_reason,
            case
                when advertisers.advertiser_id is null then 'unknown_advertiser'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from conversions
    left join advertisers on conversions.advertiser_id = advertisers.advertiser_id
    left join users on conversions.user_id = users.user_id
)

select * from final
