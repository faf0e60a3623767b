{#-
  Budget shifts per advertiser, published with a contract from the Python plan
  (int_placement_segments_planned, models_ml.placement.PlacementPlanner). Method: docs/campaigns.md,
  "Placement optimisation". The plan is already typed as the contract says (models_ml.placement.plan
  PLAN_COLUMN_TYPES), so the columns are not cast again here.
-#}

with planned as (
    select * from {{ ref('int_placement_segments_planned') }}
)

select * from planned
