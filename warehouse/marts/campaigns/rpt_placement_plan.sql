{#- The placement plan's totals per advertiser x segment type, from int_placement_plans_summarised. -#}

with summarised as (
    select * from {{ ref('int_placement_plans_summarised') }}
),

final as (
    select
        cast(advertiser_id as string) as advertiser_id,
        cast(segment_type as string) as segment_type,
        cast(status as string) as status,
        cast(budget_moved as double) as budget_moved,
        cast(expected_gain as double) as expected_gain,
        cast(expected_gain_ci_lower as double) as expected_gain_ci_lower,
        cast(expected_gain_ci_upper as double) as expected_gain_ci_upper,
        cast(chance_of_gain as double) as chance_of_gain,
        cast(segments_toward as integer) as segments_toward,
        cast(segments_away as integer) as segments_away,
        cast(segments_hold as integer) as segments_hold,
        cast(segments_not_enough_evidence as integer) as segments_not_enough_evidence,
        cast(segments_insufficient_data as integer) as segments_insufficient_data,
        cast(data_through as date) as data_through
    from summarised
)

select * from final
