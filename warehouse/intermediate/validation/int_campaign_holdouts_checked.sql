with holdouts as (
    select * from {{ ref('stg_platform__campaign_holdouts') }}
),

campaigns as (
    {{ valid_keys('int_campaigns_validated', ['campaign_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        holdouts.* {{ star_exclude() }} (reject_reason),
        coalesce(
            holdouts.reject_reason,
            case
                when campaigns.campaign_id is null then 'unknown_campaign'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from holdouts
    left join campaigns on holdouts.campaign_id = campaigns.campaign_id
    left join users on holdouts.user_id = users.user_id
)

select * from final
