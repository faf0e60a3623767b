"""Issue 19: an incremental day equals a full refresh of the same data, for every table of the snapshot.

A private copy of the session's tiny instance gets one new export day and three builds: a daily build
(the scheduled models keep their last fit), the same with `--refit`, and a full refresh, in a child process
beside the other tests (`three_builds_in_child`). Compared with reelmart.marts_diff (rows as multisets;
DOUBLE sums may differ in the last bits between two builds).
The refit build is also a second build of the same data: incremental builds are idempotent.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from reelmart.marts_diff import diff_builds
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import WarehousePaths, build
from tests.conftest import background_result, copy_instance

# Models that keep their last fit until a refit is due (models_ml.schedule, var refit_every_days), with the
# column that stamps the fit ...
SCHEDULED = {"int_recommender_evaluated": "evaluated_at", "int_recommender_selected": "evaluated_at",
             "int_sentiment_model_evaluated": "evaluated_at", "int_campaign_uplift_fitted": "data_through",
             "int_placement_segments_planned": "data_through", "int_placement_plans_summarised": "data_through",
             "int_placement_plans_backtested": "data_through"}
# ... the uplift evaluation, which runs with the uplift fit (not on the schedule of its own) ...
FOLLOWS_FIT = {"int_campaign_uplift_evaluated": "evaluated_at"}
# ... and the tables that read their rows show the kept fit on a day without a refit (fct_recommendations serves
# the family the kept choice named; the uplift scores, their deciles, the persuadable audiences and the placement
# cells come from the kept uplift fits): every descendant of a scheduled model (three_builds' manifest).
# The event sources whose checked table loads one export day at a time (warehouse/macros/export_days.sql).
EVENT_SOURCES = ("watch_events", "comments", "ad_impressions", "ad_clicks", "conversions", "experiment_assignments")
CHECKED_DIR = "warehouse/intermediate/validation"
# Models downstream of the checked tables that also load by export day (issue 19), by compiled path.
BY_EXPORT_DAY = {"int_experiment_user_activity": "warehouse/intermediate/experiments",
                 "int_experiment_user_days": "warehouse/intermediate/experiments",
                 "fct_rejects": "warehouse/marts/quality"}
# The core marts, compared byte for byte between two builds of the same data.
MARTS = ["dim_users", "dim_videos", "dim_creators", "fct_watch_events", "fct_comments", "fct_video_daily",
         "fct_creator_daily", "fct_rejects", "rpt_source_reconciliation"]


def _mart_digests(db_path) -> dict[str, str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {
            mart: hashlib.sha256(repr(con.execute(f"select * from {mart} order by all").fetchall()).encode()).hexdigest()
            for mart in MARTS
        }


UPLIFT_FITS = ("select campaign_id, model_version, md5(coalesce(fitted_model, '')) from int_campaign_uplift_fitted "
               "order by all")
SCORED_USERS = "select campaign_id, user_id, model_version from int_campaign_uplift_scored order by all"


def _fitted_at(db_path) -> dict[str, object]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {model: con.execute(f"select max({stamp}) from {model}").fetchone()[0]
                for model, stamp in (SCHEDULED | FOLLOWS_FIT).items()}


def _descendants(manifest: dict, models) -> set[str]:
    """Every model, seed or snapshot downstream of `models` (names), by name."""
    found, todo = set(), [f"model.reelmart.{m}" for m in models]
    while todo:
        for child in manifest["child_map"].get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return {uid.split(".")[-1] for uid in found if uid.split(".")[0] in ("model", "seed", "snapshot")}


# The three builds run in a child process as soon as the session's tiny build is ready (tests/conftest.py,
# background_result), beside the other tests; the fixture waits for them.
BACKGROUND_FROM_TINY = "three_builds_in_child"


def three_builds_in_child(tiny_dir: str, work: str) -> dict:
    """Copy the tiny instance, append one export day, build daily, refit and full; keep a copy of each snapshot
    and the SQL the daily build ran for each checked event source (before the next builds compile over it)."""
    work = Path(work)
    paths = copy_instance(WarehousePaths(Path(tiny_dir)), work / "data")
    PlatformSimulator(SCALES["tiny"], paths.data_dir, seed=11, progress=False).append_days(1)
    for name, options in (("daily", {}), ("refit", {"refit": True}), ("full", {"full_refresh": True})):
        build(paths, docs=False, quiet=True, **options)
        shutil.copyfile(paths.serving_db, work / f"{name}.duckdb")
        if name == "daily":
            (work / "daily_sql").mkdir()
            for source in EVENT_SOURCES:
                shutil.copyfile(paths.dbt_target / "compiled" / "reelmart" / CHECKED_DIR / f"int_{source}_checked.sql",
                                work / "daily_sql" / f"{source}.sql")
            for model, folder in BY_EXPORT_DAY.items():
                shutil.copyfile(paths.dbt_target / "compiled" / "reelmart" / folder / f"{model}.sql",
                                work / "daily_sql" / f"{model}.sql")
    shutil.copyfile(paths.dbt_target / "manifest.json", work / "manifest.json")
    new_day = max(p.name.split("=")[1] for p in (paths.landing / "watch_events").glob("export_date=*"))
    return {"new_day": new_day}


@pytest.fixture(scope="module")
def three_builds(tiny_warehouse, request) -> dict:
    work, result = background_result(request)
    with duckdb.connect(str(tiny_warehouse.build_db), read_only=True) as con:
        uplift_fits = con.execute(UPLIFT_FITS).fetchall()
    return {"fitted_before": _fitted_at(tiny_warehouse.build_db),  # the build the copy started from
            "uplift_fits_before": uplift_fits,
            "daily_sql": {key: (work / "daily_sql" / f"{key}.sql").read_text()
                          for key in (*EVENT_SOURCES, *BY_EXPORT_DAY)},
            "new_day": result["new_day"], "manifest": json.loads((work / "manifest.json").read_text()),
            **{name: work / f"{name}.duckdb" for name in ("daily", "refit", "full")}}


def test_the_new_day_is_loaded(three_builds):
    with duckdb.connect(str(three_builds["daily"]), read_only=True) as con:
        days = con.execute("select count(distinct export_date) from fct_watch_events").fetchone()[0]
    assert days == SCALES["tiny"].days + 1


def test_validation_reads_only_the_new_export_day(three_builds):
    """The daily build staged the new day of each event source and no earlier one (none at all where the new
    day's file is empty: tiny has days without an ad click)."""
    new_day = [f"cast('{three_builds['new_day']}' as date)"]
    for source in EVENT_SOURCES:
        sql = three_builds["daily_sql"][source]
        filters = re.findall(r"where (false|export_date in \(.*\))\n", sql)
        assert filters in (["false"], [f"export_date in ({new_day[0]})"]), (source, filters)
    assert f"export_date in ({new_day[0]})" in three_builds["daily_sql"]["watch_events"]


def test_experiment_activity_user_days_and_rejects_read_only_the_new_export_day(three_builds):
    """The daily build's experiment activity and user days took the export days after the newest one they held
    (the day before the new one) and nothing older, user days continuing the stored running totals; fct_rejects
    read the new day only (equality with a full refresh: the tests below)."""
    previous = (date.fromisoformat(three_builds["new_day"]) - timedelta(days=1)).isoformat()
    sql = three_builds["daily_sql"]
    for model in ("int_experiment_user_activity", "int_experiment_user_days"):
        assert set(re.findall(r"export_date > cast\('([0-9-]+)' as date\)", sql[model])) == {previous}, model
    # fct_rejects reloads the days whose rejects per file differ from the checked tables': the new day only
    assert set(re.findall(r"cast\('([0-9-]+)' as date\)", sql["fct_rejects"])) == {three_builds["new_day"]}
    assert sql["int_experiment_user_activity"].count(f"export_date > cast('{previous}' as date)") == 4
    assert "arg_max(cumulative_views, day_index)" in sql["int_experiment_user_days"]  # continues stored totals
    assert "watch_events_rejects" in sql["fct_rejects"]


def test_scheduled_models_keep_their_fit_until_refit(three_builds):
    before = three_builds["fitted_before"]
    assert _fitted_at(three_builds["daily"]) == before
    refitted = _fitted_at(three_builds["refit"])
    assert all(refitted[model] > before[model] for model in SCHEDULED | FOLLOWS_FIT), (before, refitted)


def test_refit_day_equals_full_refresh_for_every_table(three_builds):
    diffs = diff_builds(three_builds["refit"], three_builds["full"], float_tolerance=1e-9)
    tables = {d.table for d in diffs}  # every table of the snapshot, not a hand-picked list
    assert len(tables) > 50 and {"fct_watch_events", "fct_model_evaluations", "fct_recommendations",
                                 "int_campaign_uplift_fitted", "fct_campaign_uplift_scores", "rpt_placement_plan"} <= tables
    assert [d for d in diffs if d.status not in ("same", "rounding")] == []


def test_daily_build_equals_full_refresh_except_the_kept_fits(three_builds):
    shows_kept_fit = {*SCHEDULED, *FOLLOWS_FIT} | _descendants(three_builds["manifest"], SCHEDULED)
    # what may differ is the fits and what reads them, not the core marts or the experiment results
    assert {"fct_recommendations", "fct_campaign_uplift_scores", "rpt_placement_plan"} <= shows_kept_fit
    assert not shows_kept_fit & {*MARTS, "fct_experiment_results", "fct_campaign_daily", "fct_campaign_lift"}
    diffs = diff_builds(three_builds["daily"], three_builds["full"], float_tolerance=1e-9)
    differing = {d.table for d in diffs if d.status not in ("same", "rounding")}
    assert differing <= shows_kept_fit, differing - shows_kept_fit


def test_daily_build_serves_the_kept_recommender_refreshed_with_the_new_day(tiny_warehouse, three_builds):
    """fct_recommendations refreshed the stored fit (models_ml.recommend.kept): the rows name the fit of the build
    before, yet nobody is recommended a video they watched, the new day included; the refit build fitted anew."""
    versions = {}
    for name, db in (("before", tiny_warehouse.build_db), *((n, three_builds[n]) for n in ("daily", "refit"))):
        with duckdb.connect(str(db), read_only=True) as con:
            versions[name] = {v for (v,) in con.execute("select distinct model_version from fct_recommendations").fetchall()}
            if name == "daily":
                watched_again = con.execute(
                    "select count(*) from fct_recommendations r join fct_watch_events w "
                    "on r.user_id = w.user_id and r.video_id = w.video_id").fetchone()[0]
                new_day_viewers = con.execute(
                    "select count(distinct r.user_id) from fct_recommendations r join fct_watch_events w "
                    "on r.user_id = w.user_id where w.event_date = ?", [three_builds["new_day"]]).fetchone()[0]
    assert len(versions["before"]) == 1 and versions["daily"] == versions["before"], versions
    assert versions["refit"] != versions["before"], versions
    assert watched_again == 0 and new_day_viewers > 0


def test_daily_build_scores_every_lift_study_user_with_the_kept_uplift_fits(three_builds):
    """The daily build kept each campaign's fitted estimator (byte for byte the one of the build before) and scored
    every user of the grown lift study with it: the same users as the full refresh, which refitted."""
    with duckdb.connect(str(three_builds["daily"]), read_only=True) as con:
        fits = con.execute(UPLIFT_FITS).fetchall()
        users = con.execute(SCORED_USERS).fetchall()
    with duckdb.connect(str(three_builds["full"]), read_only=True) as con:
        assert [row[:2] for row in con.execute(SCORED_USERS).fetchall()] == [row[:2] for row in users]
    assert fits == three_builds["uplift_fits_before"] and fits
    assert {(campaign, version) for campaign, _, version in users} <= {(c, v) for c, v, _ in fits}


def test_building_twice_gives_identical_marts(three_builds):
    """The refit build runs on exactly the data the daily build loaded. var refit reaches only the scheduled
    models (their config, in the manifest), and no core mart reads one of them, so for the core marts the refit
    build is a plain second build: it must leave them byte for byte as the first one did."""
    manifest = three_builds["manifest"]
    refit_models = {n["unique_id"] for n in manifest["nodes"].values() if "refit" in n.get("config", {})}
    assert {uid.split(".")[-1] for uid in refit_models} == set(SCHEDULED)

    def ancestors(unique_id: str) -> set[str]:
        found, todo = set(), [unique_id]
        while todo:
            for parent in manifest["parent_map"].get(todo.pop(), []):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    for mart in MARTS:
        assert not ancestors(f"model.reelmart.{mart}") & refit_models, mart
    first = _mart_digests(three_builds["daily"])
    assert _mart_digests(three_builds["refit"]) == first
