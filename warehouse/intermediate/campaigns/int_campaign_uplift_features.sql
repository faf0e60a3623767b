{#-
  Uplift-model input: every user of a campaign's lift study with profile features from dim_users,
  the affinity to the campaign's target category, the treatment flag, the outcome (converted in the
  flight) and a deterministic train / evaluation split (`uplift_evaluation_share` of the users,
  chosen by a SHA-256 bucket of campaign and user (macro stable_bucket), so rebuilds and both engines pick
  the same users).
-#}
{%- set categories = var('categories') -%}

with study as (
    select * from {{ ref('int_campaign_lift_users') }}
),

campaigns as (
    select
        campaign_id,
        target_category
    from {{ ref('int_campaigns_validated') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        study.campaign_id,
        study.user_id,
        study.is_treatment,
        study.has_converted,
        study.conversions,
        users.age_band,
        users.country_code,
        users.region,
        users.device_os,
        users.language,
        users.tenure_days,
        users.active_days,
        users.views,
        case campaigns.target_category
            {% for category in categories %}
            when '{{ category }}' then users.affinity_{{ category }}
            {% endfor %}
        end as category_affinity,
        {{ stable_bucket("study.campaign_id || ':' || cast(study.user_id as string)", 1000) }}
        < {{ var('uplift_evaluation_share') }} * 1000 as is_evaluation
    from study
    inner join campaigns on study.campaign_id = campaigns.campaign_id
    left join users on study.user_id = users.user_id
)

select * from final
