"""Best time to post per audience (issue 17) on the session's builds: on the tiny warehouse the Python mart's
columns and types against its YAML, the mart against the models_ml function run on the intermediate model,
and the intermediate's early views against int_video_early_engagement; at 20k (slow) the planted per-audience
windows on the held-out seed 23 (the session's 20k build, SELECT_20K)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from models_ml.creators.posting import audience_posting_effects, score_audience_windows
from tests.contracts import duckdb_type

ROOT = Path(__file__).resolve().parents[2]
MARTS_YML = ROOT / "warehouse" / "marts" / "creators" / "_creators__posting.yml"


def _settings() -> dict:
    project_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    return {**project_vars["creator_posting"], "level": project_vars["interval_level"]}


def _run(views: pd.DataFrame) -> pd.DataFrame:
    s = _settings()
    return audience_posting_effects(views, bucket_hours=s["bucket_hours"], fdr_alpha=s["fdr_alpha"], level=s["level"])


@pytest.fixture(scope="module")
def built(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        views = con.execute("select * from int_video_early_audience order by video_id, audience").df()
        table = con.execute("select * from rpt_category_audience_posting_times "
                            "order by category, audience, bucket_start_hour").df()
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'rpt_category_audience_posting_times' order by ordinal_position").fetchall())
        early = con.execute("select video_id, early_views, early_completed_views from int_video_early_engagement "
                            "where early_views > 0 order by video_id").df()
    return views, table, types, early


def test_mart_has_the_documented_columns_and_types(built):
    model = next(m for m in yaml.safe_load(MARTS_YML.read_text())["models"]
                 if m["name"] == "rpt_category_audience_posting_times")
    assert built[2] == {c["name"]: duckdb_type(c["data_type"]) for c in model["columns"]}


def test_mart_is_the_model_run_on_the_intermediate_views(built):
    views, table, _, _ = built
    assert len(table) > 0
    pd.testing.assert_frame_equal(table.reset_index(drop=True), _run(views), check_dtype=False)


def test_audience_views_add_up_to_the_early_views_of_each_video(built):
    views, _, _, early = built
    summed = views.groupby("video_id")[["early_views", "early_completed_views"]].sum().reset_index()
    pd.testing.assert_frame_equal(summed, early.reset_index(drop=True), check_dtype=False)
    assert views["audience"].notna().all() and (views["early_views"] > 0).all()


@pytest.mark.slow
def test_planted_audience_windows_on_a_held_out_seed(warehouse_20k):
    """Seed 23 at 20k was not run while choosing the method and the planted effect (seed 7 was)."""
    paths = warehouse_20k(23)
    truth = json.loads((paths.data_dir / "ground_truth" / "truth.json").read_text())["audience_posting_times"]
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        table = con.execute("select * from rpt_category_audience_posting_times").df()
    score = score_audience_windows(table, truth["good_bucket_start_hour"])
    flagged = table[table["is_best_time"]]
    assert (flagged["bucket_start_hour"] == flagged["audience"].map(truth["good_bucket_start_hour"])).all()
    # measured when the method was fixed: 14 flags, all right; every audience's top pooled window right
    # (docs/creator-studio.md, "Per audience"); the bars leave room for a changed simulator stream
    assert score["flagged"] >= 7
    assert score["audiences top pooled right"] >= 6 and score["audiences"] == 7
