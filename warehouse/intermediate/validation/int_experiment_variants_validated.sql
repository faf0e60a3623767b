{{ valid_rows('stg_platform__experiment_variants') }}
