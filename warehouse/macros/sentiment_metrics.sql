{#-
  The additive sentiment parts of the daily sentiment marts (fct_sentiment_daily, fct_video_sentiment_daily,
  fct_campaign_sentiment_daily from fct_comment_sentiment rows; fct_creator_sentiment_daily rolled up from
  fct_video_sentiment_daily), defined once so that the grains cannot drift apart. Ratios (positive_share,
  mean_sentiment, ...) are computed from these parts at query time through the `metrics` var.
-#}

{#- (column, filter over fct_comment_sentiment rows or none for every comment) -#}
{% macro sentiment_counts() -%}
    {{ return([
        ('comments', none),
        ('positive_comments', "sentiment_label = 'positive'"),
        ('neutral_comments', "sentiment_label = 'neutral'"),
        ('negative_comments', "sentiment_label = 'negative'"),
    ]) }}
{%- endmacro %}

{#- The parts over comment rows of fct_comment_sentiment. -#}
{% macro sentiment_aggregates() -%}
    {%- for name, condition in sentiment_counts() %}
        count(*){% if condition %} filter (where {{ condition }}){% endif %} as {{ name }},
    {%- endfor %}
        cast(sum(cast(sentiment_score as decimal(18, 6))) as decimal(38, 6)) as sentiment_score_sum
{%- endmacro %}

{#- The same parts summed over rows of a daily sentiment mart (a coarser grain). -#}
{% macro sentiment_rollup() -%}
    {%- for name, _ in sentiment_counts() %}
        cast(sum({{ name }}) as bigint) as {{ name }},
    {%- endfor %}
        cast(sum(sentiment_score_sum) as decimal(38, 6)) as sentiment_score_sum
{%- endmacro %}
