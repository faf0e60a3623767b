"""The placement backtest: a plan built on each flight's first half, judged by the second half's holdout.

A thin wrapper over models_ml.placement.backtest. Grain: advertiser x segment type. Published by
rpt_placement_backtest. Engine-neutral (reelmart.frames): the input is campaign x segment x period cells, brought to the
driver within MAX_CELLS (docs/spark.md); the result is typed alike on both engines.
"""

SELECT_TYPED = """
    cast(advertiser_id as varchar) as advertiser_id,
    cast(segment_type as varchar) as segment_type,
    cast(plan_period as varchar) as plan_period,
    cast(evaluation_period as varchar) as evaluation_period,
    cast(segments_moved as bigint) as segments_moved,
    cast(budget_moved as double) as budget_moved,
    cast(predicted_gain as double) as predicted_gain,
    cast(predicted_gain_ci_lower as double) as predicted_gain_ci_lower,
    cast(predicted_gain_ci_upper as double) as predicted_gain_ci_upper,
    cast(realised_gain as double) as realised_gain,
    cast(realised_gain_ci_lower as double) as realised_gain_ci_lower,
    cast(realised_gain_ci_upper as double) as realised_gain_ci_upper,
    cast(segments_not_evaluable as bigint) as segments_not_evaluable
"""
MAX_CELLS = 1_000_000
CELL_ORDER = "campaign_id, segment_type, segment, exposure_tier, period"


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")

    import json

    from models_ml.placement import backtest
    from reelmart.frames import from_pandas, to_pandas

    cells = dbt.ref("int_placement_cells")
    cells = to_pandas(cells, list(cells.columns), order_by=CELL_ORDER, max_rows=MAX_CELLS)
    result = backtest(cells, plan_period="first_half", evaluation_period="second_half", **json.loads(settings),
                      interval_level=float(level))
    return from_pandas(result, SELECT_TYPED, session)
