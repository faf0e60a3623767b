{#-
  The additive engagement parts of video viewing (fct_video_daily's: views, watch_seconds, completed_views,
  likes, comments, shares, follows) summed to a coarser grain (a video's total, a creator's day, the
  platform's day), each cast to the one type it is stored in wherever it is summed: counts bigint, watch
  seconds decimal(38, 3). The engines widen sums differently (DuckDB sums BIGINT into HUGEINT, Spark
  widens a decimal by 10 digits), so the marts cast. Ratios come from these parts through var `metrics`.
-#}

{% macro engagement_parts() -%}
    {{ return(['views', 'watch_seconds', 'completed_views', 'likes', 'comments', 'shares', 'follows']) }}
{%- endmacro %}

{% macro engagement_part_type(part) -%}
    {{ return({'watch_seconds': 'decimal(38, 3)'}.get(part, 'bigint')) }}
{%- endmacro %}

{#- `cast(sum(part) as type) as part, ...` for each of `parts` (default: all); `relation` qualifies them. -#}
{% macro engagement_rollup(parts=none, relation=none) -%}
    {%- for part in parts or engagement_parts() %}
        {%- set column = (relation ~ '.' if relation else '') ~ part %}
        cast(sum({{ column }}) as {{ engagement_part_type(part) }}) as {{ part }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
