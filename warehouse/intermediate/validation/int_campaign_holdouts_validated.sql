with holdouts as (
    select * from {{ ref('stg_platform__campaign_holdouts') }}
),

campaigns as (
    select campaign_id
    from {{ ref('stg_platform__campaigns') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        holdouts.* exclude (reject_reason),
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
