{{ valid_rows('int_conversions_checked') }}
