{#-
  The placement plan's totals per advertiser x segment type, from int_placement_plans_summarised, already
  typed as the contract says (models_ml.placement.plan SUMMARY_COLUMN_TYPES, and the fit's data_through).
-#}

with summarised as (
    select * from {{ ref('int_placement_plans_summarised') }}
)

select * from summarised
