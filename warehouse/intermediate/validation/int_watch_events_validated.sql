{{ valid_rows('int_watch_events_checked') }}
