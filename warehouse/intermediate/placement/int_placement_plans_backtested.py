"""The placement backtest: a plan built on each flight's first half, judged by the second half's holdout.

A thin wrapper over models_ml.placement.backtest. Grain: advertiser x segment type. Published by
rpt_placement_backtest. Engine-neutral (reelmart.frames): the input is campaign x segment x period cells,
brought to the driver within models_ml.placement.plan.MAX_DRIVER_CELLS (docs/spark.md); the result is typed
alike on both engines, with the published types (models_ml.placement.plan, the *_COLUMN_TYPES its mart's
contract repeats).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")

    import json

    from models_ml.placement import backtest
    from models_ml.placement.plan import BACKTEST_COLUMN_TYPES, CELL_ORDER, MAX_DRIVER_CELLS
    from reelmart.frames import from_pandas, select_typed, to_pandas

    cells = dbt.ref("int_placement_cells")
    cells = to_pandas(cells, list(cells.columns), order_by=CELL_ORDER, max_rows=MAX_DRIVER_CELLS)
    result = backtest(cells, plan_period="first_half", evaluation_period="second_half", **json.loads(settings),
                      interval_level=float(level))
    return from_pandas(result, select_typed(BACKTEST_COLUMN_TYPES), session)
