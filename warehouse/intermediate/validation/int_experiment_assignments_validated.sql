{{ valid_rows('int_experiment_assignments_checked') }}
