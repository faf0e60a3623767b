"""The placement plan per campaign x segment: a thin wrapper over models_ml.placement.PlacementPlanner.

Grain: one row per advertiser x campaign x segment_type x segment, over the whole flight. Published with a
contract by rpt_placement_recommendations. Engine-neutral (reelmart.frames): the input is campaign x segment x
period cells, brought to the driver within models_ml.placement.plan.MAX_DRIVER_CELLS (docs/spark.md); the
result is typed alike on both engines, with the published types (models_ml.placement.plan, the *_COLUMN_TYPES
its mart's contract repeats).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")

    import json

    from models_ml.placement import PlacementPlanner
    from models_ml.placement.plan import CELL_ORDER, MAX_DRIVER_CELLS, PLAN_COLUMN_TYPES
    from reelmart.frames import from_pandas, select_typed, to_pandas

    cells = dbt.ref("int_placement_cells")
    planner = PlacementPlanner(**json.loads(settings), interval_level=float(level))
    planner.fit(to_pandas(cells.filter("period = 'full'"), list(cells.columns), order_by=CELL_ORDER,
                          max_rows=MAX_DRIVER_CELLS))
    return from_pandas(planner.plan_, select_typed(PLAN_COLUMN_TYPES), session)
