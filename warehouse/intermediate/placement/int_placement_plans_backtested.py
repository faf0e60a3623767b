"""The placement backtest: a plan built on each flight's first half, judged by the second half's holdout.

A thin wrapper over models_ml.placement.backtest. Grain: advertiser x segment type. Published by
rpt_placement_backtest.
"""

import json

from models_ml.placement import backtest


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")
    cells = dbt.ref("int_placement_cells").df()
    return backtest(cells, plan_period="first_half", evaluation_period="second_half", **json.loads(settings),
                    interval_level=float(level))
