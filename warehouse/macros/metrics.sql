{#-
  The one definition of each ratio metric is the project var `metrics` (dbt_project.yml): name,
  label, numerator parts, denominator, multiplier, format, description. The mart
  rpt_metric_definitions materialises it for the report site. Marts store the additive parts;
  SQL computes a ratio with `metric_ratio`, so a ratio is always sum(numerator) / sum(denominator)
  and never a sum of ratios.
-#}

{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The definition of metric `name` from the var, or a compile error naming the known metrics. -#}
{% macro metric_definition(name) -%}
    {%- for metric in var('metrics') if metric['name'] == name -%}
        {{- return(metric) -}}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error("unknown metric '" ~ name ~ "'; defined in var metrics: "
        ~ (var('metrics') | map(attribute='name') | join(', '))) -}}
{%- endmacro %}

{#-
  SQL for metric `name`. `parts` maps a part name (numerator or denominator column of the
  definition) to the SQL expression that holds it (default: the part's own name); `agg` wraps
  every part, e.g. agg='sum' for a ratio over grouped rows.
  {{ metric_ratio('ctr', agg='sum') }} -> cast((sum(clicks)) as double) * 1 / nullif(sum(impressions), 0)
-#}
{% macro metric_ratio(name, parts={}, agg=none) -%}
    {%- set metric = metric_definition(name) -%}
    {%- set expressions = [] -%}
    {%- for part in metric['numerator'] -%}
        {%- set sql = parts.get(part, part) -%}
        {%- do expressions.append(agg ~ '(' ~ sql ~ ')' if agg else sql) -%}
    {%- endfor -%}
    {%- set denominator = parts.get(metric['denominator'], metric['denominator']) -%}
    {%- if agg %}{% set denominator = agg ~ '(' ~ denominator ~ ')' %}{% endif -%}
    {%- set numerator = '(' ~ (expressions | join(' + ')) ~ ')' -%}
    {%- if metric['multiplier'] != 1 %}{% set numerator = numerator ~ ' * ' ~ metric['multiplier'] %}{% endif -%}
    {{ safe_divide(numerator, denominator) }}
{%- endmacro %}

{#- Kept for the marts that call them; both delegate to the one definition in var `metrics`. -#}
{% macro completion_rate(completed_views, views) -%}
    {{ metric_ratio('completion_rate', {'completed_views': completed_views, 'views': views}) }}
{%- endmacro %}

{% macro engagement_rate(likes, comments, shares, follows, views) -%}
    {{ metric_ratio('engagement_rate', {'likes': likes, 'comments': comments, 'shares': shares,
                                        'follows': follows, 'views': views}) }}
{%- endmacro %}
