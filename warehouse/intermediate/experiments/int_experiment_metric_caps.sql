{{ config(materialized='table') }}

{#-
  Winsorisation caps: per experiment x capped mean metric, the metric's own `capped` quantile (a
  number) or, for `capped: true`, the `experiment_capping_percentile`
  quantile of the per-user metric value over the whole metric window (all arms pooled) and of
  its covariate. The same cap applies to every cumulative day. NULL caps when capping is off.
-#}

{%- set percentile = var('experiment_capping_percentile') -%}
{%- set metrics = var('experiment_metrics') -%}

with users as (
    select * from {{ ref('int_experiment_user_metrics') }}
),

caps as (
    {% for metric in metrics %}
    {%- set capped = metric.get('capped', false) -%}
    {%- set metric_percentile = percentile if capped is sameas true
                                else (none if capped is sameas false else capped) -%}
    select
        experiment_id,
        '{{ metric["metric_id"] }}' as metric_id,
        {% if metric_percentile is not none and metric['metric_type'] == 'mean' %}
        {{ quantile_cont(experiment_metric_main(metric, 'post_'), metric_percentile) }} as main_cap,
        {{ quantile_cont(experiment_metric_covariate(metric, 'pre_'), metric_percentile) }} as covariate_cap
        {% else %}
        cast(null as double) as main_cap,
        cast(null as double) as covariate_cap
        {% endif %}
    from users
    group by experiment_id
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from caps
)

select * from final
