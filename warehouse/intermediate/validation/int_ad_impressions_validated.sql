{{ valid_rows('int_ad_impressions_checked') }}
