"""Experiment statistics: vectorised `analyze` against gbstats 0.8.0 row by row, same inputs.

Generates seeded sufficient statistics (experiments x metrics x variants, one dimension value,
one cumulative day), runs `models_ml.experiments.analyze` on all of them, then gbstats' own test
classes one comparison at a time, and reports time, throughput, peak memory and the largest
relative difference between the two over every compared number.
"""

from __future__ import annotations

import argparse
import logging

import numpy as np
import pandas as pd

from reelmart.bench.table import measure, print_table

log = logging.getLogger(__name__)

# Numbers compared with gbstats: analyze's column -> how gbstats' result gives it.
COMPARED_COLUMNS = [
    "baseline_value", "relative_lift", "relative_ci_lower", "relative_ci_upper", "p_value",
    "absolute_lift", "absolute_ci_lower", "absolute_ci_upper", "p_value_absolute",
    "chance_to_win", "risk_control", "risk_variant", "bayes_ci_lower", "bayes_ci_upper", "srm_p_value",
]
# A difference is taken relative to max(|gbstats|, FLOOR): gbstats computes tails as 1 - cdf,
# so its p-values below ~1e-15 are rounding noise, not numbers to match relatively.
RELATIVE_DIFFERENCE_FLOOR = 1e-8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--experiments", type=int, default=1000, help="experiments (default 1000)")
    parser.add_argument("--metrics", type=int, default=10, help="metrics per experiment (default 10)")
    parser.add_argument("--variants", type=int, default=3, help="arms per experiment, control included (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the synthetic statistics")
    parser.add_argument(
        "--gbstats-rows", type=int, default=None,
        help="compare this many comparisons (evenly spaced) with gbstats; default all, 0 skips gbstats",
    )
    parser.add_argument(
        "--warehouse", default=None, metavar="PATH",
        help="built DuckDB file for the SQL step (sufficient statistics in SQL); ignored if absent",
    )


def _gbstats_statistic(gb, arm: dict, metric_type: str, cuped: bool):
    n = int(arm["n_users"])
    if metric_type == "binomial":
        main = gb.ProportionStatistic(n=n, sum=float(arm["main_sum"]))
    else:
        main = gb.SampleMeanStatistic(n=n, sum=float(arm["main_sum"]), sum_squares=float(arm["main_sum_squares"]))
    if metric_type == "ratio":
        denominator = gb.SampleMeanStatistic(
            n=n, sum=float(arm["denominator_sum"]), sum_squares=float(arm["denominator_sum_squares"])
        )
        return gb.RatioStatistic(n=n, m_statistic=main, d_statistic=denominator,
                                 m_d_sum_of_products=float(arm["main_denominator_sum_product"]))
    if not cuped:
        return main
    if metric_type == "binomial":
        pre = gb.ProportionStatistic(n=n, sum=float(arm["covariate_sum"]))
    else:
        pre = gb.SampleMeanStatistic(n=n, sum=float(arm["covariate_sum"]),
                                     sum_squares=float(arm["covariate_sum_squares"]))
    return gb.RegressionAdjustedStatistic(n=n, post_statistic=main, pre_statistic=pre,
                                          post_pre_sum_of_products=float(arm["main_covariate_sum_product"]), theta=0)


def run_gbstats(stats: pd.DataFrame, comparisons: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """gbstats 0.8.0's numbers for each comparison, one test object per row (as its runner does)."""
    from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
    from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
    from gbstats.models import statistics as gb
    from gbstats.utils import check_srm

    keys = ["experiment_id", "metric_id", "dimension_name", "dimension_value", "day_index", "variant_id"]
    arms = stats.set_index(keys).to_dict("index")
    slices = stats.drop_duplicates(["experiment_id", "dimension_name", "dimension_value", "day_index", "variant_id"])
    srm = {
        key: check_srm(list(group["n_users"]), list(group["variant_weight"]))
        for key, group in slices.groupby(["experiment_id", "dimension_name", "dimension_value", "day_index"])
    }
    rows = []
    for row in comparisons.itertuples(index=False):
        key = (row.experiment_id, row.metric_id, row.dimension_name, row.dimension_value, row.day_index)
        control, variant = arms[(*key, row.control_variant_id)], arms[(*key, row.variant_id)]

        def pair(control=control, variant=variant, kind=row.metric_type, cuped=bool(row.cuped)):
            return _gbstats_statistic(gb, control, kind, cuped), _gbstats_statistic(gb, variant, kind, cuped)

        relative = TwoSidedTTest(*pair(), FrequentistConfig(alpha=alpha))
        rel = relative.compute_result()
        absolute = TwoSidedTTest(*pair(), FrequentistConfig(alpha=alpha, difference_type="absolute")).compute_result()
        bayes = EffectBayesianABTest(*pair(), EffectBayesianConfig(alpha=alpha)).compute_result()
        rows.append({
            "baseline_value": relative.stat_a.unadjusted_mean,
            "relative_lift": rel.expected, "relative_ci_lower": rel.ci[0], "relative_ci_upper": rel.ci[1],
            "p_value": rel.p_value, "absolute_lift": absolute.expected, "absolute_ci_lower": absolute.ci[0],
            "absolute_ci_upper": absolute.ci[1], "p_value_absolute": absolute.p_value,
            "chance_to_win": bayes.chance_to_win, "risk_control": bayes.risk[0], "risk_variant": bayes.risk[1],
            "bayes_ci_lower": bayes.ci[0], "bayes_ci_upper": bayes.ci[1],
            "srm_p_value": srm[key[:1] + key[2:]],
        })
    return pd.DataFrame(rows)


def max_relative_difference(ours: pd.DataFrame, theirs: pd.DataFrame) -> float:
    worst = 0.0
    for column in COMPARED_COLUMNS:
        a, b = ours[column].to_numpy(float), theirs[column].to_numpy(float)
        finite = np.isfinite(a) & np.isfinite(b)
        if (np.isfinite(a) != np.isfinite(b)).any():
            return float("inf")
        diff = np.abs(a[finite] - b[finite]) / np.maximum(np.abs(b[finite]), RELATIVE_DIFFERENCE_FLOOR)
        worst = max(worst, float(diff.max(initial=0.0)))
    return worst


def warehouse_step(path: str | None) -> list[dict]:
    """Hook for the SQL step (sufficient statistics computed by dbt in DuckDB): not measured yet."""
    if path:
        log.info("--warehouse %s given; the SQL step is not part of this benchmark yet", path)
    return []


def run(args: argparse.Namespace) -> int:
    from models_ml.experiments import analyze
    from models_ml.experiments.simulation import simulate_sufficient_statistics

    table: list[dict] = warehouse_step(args.warehouse)
    with measure() as timing:
        stats = simulate_sufficient_statistics(
            n_experiments=args.experiments, n_metrics=args.metrics, n_variants=args.variants, random_state=args.seed
        ).drop(columns="true_lift")
    table.append({"step": "simulate sufficient statistics", "rows": len(stats), "seconds": timing.seconds,
                  "rows/s": len(stats) / timing.seconds, "peak MB": timing.peak_rss_mb})

    analyze(stats.head(1000))  # warm-up: imports and first-call set-up are not the statistics step
    with measure() as timing:
        result = analyze(stats)
    ours = {"step": "models_ml analyze (vectorised)", "rows": len(result), "seconds": timing.seconds,
            "rows/s": len(result) / timing.seconds, "peak MB": timing.peak_rss_mb}
    table.append(ours)

    limit = len(result) if args.gbstats_rows is None else min(args.gbstats_rows, len(result))
    if limit > 0:
        try:
            import gbstats  # noqa: F401
        except ModuleNotFoundError:
            log.warning("gbstats is not installed (make install); skipping the baseline")
            limit = 0
    if limit > 0:
        sample = result.iloc[np.linspace(0, len(result) - 1, limit).round().astype(int)].reset_index(drop=True)
        with measure() as timing:
            theirs = run_gbstats(stats, sample)
        ours["max rel diff vs gbstats"] = max_relative_difference(sample, theirs)
        table.append({"step": "gbstats 0.8.0, row by row", "rows": limit, "seconds": timing.seconds,
                      "rows/s": limit / timing.seconds, "peak MB": timing.peak_rss_mb,
                      "max rel diff vs gbstats": 0.0})

    title = (f"Experiment statistics: {args.experiments:,} experiments x {args.metrics} metrics x "
             f"{args.variants} arms (rows = comparisons; frequentist + Bayesian + SRM + corrections)")
    print_table(table, title, ["step", "rows", "seconds", "rows/s", "peak MB", "max rel diff vs gbstats"])
    return 0
