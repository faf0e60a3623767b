"""Experiment statistics: vectorised `analyze` against gbstats 0.8.0 row by row, same inputs.

Generates seeded sufficient statistics (experiments x metrics x variants, one dimension value,
one cumulative day), runs `models_ml.experiments.analyze` on all of them, then gbstats' own test
classes one comparison at a time, and reports time, throughput, peak memory and the largest
relative difference between the two over every compared number.

With `--data-dir DIR` (a generated instance) or `--scale 200k|1m` (generated into a temporary
folder first), it also times the SQL step: dbt builds the experiment models (exposures, per-user
days and totals, caps, fct_experiment_sufficient_stats) in DuckDB, and `analyze` and gbstats then
run on the warehouse's own sufficient statistics.
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
        help="built DuckDB file: also run the statistics step on its fct_experiment_sufficient_stats (no SQL timing)",
    )
    parser.add_argument(
        "--data-dir", default=None, metavar="DIR",
        help="generated instance (DIR/landing): time the SQL sufficient-statistics step with dbt, then the "
             "statistics on its output",
    )
    parser.add_argument(
        "--scale", default=None, choices=["tiny", "demo", "20k", "200k", "1m"],
        help="generate this scale first (into --data-dir, or a temporary folder) and time the SQL step on it",
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


SQL_MODELS = ["int_experiment_user_activity", "int_experiment_exposures", "int_experiment_user_days", "int_experiment_user_metrics",
              "int_experiment_metric_caps", "fct_experiment_sufficient_stats"]


def _statistics_rows(stats: pd.DataFrame, label: str, gbstats_rows: int | None) -> list[dict]:
    """analyze (and gbstats on a sample) over the warehouse's sufficient statistics."""
    from models_ml.experiments import analyze

    analyze(stats.head(200))  # warm-up
    with measure() as timing:
        result = analyze(stats)
    rows = [{"step": f"models_ml analyze on {label}", "rows": len(result), "seconds": timing.seconds,
             "rows/s": len(result) / timing.seconds, "peak MB": timing.peak_rss_mb}]
    # gbstats 0.8.0 has no ratio CUPED: compare the comparisons it can compute
    comparable = result[(result["error_message"].isna()) & ~((result["metric_type"] == "ratio") & result["cuped"])]
    limit = len(comparable) if gbstats_rows is None else min(gbstats_rows, len(comparable))
    if limit and _has_gbstats():
        sample = comparable.iloc[np.linspace(0, len(comparable) - 1, limit).round().astype(int)].reset_index(drop=True)
        with measure() as timing:
            theirs = run_gbstats(stats, sample)
        rows[0]["max rel diff vs gbstats"] = max_relative_difference(sample, theirs)
        rows.append({"step": f"gbstats 0.8.0 on {label}, row by row", "rows": limit, "seconds": timing.seconds,
                     "rows/s": limit / timing.seconds, "peak MB": timing.peak_rss_mb, "max rel diff vs gbstats": 0.0})
    return rows


def _has_gbstats() -> bool:
    try:
        import gbstats  # noqa: F401
    except ModuleNotFoundError:
        log.warning("gbstats is not installed (make install); skipping the baseline")
        return False
    return True


def warehouse_step(args: argparse.Namespace) -> list[dict]:
    """The SQL step (dbt in DuckDB) on a generated instance, then the statistics on its output."""
    import json
    import tempfile
    from pathlib import Path

    import duckdb

    from reelmart.warehouse import WarehousePaths, run_dbt

    rows: list[dict] = []
    data_dir = getattr(args, "data_dir", None)
    scale = getattr(args, "scale", None)
    if scale:
        from reelmart.simulate import SCALES, PlatformSimulator

        data_dir = data_dir or tempfile.mkdtemp(prefix=f"reelmart-bench-{scale}-")
        with measure() as timing:
            PlatformSimulator(SCALES[scale], Path(data_dir), seed=7, progress=False).run()
        rows.append({"step": f"generate {scale} export", "rows": SCALES[scale].users, "seconds": timing.seconds,
                     "rows/s": SCALES[scale].users / timing.seconds, "peak MB": timing.peak_rss_mb})
    if data_dir:
        paths = WarehousePaths(Path(data_dir).resolve())
        select = "+fct_experiment_sufficient_stats +dim_experiment_metrics +fct_experiment_health"
        with measure() as timing:
            run_dbt(["run", "--select", select], paths, quiet=True)
        results = json.loads((paths.dbt_target / "run_results.json").read_text())["results"]
        model_seconds = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}
        with duckdb.connect(str(paths.build_db), read_only=True) as con:
            stats = con.execute("select * from fct_experiment_sufficient_stats").df()
            users = con.execute("select sum(analysed_users) from fct_experiment_health").fetchone()[0]
            events = con.execute("select count(*) from int_experiment_user_activity").fetchone()[0]
        sql_seconds = sum(model_seconds.get(name, 0.0) for name in SQL_MODELS)
        rows.append({"step": f"SQL sufficient statistics ({int(users):,} exposed users, {events:,} activity rows)",
                     "rows": len(stats), "seconds": sql_seconds, "rows/s": len(stats) / sql_seconds,
                     "peak MB": timing.peak_rss_mb})
        for name in SQL_MODELS:
            rows.append({"step": f"  of which {name}", "seconds": model_seconds.get(name, float("nan"))})
        rows.append({"step": "dbt run incl. parse, staging views, health (wall)", "seconds": timing.seconds})
        rows += _statistics_rows(stats, "warehouse stats", args.gbstats_rows)
    elif args.warehouse:
        with duckdb.connect(str(args.warehouse), read_only=True) as con:
            stats = con.execute("select * from fct_experiment_sufficient_stats").df()
        rows += _statistics_rows(stats, "warehouse stats", args.gbstats_rows)
    return rows


def run(args: argparse.Namespace) -> int:
    from models_ml.experiments import analyze
    from models_ml.experiments.simulation import simulate_sufficient_statistics

    table: list[dict] = warehouse_step(args)
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
