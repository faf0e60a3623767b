{{ valid_rows('int_videos_checked') }}
