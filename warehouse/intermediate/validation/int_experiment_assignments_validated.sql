with assignments as (
    select * from {{ ref('stg_platform__experiment_assignments') }}
),

variants as (
    select
        experiment_id,
        variant_id
    from {{ ref('stg_platform__experiment_variants') }}
    where reject_reason is null
),

users as (
    select user_id
    from {{ ref('stg_platform__users') }}
    where reject_reason is null
),

final as (
    select
        assignments.* exclude (reject_reason),
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
