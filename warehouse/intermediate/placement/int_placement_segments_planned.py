"""The placement plan per campaign x segment: a thin wrapper over models_ml.placement.PlacementPlanner.

Grain: one row per advertiser x campaign x segment_type x segment, over the whole flight. Published with a
contract by rpt_placement_recommendations. Engine-neutral (reelmart.frames): the input is campaign x segment x period cells, brought to the
driver within MAX_CELLS (docs/spark.md); the result is typed alike on both engines.
Scheduled (issue 19): a build keeps the last plan unless models_ml.schedule.refit_reason says refit (first
build, var refit, or var refit_every_days of new data since data_through, the newest event day the fit saw);
a refit replaces every advertiser's rows.
"""

SELECT_TYPED = """
    cast(advertiser_id as varchar) as advertiser_id,
    cast(campaign_id as varchar) as campaign_id,
    cast(segment_type as varchar) as segment_type,
    cast(segment as varchar) as segment,
    cast(action as varchar) as action,
    cast(reason as varchar) as reason,
    cast(return_rank as bigint) as return_rank,
    cast(treated_users as double) as treated_users,
    cast(arm_treated_users as double) as arm_treated_users,
    cast(arm_holdout_users as double) as arm_holdout_users,
    cast(spend as double) as spend,
    cast(incremental_conversions as double) as incremental_conversions,
    cast(incremental_conversions_se as double) as incremental_conversions_se,
    cast(incremental_value as double) as incremental_value,
    cast(incremental_value_se as double) as incremental_value_se,
    cast(raw_return_per_1000 as double) as raw_return_per_1000,
    cast(raw_return_per_1000_se as double) as raw_return_per_1000_se,
    cast(return_per_1000 as double) as return_per_1000,
    cast(return_per_1000_se as double) as return_per_1000_se,
    cast(shrinkage as double) as shrinkage,
    cast(marginal_ratio as double) as marginal_ratio,
    cast(marginal_ratio_ci_lower as double) as marginal_ratio_ci_lower,
    cast(marginal_ratio_ci_upper as double) as marginal_ratio_ci_upper,
    cast(marginal_basis as varchar) as marginal_basis,
    cast(marginal_return_per_1000 as double) as marginal_return_per_1000,
    cast(marginal_return_ci_lower as double) as marginal_return_ci_lower,
    cast(marginal_return_ci_upper as double) as marginal_return_ci_upper,
    cast(advertiser_return_per_1000 as double) as advertiser_return_per_1000,
    cast(advertiser_marginal_return_per_1000 as double) as advertiser_marginal_return_per_1000,
    cast(chance_above_average as double) as chance_above_average,
    cast(campaign_has_effect as boolean) as campaign_has_effect,
    cast(budget_change as double) as budget_change,
    cast(expected_gain as double) as expected_gain,
    cast(expected_gain_se as double) as expected_gain_se,
    cast(expected_gain_ci_lower as double) as expected_gain_ci_lower,
    cast(expected_gain_ci_upper as double) as expected_gain_ci_upper,
    cast(audience_filter as varchar) as audience_filter,
    cast(target_audience as varchar) as target_audience,
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
    return from_pandas(planner.plan_.assign(data_through=data_through), SELECT_TYPED, session)
