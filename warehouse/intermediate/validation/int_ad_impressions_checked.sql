with impressions as (
    select * from {{ ref('stg_platform__ad_impressions') }}
),

ads as (
    {{ valid_keys('int_ads_validated', ['ad_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        impressions.* {{ star_exclude() }} (reject_reason),
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
