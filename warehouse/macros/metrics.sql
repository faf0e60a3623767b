{#-
  The one definition of each ratio metric (documented in warehouse/marts/_metrics.md).
  Marts store the additive parts; reports and report-shaped models call these macros, so a
  ratio is always sum(numerator) / sum(denominator) and never a sum of ratios.
-#}

{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro completion_rate(completed_views, views) -%}{{ safe_divide(completed_views, views) }}{%- endmacro %}

{% macro engagement_rate(likes, comments, shares, follows, views) -%}
    {{ safe_divide("(" ~ likes ~ " + " ~ comments ~ " + " ~ shares ~ " + " ~ follows ~ ")", views) }}
{%- endmacro %}
