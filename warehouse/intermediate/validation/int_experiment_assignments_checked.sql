{{ config(**export_day_incremental('experiment_assignments')) }}

{#- Incremental by export day: a build reads only the export days whose files changed (export_days.sql). -#}
{% set days = export_days_to_load('experiment_assignments') %}

with assignments as (
    select * from {{ ref('stg_platform__experiment_assignments') }}
    {{ export_day_filter(days) }}
),

variants as (
    {{ valid_keys('int_experiment_variants_validated', ['experiment_id', 'variant_id']) }}
),

users as (
    {{ valid_keys('int_users_validated', ['user_id']) }}
),

final as (
    select
        assignments.* {{ star_exclude() }} (reject_reason),
        coalesce(
            assignments.reject_reason,
            case
                when variants.variant_id is null then 'unknown_variant'
                when users.user_id is null then 'unknown_user'
            end
        ) as reject_reason
    from assignments
    left join variants
        on assignments.variant_id = variants.variant_id
        and assignments.experiment_id = variants.experiment_id
    left join users on assignments.user_id = users.user_id
)

select * from final
