"""The placement plan per advertiser x segment type (budget moved, total gain and its interval).

A wrapper over models_ml.placement.PlacementPlanner: the plan's total gain is a sum over posterior draws,
which the per-segment rows cannot give by adding their intervals. Published by rpt_placement_plan.
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
    return planner.summary_
