{#-
  The daily campaign metrics by the viewer's (for conversions: the converter's) country and region.
  The model body is the macro campaign_daily_by_user_attributes, shared with fct_campaign_segment_daily.
-#}

{{ campaign_daily_by_user_attributes(['country_code', 'region']) }}
