{#- The ad hierarchy flattened for reports: ad -> ad group -> campaign -> advertiser, valid rows only. -#}

with ads as (
    select * from {{ ref('int_ads_validated') }}
),

ad_groups as (
    select * from {{ ref('int_ad_groups_validated') }}
),

campaigns as (
    select * from {{ ref('int_campaigns_validated') }}
),

advertisers as (
    select * from {{ ref('int_advertisers_validated') }}
),

final as (
    select
        ads.ad_id,
        ads.ad_name,
        ads.ad_format,
        ads.duration_seconds,
        ads.launched_at,
        ad_groups.ad_group_id,
        ad_groups.ad_group_name,
        ad_groups.placement,
        ad_groups.bid_strategy,
        ad_groups.target_age_band,
        campaigns.campaign_id,
        campaigns.campaign_name,
        advertisers.advertiser_id,
        advertisers.advertiser_name
    from ads
    inner join ad_groups on ads.ad_group_id = ad_groups.ad_group_id
    inner join campaigns on ad_groups.campaign_id = campaigns.campaign_id
    inner join advertisers on campaigns.advertiser_id = advertisers.advertiser_id
)

select * from final
