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
