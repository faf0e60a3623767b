{#-
  The placement backtest per advertiser x segment type, from int_placement_plans_backtested, already
  typed as the contract says (models_ml.placement.plan BACKTEST_COLUMN_TYPES, and the fit's data_through).
-#}

with backtested as (
    select * from {{ ref('int_placement_plans_backtested') }}
)

select * from backtested
