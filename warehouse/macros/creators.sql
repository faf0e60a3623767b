{#- Creator studio (issue 17): the length bucket that, with the category, defines a video's peers for
    relative retention. One home: fct_video_retention and everything downstream read the column. -#}
{% macro retention_length_bucket(duration_seconds) -%}
    case
        when {{ duration_seconds }} < 15 then 'under 15 s'
        when {{ duration_seconds }} < 30 then '15-29 s'
        when {{ duration_seconds }} < 60 then '30-59 s'
        when {{ duration_seconds }} < 180 then '60-179 s'
        else '180 s and over'
    end
{%- endmacro %}

{#- Seconds of a view's first pass through the video: a completed view reached the end, a loop is cut
    at the end (the rest is replays). -#}
{% macro first_pass_seconds(watch_seconds, duration_seconds, is_completed) -%}
    case when {{ is_completed }} then {{ duration_seconds }}
         else least({{ watch_seconds }}, {{ duration_seconds }}) end
{%- endmacro %}

{#- A video's early views for the best time to post: those of its first 48 hours after publication. One home:
    int_video_early_engagement and int_video_early_audience. -#}
{% macro is_early_view(event_at, published_at) -%}
    ({{ event_at }} >= {{ published_at }} and {{ event_at }} < {{ published_at }} + interval 48 hour)
{%- endmacro %}
