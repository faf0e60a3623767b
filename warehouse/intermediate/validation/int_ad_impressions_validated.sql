with impressions as (
    select * from {{ ref('stg_platform__ad_impressions') }}
),

ads as (
    select ad_id
    from {{ ref('stg_platform__ads') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        impressions.* exclude (reject_reason),
        coalesce(
            impressions.reject_reason,
            case
                when ads.ad_id is null then 'unknown_ad'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from impressions
    left join ads on impressions.ad_id = ads.ad_id
    left join users on impressions.user_id = users.user_id
)

select * from final
