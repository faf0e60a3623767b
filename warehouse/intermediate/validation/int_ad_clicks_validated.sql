with clicks as (
    select * from {{ ref('stg_platform__ad_clicks') }}
),

impressions as (
    select impression_id
    from {{ ref('int_ad_impressions_validated') }}
    where reject_reason is null
),

final as (
    select
        clicks.* exclude (reject_reason),
        coalesce(
            clicks.reject_reason,
            case when impressions.impression_id is null then 'unknown_impression' end
        ) as reject_reason
    from clicks
    left join impressions on clicks.impression_id = impressions.impression_id
)

select * from final
