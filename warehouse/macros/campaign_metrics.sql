{#-
  The additive ad metrics of the daily campaign marts (fct_campaign_daily by ad, fct_campaign_region_daily
  and fct_campaign_segment_daily by the user's region or age band and device), defined once so that the
  grains cannot drift apart. Each impression-level count is the number of impressions carrying a flag of
  int_ad_impressions_joined.
-#}

{% macro ad_impression_counts() -%}
    {{ return([
        ('video_plays', 'is_play'), ('video_views_2s', 'is_view_2s'), ('video_views_6s', 'is_view_6s'),
        ('ad_views_p25', 'is_view_p25'), ('ad_views_p50', 'is_view_p50'), ('ad_views_p75', 'is_view_p75'),
        ('ad_views_p100', 'is_view_p100'), ('likes', 'is_liked'), ('comments', 'is_commented'),
        ('shares', 'is_shared'), ('follows', 'is_followed'),
    ]) }}
{%- endmacro %}

{#- The aggregates of the impression_metrics CTE, over rows of int_ad_impressions_joined. -#}
{% macro ad_impression_aggregates() -%}
        count(*) as impressions,
        count(distinct user_id) as reach,
        sum(spend) as spend,
    {%- for name, flag in ad_impression_counts() %}
        count(*) filter (where {{ flag }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The mart's metric columns from the impression_metrics, click_metrics and conversion_metrics CTEs;
    zero where a CTE has no row for the key. -#}
{% macro ad_metric_columns() -%}
        coalesce(impression_metrics.impressions, 0) as impressions,
        coalesce(impression_metrics.reach, 0) as reach,
        coalesce(click_metrics.clicks, 0) as clicks,
        cast(coalesce(impression_metrics.spend, 0) as decimal(38, 6)) as spend,
        coalesce(conversion_metrics.conversions, 0) as conversions,
        cast(coalesce(conversion_metrics.conversion_value, 0) as decimal(38, 2)) as conversion_value,
    {%- for touch in ['click', 'view'] %}
        coalesce(conversion_metrics.{{ touch }}_through_conversions, 0) as {{ touch }}_through_conversions,
        cast(coalesce(conversion_metrics.{{ touch }}_through_conversion_value, 0) as decimal(38, 2))
            as {{ touch }}_through_conversion_value,
    {%- endfor %}
    {%- for name, _ in ad_impression_counts() %}
        coalesce(impression_metrics.{{ name }}, 0) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
  The body of every daily campaign mart: the key set (day, advertiser, campaign and `dimensions`), then the
  additive metrics. Impression metrics count on the impression day, clicks on the click day, conversions
  (last touch: a click within the click-through window, else an impression within the view-through window,
  split into click_through_* and view_through_* columns that add up to the totals) on the conversion day, so every grain sums to the same totals
  (tested). `dimensions` are columns of the three intermediate models: the ad hierarchy, or the user's
  attributes from dim_users (viewer for impressions and clicks, converter for conversions), which
  `fill_unknown` turns into 'unknown' when the profile has none. Reach is distinct users per key.
-#}
{% macro campaign_daily_metrics(dimensions, fill_unknown=false) -%}
{%- set keys = ['date_day', 'advertiser_id', 'campaign_id'] + dimensions -%}
{%- set key_columns -%}
        date_day,
        advertiser_id,
        campaign_id,
    {%- for dimension in dimensions %}
        {% if fill_unknown %}coalesce({{ dimension }}, 'unknown') as {{ dimension }}{% else %}{{ dimension }}{% endif %},
    {%- endfor %}
{%- endset -%}
with impressions as (
    select * from {{ ref('int_ad_impressions_joined') }}
),

clicks as (
    select * from {{ ref('int_ad_clicks_joined') }}
),

conversions as (
    select * from {{ ref('int_conversions_attributed') }}
    where is_attributed
),

impression_metrics as (
    select
        {{ key_columns }}
        {{ ad_impression_aggregates() }}
    from impressions
    group by all
),

click_metrics as (
    select
        {{ key_columns }}
        count(*) as clicks
    from clicks
    group by all
),

conversion_metrics as (
    select
        {{ key_columns }}
        count(*) as conversions,
        sum(conversion_value) as conversion_value,
    {%- for touch in ['click', 'view'] %}
        count(*) filter (where attribution_type = '{{ touch }}') as {{ touch }}_through_conversions,
        sum(conversion_value) filter (where attribution_type = '{{ touch }}') as {{ touch }}_through_conversion_value
        {{- ',' if not loop.last }}
    {%- endfor %}
    from conversions
    group by all
),

keys as (
    select {{ keys | join(', ') }} from impression_metrics
    union
    select {{ keys | join(', ') }} from click_metrics
    union
    select {{ keys | join(', ') }} from conversion_metrics
),

final as (
    select
    {%- for key in keys %}
        keys.{{ key }},
    {%- endfor %}
        {{ ad_metric_columns() }}
    from keys
    {%- for cte in ['impression_metrics', 'click_metrics', 'conversion_metrics'] %}
    left join {{ cte }}
        on keys.date_day = {{ cte }}.date_day
        and keys.campaign_id = {{ cte }}.campaign_id
        {%- for dimension in dimensions %}
        and keys.{{ dimension }} = {{ cte }}.{{ dimension }}
        {%- endfor %}
    {%- endfor %}
)

select * from final
{%- endmacro %}

{#-
  What a lift interval lets an advertiser conclude: 'positive' or 'negative' when the whole interval is on one
  side of zero, 'inconclusive' when it contains zero (too wide to act on: report the interval, not the point),
  NULL when there is no estimate.
-#}
{% macro lift_verdict(ci_lower, ci_upper) -%}
    case
        when {{ ci_lower }} is null or {{ ci_upper }} is null then null
        when {{ ci_lower }} > 0 then 'positive'
        when {{ ci_upper }} < 0 then 'negative'
        else 'inconclusive'
    end
{%- endmacro %}
