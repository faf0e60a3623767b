{#- The settings the pages must state beside the numbers they explain (interval level, attribution windows,
    placement's decision threshold, the creator studio's minimum of peer videos and key moments' effect floor),
    read from the project vars so the page text cannot drift from what the warehouse computed. -#}

with final as (
    select
        cast({{ var('interval_level') }} as double) as interval_level,
        cast({{ var('attribution_click_window_days') }} as integer) as attribution_click_window_days,
        cast({{ var('attribution_view_window_days') }} as integer) as attribution_view_window_days,
        cast({{ var('placement_plan')['confidence'] }} as double) as placement_confidence,
        cast({{ var('creator_retention')['min_peers'] }} as integer) as creator_min_peers,
        cast({{ var('creator_retention')['min_hazard_ratio'] }} as double) as creator_min_hazard_ratio
)

select * from final
