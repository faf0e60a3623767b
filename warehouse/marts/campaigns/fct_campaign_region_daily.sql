{#-
  The daily campaign metrics by the viewer's (for conversions: the converter's) country and region.
  The model body is the macro campaign_daily_metrics, shared with the other daily campaign marts.
-#}

{{ campaign_daily_metrics(['country_code', 'region'], fill_unknown=true) }}
