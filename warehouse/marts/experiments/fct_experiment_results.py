"""Every variant-versus-control result of fct_experiment_sufficient_stats (thin wrapper).

The statistics live in models_ml.experiments.analyze (tested against gbstats 0.8.0); this model
only reads the sufficient statistics and the metric definitions, builds the AnalysisConfig from
the YAML config (alpha = 1 - var interval_level, vars experiment_correction, ...) and returns the result rows,
once with CUPED and once without, so the report can toggle CUPED without recomputing.
"""

import pandas as pd


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

    stats = dbt.ref("fct_experiment_sufficient_stats").df()
    metrics = dbt.ref("dim_experiment_metrics").df()
    roles = dbt.ref("dim_experiment_metric_roles").df()
    experiments = dbt.ref("dim_experiments").df()
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
    return out
