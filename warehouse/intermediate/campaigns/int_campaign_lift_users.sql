{#-
  The lift study per user: every user randomised into a campaign's study (treatment or holdout,
  intention to treat: exposed or not) with the advertiser's conversions during the campaign flight.
  Outcomes are all conversions of the advertiser in the flight, attributed or not: the randomisation
  makes the holdout difference causal without any attribution rule.
-#}

with holdouts as (
    select
        campaign_id,
        user_id,
        study_group
    from {{ ref('int_campaign_holdouts_validated') }}
),

campaigns as (
    select
        campaign_id,
        advertiser_id,
        start_date,
        end_date
    from {{ ref('int_campaigns_validated') }}
),

conversions as (
    select
        user_id,
        advertiser_id,
        date_day,
        conversion_value
    from {{ ref('int_conversions_attributed') }}
),

outcomes as (
    select
        holdouts.campaign_id,
        holdouts.user_id,
        count(*) as conversions,
        sum(conversions.conversion_value) as conversion_value
    from holdouts
    inner join campaigns on holdouts.campaign_id = campaigns.campaign_id
    inner join conversions
        on holdouts.user_id = conversions.user_id
        and campaigns.advertiser_id = conversions.advertiser_id
        and conversions.date_day between campaigns.start_date and campaigns.end_date
    group by holdouts.campaign_id, holdouts.user_id
),

final as (
    select
        holdouts.campaign_id,
        campaigns.advertiser_id,
        holdouts.user_id,
        holdouts.study_group,
        holdouts.study_group = 'treatment' as is_treatment,
        coalesce(outcomes.conversions, 0) as conversions,
        coalesce(outcomes.conversion_value, 0) as conversion_value,
        coalesce(outcomes.conversions, 0) > 0 as has_converted
    from holdouts
    inner join campaigns on holdouts.campaign_id = campaigns.campaign_id
    left join outcomes
        on holdouts.campaign_id = outcomes.campaign_id
        and holdouts.user_id = outcomes.user_id
)

select * from final
