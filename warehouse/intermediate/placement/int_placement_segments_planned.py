"""The placement plan per campaign x segment: a thin wrapper over models_ml.placement.PlacementPlanner.

Grain: one row per advertiser x campaign x segment_type x segment, over the whole flight. Published with a
contract by rpt_placement_recommendations. Engine-neutral (reelmart.frames): the input is campaign x segment x
period cells, brought to the driver within models_ml.placement.plan.MAX_DRIVER_CELLS (docs/spark.md); the
result is typed alike on both engines, with the published types (models_ml.placement.plan, the *_COLUMN_TYPES
its mart's contract repeats).
Scheduled (issue 19, reelmart.frames.keeps_stored_fit): a build keeps the last plan unless models_ml.schedule.refit_reason says refit (first
build, var refit, or var refit_every_days of new data since data_through, the newest event day the fit saw);
a refit replaces every advertiser's rows.
"""


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="advertiser_id", on_schema_change="append_new_columns")
    settings = dbt.config.get("placement")
    level = dbt.config.get("interval_level")
    refit = dbt.config.get("refit")
    refit_every_days = dbt.config.get("refit_every_days")

    import json

    from models_ml.placement import PlacementPlanner
    from models_ml.placement.plan import CELL_ORDER, MAX_DRIVER_CELLS, PLAN_COLUMN_TYPES
    from reelmart.frames import from_pandas, keeps_stored_fit, scalar, select_typed, to_pandas

    data_through = scalar(dbt.ref("int_campaign_lift_statistics"), "max(as_of_date)")
    if keeps_stored_fit(dbt, session, data_through, refit_every_days, refit):
        return session.sql(f"select * from {dbt.this} where false")

    cells = dbt.ref("int_placement_cells")
    planner = PlacementPlanner(**json.loads(settings), interval_level=float(level))
    planner.fit(to_pandas(cells.filter("period = 'full'"), list(cells.columns), order_by=CELL_ORDER,
                          max_rows=MAX_DRIVER_CELLS))
    typed = select_typed({**PLAN_COLUMN_TYPES, "data_through": "date"})
    return from_pandas(planner.plan_.assign(data_through=data_through), typed, session)
