"""Holdout lift per campaign: a thin wrapper over models_ml.experiments.holdout_lift.

Grain: one row per campaign with a lift study. The SQL mart fct_campaign_lift puts a contract on it.
Engine-neutral (reelmart.frames): the input is one row per campaign, brought to the driver within a bound.
"""

SELECT_TYPED = """
    cast(campaign_id as varchar) as campaign_id,
    cast(advertiser_id as varchar) as advertiser_id,
    cast(start_date as timestamp) as start_date,
    cast(end_date as timestamp) as end_date,
    cast(flight_days as bigint) as flight_days,
    cast(observed_days as bigint) as observed_days,
    cast(as_of_date as timestamp) as as_of_date,
    cast(treatment_conversion_rate as double) as treatment_conversion_rate,
    cast(holdout_conversion_rate as double) as holdout_conversion_rate,
    cast(incremental_conversions as double) as incremental_conversions,
    cast(incremental_conversions_ci_lower as double) as incremental_conversions_ci_lower,
    cast(incremental_conversions_ci_upper as double) as incremental_conversions_ci_upper,
    cast(conversions_p_value as double) as conversions_p_value,
    cast(lift as double) as lift,
    cast(lift_ci_lower as double) as lift_ci_lower,
    cast(lift_ci_upper as double) as lift_ci_upper,
    cast(lift_p_value as double) as lift_p_value,
    cast(incremental_value as double) as incremental_value,
    cast(incremental_value_ci_lower as double) as incremental_value_ci_lower,
    cast(incremental_value_ci_upper as double) as incremental_value_ci_upper,
    cast(value_p_value as double) as value_p_value,
    cast(incremental_cpa as double) as incremental_cpa,
    cast(incremental_cpa_ci_lower as double) as incremental_cpa_ci_lower,
    cast(incremental_cpa_ci_upper as double) as incremental_cpa_ci_upper,
    cast(incremental_roas as double) as incremental_roas,
    cast(incremental_roas_ci_lower as double) as incremental_roas_ci_lower,
    cast(incremental_roas_ci_upper as double) as incremental_roas_ci_upper,
    cast(error_message as varchar) as error_message
"""
MAX_CAMPAIGNS = 100_000


def model(dbt, session):
    dbt.config(materialized="table")
    alpha = dbt.config.get("alpha")

    from models_ml.experiments import holdout_lift
    from reelmart.frames import from_pandas, to_pandas

    statistics = dbt.ref("int_campaign_lift_statistics")
    statistics = to_pandas(statistics, list(statistics.columns), order_by="campaign_id", max_rows=MAX_CAMPAIGNS)
    numeric = [c for c in statistics.columns if c.startswith(("treatment_", "holdout_")) or c == "spend"]
    statistics[numeric] = statistics[numeric].astype(float)
    return from_pandas(holdout_lift(statistics, alpha=float(alpha)), SELECT_TYPED, session)
