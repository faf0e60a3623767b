{{ valid_rows('stg_platform__ad_groups') }}
