"""The placement plan per advertiser x segment type (budget moved, total gain and its interval).

A wrapper over models_ml.placement.PlacementPlanner: the plan's total gain is a sum over posterior draws,
which the per-segment rows cannot give by adding their intervals. Published by rpt_placement_plan.
Engine-neutral (reelmart.frames): the input is campaign x segment x period cells, brought to the
driver within MAX_CELLS (docs/spark.md); the result is typed alike on both engines.
"""

SELECT_TYPED = """
    cast(advertiser_id as varchar) as advertiser_id,
    cast(segment_type as varchar) as segment_type,
    cast(status as varchar) as status,
    cast(budget_moved as double) as budget_moved,
    cast(expected_gain as double) as expected_gain,
    cast(expected_gain_ci_lower as double) as expected_gain_ci_lower,
    cast(expected_gain_ci_upper as double) as expected_gain_ci_upper,
    cast(chance_of_gain as double) as chance_of_gain,
    cast(segments_toward as bigint) as segments_toward,
    cast(segments_away as bigint) as segments_away,
    cast(segments_hold as bigint) as segments_hold,
    cast(segments_not_enough_evidence as bigint) as segments_not_enough_evidence,
    cast(segments_insufficient_data as bigint) as segments_insufficient_data
"""
MAX_CELLS = 1_000_000
CELL_ORDER = "campaign_id, segment_type, segment, exposure_tier, period"


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")

    import json

    from models_ml.placement import PlacementPlanner
    from reelmart.frames import from_pandas, to_pandas

    cells = dbt.ref("int_placement_cells")
    planner = PlacementPlanner(**json.loads(settings), interval_level=float(level))
    planner.fit(to_pandas(cells.filter("period = 'full'"), list(cells.columns), order_by=CELL_ORDER,
                          max_rows=MAX_CELLS))
    return from_pandas(planner.summary_, SELECT_TYPED, session)
