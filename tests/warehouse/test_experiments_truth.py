"""The experiment pipeline against the simulator's planted truth, end to end through dbt.

Tiny (600 users) is too small to see a planted 8% assignment loss or a 6% lift, so this module
generates the 20k scale once and runs only the experiment models and their parents (~40 s).
Seeded: same data, same numbers on every run.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import WarehousePaths, run_dbt

ALPHA = 0.05
SELECT = "+fct_experiment_results +fct_experiment_health +dim_experiments +rpt_experiment_decisions"


@pytest.fixture(scope="module")
def truth_run(tmp_path_factory) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    paths = WarehousePaths(tmp_path_factory.mktemp("experiments-20k"))
    PlatformSimulator(SCALES["20k"], paths.data_dir, seed=7, progress=False).run()
    run_dbt(["run", "--select", SELECT], paths, quiet=True)
    truth = json.loads((paths.ground_truth / "truth.json").read_text())
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        results = con.execute("""
            select r.*
            from fct_experiment_results as r
            inner join dim_experiments as e on r.experiment_id = e.experiment_id and r.day_index = e.last_day_index
            where r.dimension_name = 'overall'
        """).df()
        experiments = con.execute("select * from dim_experiments").df().set_index("experiment_id")
    return results, truth, experiments


def _rows(results: pd.DataFrame, experiment_id: str, analysis: str) -> pd.DataFrame:
    return results[(results["experiment_id"] == experiment_id) & (results["analysis"] == analysis)]


def test_planted_srm_is_flagged_and_only_it(truth_run):
    _, truth, experiments = truth_run
    planted = {e["experiment_id"] for e in truth["experiments"] if e["planted_srm"]}
    assert planted == {"exp_creator_badge"}
    assert set(experiments.index[experiments["has_srm"]]) == planted, experiments["srm_p_value"]


@pytest.mark.parametrize("analysis", ["cuped", "unadjusted"])
@pytest.mark.parametrize("metric_id", ["videos_watched", "watch_seconds", "completion_rate"])
def test_feed_ranking_ci_covers_the_true_lift(truth_run, metric_id, analysis):
    results, truth, _ = truth_run
    spec = next(e for e in truth["experiments"] if e["experiment_id"] == "exp_feed_ranking_v2")
    true_lift = spec["variants_truth"][0]["true_relative_lift"][metric_id]
    row = _rows(results, "exp_feed_ranking_v2", analysis).set_index("metric_id").loc[metric_id]
    assert row["relative_ci_lower"] <= true_lift <= row["relative_ci_upper"], (true_lift, row.to_dict())
    assert row["relative_ci_lower"] > 0, "a 5-8% lift on 14k users is detectable"


def test_planted_null_shows_no_significant_effect(truth_run):
    results, _, _ = truth_run
    for analysis in ("cuped", "unadjusted"):
        rows = _rows(results, "exp_autoplay_next", analysis)
        assert (rows["p_value_adjusted"] >= ALPHA).all(), rows[["metric_id", "p_value", "p_value_adjusted"]]
        primary = rows[rows["metric_id"].isin(["videos_watched", "watch_seconds"])]
        assert (primary["p_value"] > ALPHA).all()


def test_cuped_shrinks_the_ci_of_metrics_with_a_covariate(truth_run):
    results, _, _ = truth_run
    width = (results["relative_ci_upper"] - results["relative_ci_lower"]).rename("width")
    table = results.assign(width=width).pivot_table(
        index=["experiment_id", "variant_id", "metric_id"], columns="analysis", values="width")
    mean_metrics = table.loc[table.index.get_level_values("metric_id").isin(
        ["videos_watched", "watch_seconds", "ad_impressions"])]
    assert len(mean_metrics) == 5 * 3
    assert (mean_metrics["cuped"] < mean_metrics["unadjusted"]).all(), mean_metrics
    # activity is persistent, so the pre-period explains a real share of the variance
    assert (mean_metrics["cuped"] / mean_metrics["unadjusted"]).median() < 0.9
    no_covariate = table.xs("retained_d7", level="metric_id")
    assert (no_covariate["cuped"] == no_covariate["unadjusted"]).all()
