{#-
  Health inputs per arm: who was exposed, who was excluded for seeing more than one variant, who
  was analysed, and the sample-ratio inputs (analysed users against the configured weight). The
  SRM p-value itself is computed by the statistics engine (fct_experiment_srm.srm_p_value);
  the Pearson chi-square contribution of the arm is here so the mismatch is visible in SQL.
-#}

with variants as (
    select
        experiment_id,
        variant_id,
        variant_name,
        is_control,
        traffic_weight
    from {{ ref('int_experiment_variants_validated') }}
),

exposures as (
    select * from {{ ref('int_experiment_exposures') }}
),

windows as (
    select * from {{ ref('int_experiment_windows') }}
),

assignments as (
    select
        experiment_id,
        variant_id,
        exposed_at
    from {{ ref('int_experiment_assignments_validated') }}
),

out_of_window as (
    select
        assignments.experiment_id,
        assignments.variant_id,
        count(*) as out_of_window_exposures
    from assignments
    inner join windows on assignments.experiment_id = windows.experiment_id
    where
        assignments.exposed_at < cast(windows.start_date as timestamp)
        or assignments.exposed_at >= cast(windows.end_date as timestamp) + interval 1 day
    group by assignments.experiment_id, assignments.variant_id
),

per_variant as (
    select
        experiment_id,
        variant_id,
        count(*) as exposed_users,
        count(*) filter (where is_multiple_exposure) as multiple_exposure_users,
        count(*) filter (where not is_multiple_exposure) as analysed_users
    from exposures
    group by experiment_id, variant_id
),

arms as (
    select
        variants.experiment_id,
        variants.variant_id,
        variants.variant_name,
        variants.is_control,
        cast(variants.traffic_weight as double) as traffic_weight,
        cast(variants.traffic_weight as double)
        / sum(cast(variants.traffic_weight as double)) over (partition by variants.experiment_id)
            as expected_share,
        coalesce(per_variant.exposed_users, 0) as exposed_users,
        coalesce(per_variant.multiple_exposure_users, 0) as multiple_exposure_users,
        coalesce(per_variant.analysed_users, 0) as analysed_users,
        coalesce(out_of_window.out_of_window_exposures, 0) as out_of_window_exposures
    from variants
    left join per_variant
        on variants.experiment_id = per_variant.experiment_id and variants.variant_id = per_variant.variant_id
    left join out_of_window
        on variants.experiment_id = out_of_window.experiment_id
        and variants.variant_id = out_of_window.variant_id
),

final as (
    select
        experiment_id,
        variant_id,
        variant_name,
        is_control,
        traffic_weight,
        expected_share,
        exposed_users,
        multiple_exposure_users,
        analysed_users,
        out_of_window_exposures,
        {{ safe_divide('analysed_users', 'sum(analysed_users) over (partition by experiment_id)') }}
            as observed_share,
        expected_share * sum(analysed_users) over (partition by experiment_id) as expected_users,
        {{ safe_divide(
            '(analysed_users - expected_share * sum(analysed_users) over (partition by experiment_id))
              * (analysed_users - expected_share * sum(analysed_users) over (partition by experiment_id))',
            'expected_share * sum(analysed_users) over (partition by experiment_id)') }}
            as srm_chi_square_contribution,
        analysed_users < {{ var('experiment_min_users_per_variant') }} as is_too_few_users
    from arms
)

select * from final
