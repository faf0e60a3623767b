{#-
  The daily campaign metrics by the viewer's (for conversions: the converter's) age band and device OS:
  the segments of the placement plan (rpt_placement_recommendations), with their attributed performance.
  The model body is the macro campaign_daily_metrics, shared with the other daily campaign marts.
-#}

{{ campaign_daily_metrics(['age_band', 'device_os'], fill_unknown=true) }}
