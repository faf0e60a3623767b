"""The placement plan per advertiser x segment type (budget moved, total gain and its interval).

A wrapper over models_ml.placement.PlacementPlanner: the plan's total gain is a sum over posterior draws,
which the per-segment rows cannot give by adding their intervals. Published by rpt_placement_plan.
Engine-neutral (reelmart.frames): the input is campaign x segment x period cells, brought to the
driver within MAX_CELLS (docs/spark.md); the result is typed alike on both engines.
Scheduled (issue 19): a build keeps the last plan unless models_ml.schedule.refit_reason says refit (first
build, var refit, or var refit_every_days of new data since data_through, the newest event day the fit saw);
a refit replaces every advertiser's rows.
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
    cast(segments_insufficient_data as bigint) as segments_insufficient_data,
    cast(data_through as date) as data_through
"""
MAX_CELLS = 1_000_000
CELL_ORDER = "campaign_id, segment_type, segment, exposure_tier, period"


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="advertiser_id", on_schema_change="append_new_columns")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")

    import json

    from models_ml.placement import PlacementPlanner
    from models_ml.schedule import refit_reason
    from reelmart.frames import from_pandas, scalar, to_pandas

    data_through = scalar(dbt.ref("int_campaign_lift_statistics"), "max(as_of_date)")
    stored = session.sql(f"select * from {dbt.this}") if dbt.is_incremental else None
    # a table built before the schedule has no stamp: fit, and on_schema_change adds the column
    last = scalar(stored, "max(data_through)") if stored is not None and "data_through" in stored.columns else None
    if refit_reason(last, data_through, refit_every_days, refit) is None:
        return session.sql(f"select * from {dbt.this} where false")

    cells = dbt.ref("int_placement_cells")
    planner = PlacementPlanner(**json.loads(settings), interval_level=float(level))
    planner.fit(to_pandas(cells.filter("period = 'full'"), list(cells.columns), order_by=CELL_ORDER,
                          max_rows=MAX_CELLS))
    return from_pandas(planner.summary_.assign(data_through=data_through), SELECT_TYPED, session)
