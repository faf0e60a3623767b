{{ valid_rows('int_comments_checked') }}
