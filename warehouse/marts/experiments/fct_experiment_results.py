"""Every variant-versus-control result of fct_experiment_sufficient_stats (thin wrapper).

The statistics live in models_ml.experiments.analyze (tested against gbstats 0.8.0); this model
only reads the sufficient statistics and the metric definitions, builds the AnalysisConfig from
the YAML config (alpha = 1 - var interval_level, vars experiment_correction, ...) and returns the result rows,
once with CUPED and once without, so the report can toggle CUPED without recomputing.
Engine-neutral (reelmart.frames): the inputs are sufficient statistics and one row per metric or
experiment, small by design, brought to the driver within the bounds below (docs/spark.md).
"""

import pandas as pd

SELECT_TYPED = """
    cast(analysis as varchar) as analysis,
    cast(experiment_id as varchar) as experiment_id,
    cast(metric_id as varchar) as metric_id,
    cast(metric_type as varchar) as metric_type,
    cast(dimension_name as varchar) as dimension_name,
    cast(dimension_value as varchar) as dimension_value,
    cast(day_index as integer) as day_index,
    cast(variant_id as varchar) as variant_id,
    cast(variant_name as varchar) as variant_name,
    cast(control_variant_id as varchar) as control_variant_id,
    cast(baseline_users as double) as baseline_users,
    cast(variant_users as double) as variant_users,
    cast(baseline_value as double) as baseline_value,
    cast(variant_value as double) as variant_value,
    cast(baseline_stddev as double) as baseline_stddev,
    cast(variant_stddev as double) as variant_stddev,
    cast(cuped as boolean) as cuped,
    cast(theta as double) as theta,
    cast(relative_lift as double) as relative_lift,
    cast(relative_ci_lower as double) as relative_ci_lower,
    cast(relative_ci_upper as double) as relative_ci_upper,
    cast(absolute_lift as double) as absolute_lift,
    cast(absolute_ci_lower as double) as absolute_ci_lower,
    cast(absolute_ci_upper as double) as absolute_ci_upper,
    cast(p_value as double) as p_value,
    cast(p_value_absolute as double) as p_value_absolute,
    cast(p_value_adjusted as double) as p_value_adjusted,
    cast(relative_ci_lower_adjusted as double) as relative_ci_lower_adjusted,
    cast(relative_ci_upper_adjusted as double) as relative_ci_upper_adjusted,
    cast(error_message as varchar) as error_message,
    cast(chance_to_win as double) as chance_to_win,
    cast(risk_control as double) as risk_control,
    cast(risk_variant as double) as risk_variant,
    cast(bayes_relative_lift as double) as bayes_relative_lift,
    cast(bayes_ci_lower as double) as bayes_ci_lower,
    cast(bayes_ci_upper as double) as bayes_ci_upper,
    cast(bayes_error_message as varchar) as bayes_error_message,
    cast(sequential as boolean) as sequential,
    cast(is_significant as boolean) as is_significant,
    cast(is_good_news as boolean) as is_good_news,
    cast(is_bad_news as boolean) as is_bad_news,
    cast(minimum_detectable_effect as double) as minimum_detectable_effect,
    cast(non_inferiority_margin as double) as non_inferiority_margin,
    cast(non_inferiority_p_value as double) as non_inferiority_p_value,
    cast(is_non_inferior as boolean) as is_non_inferior,
    cast(alpha as double) as alpha,
    cast(correction as varchar) as correction

"""
MAX_STATS_ROWS = 1_000_000
MAX_DIMENSION_ROWS = 100_000


def _as_bool(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def model(dbt, session):
    dbt.config(materialized="table")
    alpha = dbt.config.get("alpha")
    correction = dbt.config.get("correction")
    sequential = dbt.config.get("sequential")
    prior_proper = dbt.config.get("prior_proper")
    prior_mean = dbt.config.get("prior_mean")
    prior_variance = dbt.config.get("prior_variance")
    segment_correction = dbt.config.get("segment_correction")

    from models_ml.experiments import AnalysisConfig, GaussianPrior, analyze
    from models_ml.experiments.analysis import KEY_COLUMNS
    from reelmart.frames import from_pandas, to_pandas

    stats = dbt.ref("fct_experiment_sufficient_stats")
    stats = to_pandas(stats, list(stats.columns), order_by=", ".join([*KEY_COLUMNS, "variant_id"]),
                      max_rows=MAX_STATS_ROWS)
    metrics = to_pandas(dbt.ref("dim_experiment_metrics"), ["metric_id", "is_inverse"], max_rows=MAX_DIMENSION_ROWS)
    roles = to_pandas(dbt.ref("dim_experiment_metric_roles"), ["experiment_id", "metric_id", "non_inferiority_margin"],
                      max_rows=MAX_DIMENSION_ROWS)
    experiments = to_pandas(dbt.ref("dim_experiments"), ["experiment_id", "is_sequential"], max_rows=MAX_DIMENSION_ROWS)
    inverse = frozenset(metrics.loc[metrics["is_inverse"].astype(bool), "metric_id"])
    sequential_experiments = frozenset(experiments.loc[experiments["is_sequential"].astype(bool), "experiment_id"])
    with_margin = roles[roles["non_inferiority_margin"].notna()]
    margins = {(e, m): float(x) for e, m, x in
               zip(with_margin["experiment_id"], with_margin["metric_id"], with_margin["non_inferiority_margin"],
                   strict=True)}
    prior = GaussianPrior(mean=float(prior_mean), variance=float(prior_variance), proper=_as_bool(prior_proper))
    frames = []
    for cuped in (True, False):
        config = AnalysisConfig(
            alpha=float(alpha), correction=str(correction), sequential=_as_bool(sequential),
            cuped=cuped, prior=prior, inverse_metrics=inverse, segment_correction=str(segment_correction),
            sequential_experiments=sequential_experiments, non_inferiority_margins=margins,
        )
        result = analyze(stats, config)
        # `cuped` says whether this row was adjusted; `analysis` which pass it belongs to.
        result.insert(0, "analysis", "cuped" if cuped else "unadjusted")
        frames.append(result)
    # The SRM p-value has one home, fct_experiment_srm; it is not repeated on every result row.
    out = pd.concat(frames, ignore_index=True).drop(columns=["srm_p_value"])
    out["alpha"] = float(alpha)
    out["correction"] = str(correction)
    return from_pandas(out, SELECT_TYPED, session)
