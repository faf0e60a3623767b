"""Experiment marts on the tiny warehouse: dedup, reconciliation with raw activity, consistency.

Checks the SQL against independent pandas computations over the validated rows, so a wrong join
or window in the marts shows up as a number that differs.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import chi2

from reelmart.warehouse import PROJECT_DIR
from tests.contracts import duckdb_type

ALPHA = 0.05


@pytest.fixture(scope="module")
def con(tiny_warehouse):
    # Views (int_*) in the snapshot still resolve the landing folder, so raw rows can be re-read.
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as connection:
        yield connection


def _df(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


@pytest.mark.parametrize("model", ["fct_experiment_results", "fct_experiment_srm"])
def test_python_marts_have_the_documented_columns_and_types(con, tiny_warehouse, model):
    """Stand-in for a contract, which dbt does not enforce on Python models."""
    manifest = json.loads((tiny_warehouse.dbt_target / "manifest.json").read_text())
    node = manifest["nodes"][f"model.reelmart.{model}"]
    documented = [(name, duckdb_type(column["data_type"]).lower()) for name, column in node["columns"].items()]
    built = [(name, kind.lower()) for name, kind in
             con.execute("select column_name, data_type from information_schema.columns "
                         "where table_name = ? order by ordinal_position", [model]).fetchall()]
    assert sorted(built) == sorted(documented)


def test_multiple_exposures_are_excluded_and_counted(con):
    assignments = _df(con, """
        select a.experiment_id, a.user_id, a.variant_id, a.exposed_at
        from int_experiment_assignments_validated as a
        inner join int_experiments_validated as e on a.experiment_id = e.experiment_id
        where a.exposed_at >= e.start_date and a.exposed_at < e.end_date + interval 1 day
    """)
    per_user = assignments.groupby(["experiment_id", "user_id"])["variant_id"].nunique()
    expected_multiple = (per_user > 1).groupby(level=0).sum()
    expected_analysed = (per_user == 1).groupby(level=0).sum()
    health = _df(con, "select experiment_id, multiple_exposure_users, analysed_users from dim_experiments")
    health = health.set_index("experiment_id")
    assert (expected_multiple > 0).any(), "the simulator plants multiple exposures"
    pd.testing.assert_series_equal(health["multiple_exposure_users"].sort_index(),
                                   expected_multiple.sort_index().astype("int64"), check_names=False)
    pd.testing.assert_series_equal(health["analysed_users"].sort_index(),
                                   expected_analysed.sort_index().astype("int64"), check_names=False)
    # the statistics use exactly the analysed users
    stats = _df(con, """
        select s.experiment_id, sum(s.n_users) as n
        from fct_experiment_sufficient_stats as s
        inner join dim_experiments as e on s.experiment_id = e.experiment_id and s.day_index = e.last_day_index
        where s.metric_id = 'videos_watched' and s.dimension_name = 'overall'
        group by s.experiment_id
    """).set_index("experiment_id")["n"]
    assert stats.sort_index().tolist() == health["analysed_users"].sort_index().tolist()


def test_videos_watched_statistics_match_raw_views(con):
    """main_sum and main_sum_squares of videos_watched, recomputed from the validated views."""
    exposures = _df(con, """
        select x.experiment_id, x.user_id, x.variant_id, x.first_exposed_at, w.analysis_end_date
        from int_experiment_exposures as x
        inner join int_experiment_windows as w on x.experiment_id = w.experiment_id
        where not x.is_multiple_exposure
    """)
    views = _df(con, "select user_id, event_at from int_watch_events_validated")
    joined = exposures.merge(views, on="user_id", how="left")
    in_window = (joined["event_at"] >= joined["first_exposed_at"]) & (
        joined["event_at"].dt.normalize() <= pd.to_datetime(joined["analysis_end_date"]))
    joined["views"] = in_window.astype(int)
    per_user = joined.groupby(["experiment_id", "variant_id", "user_id"])["views"].sum().reset_index()
    expected = per_user.groupby(["experiment_id", "variant_id"])["views"].agg(
        main_sum="sum", main_sum_squares=lambda v: float((v**2).sum()), n_users="size")
    got = _df(con, """
        select s.experiment_id, s.variant_id, s.main_sum, s.main_sum_squares, s.n_users
        from fct_experiment_sufficient_stats as s
        inner join dim_experiments as e on s.experiment_id = e.experiment_id and s.day_index = e.last_day_index
        where s.metric_id = 'videos_watched' and s.dimension_name = 'overall'
    """).set_index(["experiment_id", "variant_id"]).sort_index()
    expected = expected.sort_index()
    np.testing.assert_allclose(got["main_sum"], expected["main_sum"])
    np.testing.assert_allclose(got["main_sum_squares"], expected["main_sum_squares"])
    np.testing.assert_array_equal(got["n_users"], expected["n_users"])


def test_segments_partition_the_overall_last_day(con):
    """The per-user pass (segments) and the cumulative grid (overall) agree on the last day."""
    rows = _df(con, """
        with last_day as (
            select s.* from fct_experiment_sufficient_stats as s
            inner join dim_experiments as e on s.experiment_id = e.experiment_id and s.day_index = e.last_day_index
        )
        select dimension_name, experiment_id, variant_id, metric_id,
               sum(n_users) as n_users, sum(main_sum) as main_sum, sum(main_sum_squares) as main_sum_squares,
               sum(coalesce(main_covariate_sum_product, 0)) as main_covariate,
               sum(coalesce(main_denominator_sum_product, 0)) as main_denominator
        from last_day
        group by all
    """)
    keys = ["experiment_id", "variant_id", "metric_id"]
    overall = rows[rows["dimension_name"] == "overall"].set_index(keys).drop(columns="dimension_name").sort_index()
    for dimension in ("country", "device_os", "user_type"):
        segment = rows[rows["dimension_name"] == dimension].set_index(keys).drop(columns="dimension_name").sort_index()
        pd.testing.assert_frame_equal(segment, overall, check_exact=False, rtol=1e-9)


def test_cumulative_days_only_grow(con):
    """Users and (uncapped) counts accumulate: day d+1 never has fewer than day d."""
    stats = _df(con, """
        select experiment_id, variant_id, metric_id, day_index, n_users, main_sum
        from fct_experiment_sufficient_stats
        where dimension_name = 'overall' and metric_id in ('videos_watched', 'watch_seconds', 'ad_impressions')
        order by experiment_id, variant_id, metric_id, day_index
    """)
    grouped = stats.groupby(["experiment_id", "variant_id", "metric_id"])
    assert (grouped["n_users"].diff().dropna() >= 0).all()
    assert (grouped["main_sum"].diff().dropna() >= -1e-9).all()
    assert grouped["day_index"].apply(lambda d: (np.diff(d) == 1).all()).all()


def test_every_experiment_has_every_metric_and_both_analyses(con):
    counts = _df(con, """
        select experiment_id, analysis, count(distinct metric_id) as metrics
        from fct_experiment_results where dimension_name = 'overall'
        group by all
    """)
    n_metrics = con.execute("select count(*) from dim_experiment_metrics").fetchone()[0]
    assert len(counts) == 4 * 2
    assert (counts["metrics"] == n_metrics).all()


def test_planted_null_is_not_significant_at_tiny_scale(con):
    """exp_autoplay_next has no effect: no metric is significant after correction, and the raw
    p-values of the primary metrics are not small."""
    rows = _df(con, """
        select r.metric_id, r.analysis, r.p_value, r.p_value_adjusted, m.is_primary
        from fct_experiment_results as r
        inner join dim_experiments as e on r.experiment_id = e.experiment_id and r.day_index = e.last_day_index
        inner join dim_experiment_metrics as m on r.metric_id = m.metric_id
        where r.experiment_id = 'exp_autoplay_next' and r.dimension_name = 'overall'
    """)
    assert (rows["p_value_adjusted"] >= ALPHA).all(), rows
    assert (rows.loc[rows["is_primary"], "p_value"] > ALPHA).all(), rows


def test_health_flags_follow_their_vars(con):
    """Each flag follows its one dbt var (read from dbt_project.yml, not repeated here)."""
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    health = _df(con, "select analysed_users, is_too_few_users from fct_experiment_health")
    minimum = project_vars["experiment_min_users_per_variant"]
    assert (health["is_too_few_users"] == (health["analysed_users"] < minimum)).all()
    experiments = _df(con, """
        select e.*, s.srm_p_value as slice_p_value
        from dim_experiments as e
        inner join fct_experiment_srm as s
            on e.experiment_id = s.experiment_id and s.day_index = e.last_day_index and s.dimension_name = 'overall'
    """)
    assert (experiments["srm_p_value"] == experiments["slice_p_value"]).all()
    assert (experiments["has_srm"] == (experiments["srm_p_value"] < project_vars["experiment_srm_threshold"])).all()
    assert (experiments["has_multiple_exposures"] == (
        experiments["multiple_exposure_share"] > project_vars["experiment_multiple_exposure_threshold"])).all()
    # the per-arm chi-square parts fct_experiment_health shows in SQL add up to the statistic behind the
    # p-value models_ml.experiments.srm computed: the displayed decomposition cannot drift from the decision
    shown = experiments.dropna(subset=["srm_chi_square", "srm_p_value"])
    assert len(shown) == len(experiments) > 2
    assert chi2.sf(shown["srm_chi_square"], shown["variants"] - 1) == pytest.approx(shown["srm_p_value"].to_numpy(),
                                                                                     rel=1e-9, abs=1e-12)
