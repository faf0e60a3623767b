{#-
  The recommender's implicit feedback: one row per user x video that the user watched, with what the
  views say (count, best completion, like / share / follow on any view, first and last view) and how
  the user felt about the video in comments (mean sentiment_score of their comments on it, NULL when
  they did not comment). A comment on a video the user never watched is not an interaction and is
  left out. Item features (int_video_features_summarised) and the user's profile (dim_users) are
  joined on so that one table explains every weight the model learns from.
-#}

{%- set categories = var('categories') -%}

with events as (
    select * from {{ ref('fct_watch_events') }}
),

views as (
    select
        user_id,
        video_id,
        count(*) as views,
        cast(sum(watch_seconds) as decimal(38, 3)) as watch_seconds,
        max({{ safe_divide('watch_seconds', 'duration_seconds') }}) as max_completion_ratio,
        bool_or(is_completed) as is_completed_any,
        bool_or(is_liked) as is_liked_any,
        bool_or(is_shared) as is_shared_any,
        bool_or(is_followed) as is_followed_any,
        min(event_at) as first_interaction_at,
        max(event_at) as last_interaction_at
    from events
    group by user_id, video_id
),

comment_sentiment as (
    select
        user_id,
        video_id,
        count(*) as comments,
        avg(sentiment_score) as mean_comment_sentiment
    from {{ ref('fct_comment_sentiment') }}
    where video_id is not null
    group by user_id, video_id
),

videos as (
    select * from {{ ref('int_video_features_summarised') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        views.user_id,
        views.video_id,
        views.views,
        views.watch_seconds,
        views.max_completion_ratio,
        views.is_completed_any,
        views.is_liked_any,
        views.is_shared_any,
        views.is_followed_any,
        views.first_interaction_at,
        views.last_interaction_at,
        coalesce(comment_sentiment.comments, 0) as comments,
        comment_sentiment.mean_comment_sentiment,
        videos.category,
        videos.creator_id,
        videos.published_at,
        videos.duration_seconds,
        videos.mean_sentiment as video_mean_sentiment,
        videos.completion_rate as video_completion_rate,
        users.region,
        users.age_band,
        {% for category in categories %}
        users.affinity_{{ category }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from views
    inner join videos on views.video_id = videos.video_id
    left join comment_sentiment
        on views.user_id = comment_sentiment.user_id
        and views.video_id = comment_sentiment.video_id
    left join users on views.user_id = users.user_id
)

select * from final
