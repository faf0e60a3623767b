"""The placement plan per campaign x segment: a thin wrapper over models_ml.placement.PlacementPlanner.

Grain: one row per advertiser x campaign x segment_type x segment, over the whole flight. Published with a
contract by rpt_placement_recommendations.
"""

import json

from models_ml.placement import PlacementPlanner


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")
    cells = dbt.ref("int_placement_cells").df()
    planner = PlacementPlanner(**json.loads(settings), interval_level=float(level))
    planner.fit(cells[cells["period"] == "full"])
    return planner.plan_
