"""Best time to post (issue 17) on the session's tiny warehouse: the Python mart's columns and types against
its YAML (dbt cannot enforce contracts on Python models), the wrapper against the models_ml function run on
the intermediate model, and the early views against the watch events."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from models_ml.creators.posting import posting_time_effects
from tests.contracts import duckdb_type

ROOT = Path(__file__).resolve().parents[2]
MARTS_YML = ROOT / "warehouse" / "marts" / "creators" / "_creators__posting.yml"


@pytest.fixture(scope="module")
def built(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        videos = con.execute("select * from int_video_early_engagement").df()
        table = con.execute("select * from rpt_category_posting_times order by category, bucket_start_hour").df()
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'rpt_category_posting_times' order by ordinal_position").fetchall())
        early = con.execute(
            "select count(*) from fct_watch_events e join dim_videos v using (video_id) "
            "where e.event_at >= v.published_at and e.event_at < v.published_at + interval 48 hour").fetchone()[0]
    project_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    settings = {**project_vars["creator_posting"], "level": project_vars["interval_level"]}
    return videos, table, types, early, settings


def test_mart_has_the_documented_columns_and_types(built):
    documented = yaml.safe_load(MARTS_YML.read_text())["models"][0]["columns"]
    assert built[2] == {c["name"]: duckdb_type(c["data_type"]) for c in documented}


def test_mart_is_the_model_run_on_the_intermediate_videos(built):
    videos, table, _, _, settings = built
    assert len(table) > 0
    expected = posting_time_effects(videos, settings["bucket_hours"], settings["min_views"], settings["level"])
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected, check_dtype=False)
    assert set(table["bucket_start_hour"]) <= set(range(0, 24, settings["bucket_hours"]))


def test_early_views_are_the_first_48_hours_of_watch_events(built):
    videos, table, _, early, settings = built
    assert videos["early_views"].sum() == early > 0
    eligible = videos[videos["early_views"] >= settings["min_views"]]
    assert table["early_views"].sum() <= eligible["early_views"].sum()
    assert (videos["early_completed_views"] <= videos["early_views"]).all()
