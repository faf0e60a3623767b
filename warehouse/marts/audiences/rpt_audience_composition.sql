{#-
  Who is in each audience: members per audience by country and region, age band, top category and comment
  sentiment (the user's mean comment sentiment score bucketed at +/- var audience_positive_min_sentiment),
  beside the same breakdown of all users for comparison.
-#}

with members as (
    {{ audience_members() }}
    union all
    select
        '(all users)' as audience_name,
        user_id
    from {{ ref('dim_users') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

profiled as (
    select
        members.audience_name,
        members.user_id,
        coalesce(users.country_code, 'unknown') || ' / ' || coalesce(users.region, 'unknown') as region,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.top_category, 'none') as top_category,
        case
            when users.sentiment_score_mean is null then 'no comments'
            when
                users.sentiment_score_mean >= {{ var('audience_positive_min_sentiment', 0.2) }}
                then 'positive'
            when
                users.sentiment_score_mean <= -{{ var('audience_positive_min_sentiment', 0.2) }}
                then 'negative'
            else 'neutral'
        end as sentiment
    from members
    inner join users on members.user_id = users.user_id
),

unpivoted as (
    select
        audience_name,
        user_id,
        'region' as dimension,
        region as dimension_value
    from profiled
    union all
    select
        audience_name,
        user_id,
        'age_band' as dimension,
        age_band as dimension_value
    from profiled
    union all
    select
        audience_name,
        user_id,
        'top_category' as dimension,
        top_category as dimension_value
    from profiled
    union all
    select
        audience_name,
        user_id,
        'sentiment' as dimension,
        sentiment as dimension_value
    from profiled
),

final as (
    select
        audience_name,
        dimension,
        dimension_value,
        cast(count(distinct user_id) as bigint) as members
    from unpivoted
    group by audience_name, dimension, dimension_value
)

select * from final
