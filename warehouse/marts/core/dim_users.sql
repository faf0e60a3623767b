{%- set categories = var('categories') -%}

with users as (
    select * from {{ ref('int_users_validated') }}
),

events as (
    select * from {{ ref('fct_watch_events') }}
),

window_end as (
    select max(event_date) as as_of_date from events
),

activity as (
    select
        user_id,
        min(event_date) as first_active_date,
        max(event_date) as last_active_date,
        count(distinct event_date) as active_days,
        count(*) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        count(*) filter (where is_completed) as completed_views,
        count(*) filter (where is_liked) as likes,
        count(*) filter (where is_shared) as shares,
        count(*) filter (where is_followed) as follows,
        {% for category in categories %}
        sum(watch_seconds) filter (where category = '{{ category }}')
            as watch_seconds_{{ category }}{{ "," if not loop.last }}
        {% endfor %}
    from events
    group by user_id
),

by_category as (
    select user_id, category, sum(watch_seconds) as category_watch_seconds
    from events
    group by user_id, category
),

top_category as (
    select user_id, category as top_category
    from by_category
    qualify row_number() over (partition by user_id order by category_watch_seconds desc, category) = 1
),

comments as (
    select user_id, count(*) as comments
    from {{ ref('fct_comments') }}
    group by user_id
),

sentiment as (
    select * from {{ ref('int_user_sentiment_summarised') }}
),

final as (
    select
        users.user_id,
        users.signed_up_at,
        users.country_code,
        users.region,
        users.gender,
        users.birth_year,
        case
            when users.birth_year is null then 'unknown'
            when window_end.as_of_date is null then 'unknown'
            when year(window_end.as_of_date) - users.birth_year < 18 then '13-17'
            when year(window_end.as_of_date) - users.birth_year < 25 then '18-24'
            when year(window_end.as_of_date) - users.birth_year < 35 then '25-34'
            when year(window_end.as_of_date) - users.birth_year < 45 then '35-44'
            else '45+'
        end as age_band,
        users.device_os,
        users.language,
        cast(
            {{ dbt.datediff('cast(users.signed_up_at as date)', 'window_end.as_of_date', 'day') }} as bigint  -- noqa: LT05
        ) as tenure_days,
        activity.first_active_date,
        activity.last_active_date,
        coalesce(activity.active_days, 0) as active_days,
        coalesce(activity.views, 0) as views,
        coalesce(activity.watch_seconds, 0) as watch_seconds,
        coalesce(activity.completed_views, 0) as completed_views,
        coalesce(activity.likes, 0) as likes,
        coalesce(comments.comments, 0) as comments,
        coalesce(activity.shares, 0) as shares,
        coalesce(activity.follows, 0) as follows,
        {{ completion_rate('coalesce(activity.completed_views, 0)', 'activity.views') }} as completion_rate,
        {{ engagement_rate('coalesce(activity.likes, 0)', 'coalesce(comments.comments, 0)',
                           'coalesce(activity.shares, 0)', 'coalesce(activity.follows, 0)', 'activity.views') }}
            as engagement_rate,
        top_category.top_category,
        {% for category in categories %}
        coalesce({{ safe_divide('activity.watch_seconds_' ~ category, 'activity.watch_seconds') }}, 0)
            as affinity_{{ category }},
        {% endfor %}
        coalesce(sentiment.positive_comments, 0) as positive_comments,
        coalesce(sentiment.neutral_comments, 0) as neutral_comments,
        coalesce(sentiment.negative_comments, 0) as negative_comments,
        sentiment.sentiment_score_mean,
        {% for category in categories %}
        sentiment.sentiment_{{ category }}{{ "," if not loop.last }}
        {% endfor %}
    from users
    cross join window_end
    left join activity on users.user_id = activity.user_id
    left join top_category on users.user_id = top_category.user_id
    left join comments on users.user_id = comments.user_id
    left join sentiment on users.user_id = sentiment.user_id
)

select * from final
