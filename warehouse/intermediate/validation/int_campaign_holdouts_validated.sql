{{ valid_rows('int_campaign_holdouts_checked') }}
