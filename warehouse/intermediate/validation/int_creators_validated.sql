{{ valid_rows('stg_platform__creators') }}
