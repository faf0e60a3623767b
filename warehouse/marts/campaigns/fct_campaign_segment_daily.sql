{#-
  The daily campaign metrics by the viewer's (for conversions: the converter's) age band and device OS:
  the segments of the placement plan (rpt_placement_recommendations), with their attributed performance.
  The model body is the macro campaign_daily_by_user_attributes, shared with fct_campaign_region_daily.
-#}

{{ campaign_daily_by_user_attributes(['age_band', 'device_os']) }}
