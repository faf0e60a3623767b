{#-
  Fivetran ad-reporting style daily performance per ad: the key set (with the ad group and ad), then
  additive metrics only; ratios are computed at report time (macro metric_ratio). Counting days and
  attribution: macro campaign_daily_metrics, the body of every daily campaign mart.
-#}

{{ campaign_daily_metrics(['ad_group_id', 'ad_id']) }}
