{#-
  Sentiment of the comments on each ad per day, keyed by the ad hierarchy of dim_campaign_ads
  (advertiser, campaign, ad group). An ad missing from dim_campaign_ads keeps its row with NULL
  hierarchy keys, so the ad comments reconcile with fct_comment_sentiment.
-#}

with scores as (
    select * from {{ ref('fct_comment_sentiment') }}
    where ad_id is not null
),

ads as (
    select * from {{ ref('dim_campaign_ads') }}
),

daily as (
    select
        ad_id,
        comment_date as date_day,
        {{ sentiment_aggregates() }}
    from scores
    group by ad_id, comment_date
),

final as (
    select
        daily.date_day,
        ads.advertiser_id,
        ads.campaign_id,
        ads.ad_group_id,
        daily.ad_id,
        daily.comments,
        daily.positive_comments,
        daily.neutral_comments,
        daily.negative_comments,
        daily.sentiment_score_sum
    from daily
    left join ads on daily.ad_id = ads.ad_id
)

select * from final
