{{ valid_rows('int_ad_clicks_checked') }}
