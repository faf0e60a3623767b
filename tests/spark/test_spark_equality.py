"""The tiny platform built on a local Spark session equals the DuckDB build, table by table (issue 18).

One Spark build per test session (tests/spark/conftest.py: a child process started at the end of
collection, on its own simulation of the same seed; these tests run last) of the whole project, as
`dbt build`: models, seeds, data tests and unit tests, but for dbt's own generic tests on the tables compared
here, which the comparison proves (tests/spark/proved_by_equality.py). Its tables
are copied into a DuckDB file and published by `reelmart build` exactly as a Spark user's would be, then
compared with the session's DuckDB build (`tiny_warehouse`) by reelmart.marts_diff, rows as multisets:

- exact for every column that is not DOUBLE: counts, keys, decimals (the models cast their sums to the
  contracts' widths, so the types must match too), dates, timestamps, strings, fct_rejects' row JSON;
- DOUBLE columns within a relative 1e-9: Spark and DuckDB add floating-point sums in a different order
  (and DuckDB's own parallel aggregation varies between two runs; README "dbt directly"), which moves
  the last bits of a sum of many doubles (~1e-16 relative per addition), far below 1e-9;
- the recommender's tables identical, with no tolerance: their fits see the same rows in the same order
  on both engines (samples drawn from the sorted viewer ids, frames sorted before fitting), and their
  model_version hashes those input frames, so equal versions prove the fits saw bit-identical inputs and
  a last-bit difference would show as another version, not hide inside a float tolerance.
"""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from audience_export.identifiers import store_path
from reelmart.marts_diff import diff_builds, format_diffs
from reelmart.spark_import import spark_dir
from tests.spark.proved_by_equality import (
    BUILD_LOCAL_COLUMNS,
    DBT_BUILTIN_TESTS,
    builtin_tests_proved_by_equality,
    is_compared_table,
)

pytestmark = pytest.mark.slow

FLOAT_TOLERANCE = 1e-9
RECOMMENDER_TABLES = ("int_recommender_selected", "int_recommender_evaluated", "fct_recommendations")


@pytest.fixture(scope="module")
def spark_run(spark_build):
    """The nodes of the Spark build (dbt's run_results.json) with their manifest entries."""
    manifest = json.loads((spark_build.dbt_target / "manifest.json").read_text())
    results = json.loads((spark_build.dbt_target / "run_results.json").read_text())["results"]
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    # a build without --select lists the exposures too (status no-op): they are documentation, not built
    return manifest, [(r, nodes[r["unique_id"]]) for r in results if not r["unique_id"].startswith("exposure.")]


def _rows_by_file(landing) -> dict[str, object]:
    return {str(path.relative_to(landing)): pq.read_table(path) for path in sorted(landing.rglob("*.parquet"))}


def test_spark_build_read_the_same_exports_as_the_duckdb_build(spark_build, tiny_warehouse):
    """The Spark build simulates its own copy of the tiny platform (tests/spark/conftest.py): same files, same rows."""
    spark, duck = _rows_by_file(spark_build.landing), _rows_by_file(tiny_warehouse.landing)
    assert spark.keys() == duck.keys() and len(duck) > 16
    for name, table in duck.items():
        assert spark[name].equals(table), name


def test_spark_keeps_its_scratch_under_the_data_dir(spark_build):
    scratch = spark_dir(spark_build.data_dir)
    assert (scratch / "metastore_db").is_dir() and (scratch / "derby.log").is_file()
    assert (scratch / "spark-warehouse" / "reelmart.db" / "fct_comment_sentiment").is_dir()


def test_every_model_data_test_and_unit_test_passed_on_spark(spark_run):
    _, run = spark_run
    failed = [(node["name"], result["status"]) for result, node in run if result["status"] not in ("success", "pass")]
    assert not failed, failed
    kinds = {}
    for _, node in run:
        kind = node["resource_type"] if node["resource_type"] != "model" else f"{node['language']} model"
        kinds[kind] = kinds.get(kind, 0) + 1
    # lower bounds from the build of 2026-12-07 (115 SQL and 23 Python models, 493 data tests of which 261
    # proved by equality and left out, 18 unit tests); the test below checks what is left out
    assert kinds.get("sql model", 0) >= 115 and kinds.get("python model", 0) >= 23, kinds
    assert kinds.get("test", 0) >= 232 and kinds.get("unit_test", 0) >= 18, kinds


def test_every_model_seed_and_test_of_the_project_built_on_spark(spark_run):
    """Left out of the suite's Spark build: exactly dbt's own generic tests on the compared tables, nothing else
    (every model, seed, unit test and test of ours ran); why they may be: the test below and its module."""
    manifest, run = spark_run
    built = {result["unique_id"] for result, _ in run}
    nodes = {uid for uid, node in {**manifest["nodes"], **manifest.get("unit_tests", {})}.items()
             if node["resource_type"] in ("model", "seed", "test", "unit_test")}
    left_out = builtin_tests_proved_by_equality(manifest)
    assert nodes - built == left_out, f"not built on Spark and not proved by equality: {sorted(nodes - built - left_out)}"
    assert len(left_out) >= 250 and not left_out & built
    ours = {uid for uid in nodes if manifest["nodes"].get(uid, {}).get("resource_type") == "test"
            and (manifest["nodes"][uid].get("test_metadata") or {}).get("name") not in DBT_BUILTIN_TESTS}
    assert len(ours) >= 150 and ours <= built, "a test of ours (or a singular test) did not run on Spark"


def test_the_tests_left_out_on_spark_sit_on_tables_proved_equal(spark_run, equality):
    """Each left-out test reads only tables compared here and found equal (a DOUBLE column only within the
    tolerance: there a left-out test may check NULLs only, which the comparison matches exactly)."""
    manifest, _ = spark_run
    statuses, doubles = equality["statuses"], equality["double_columns"]
    for uid in builtin_tests_proved_by_equality(manifest):
        test = manifest["nodes"][uid]
        columns = {test.get("column_name"), test["test_metadata"]["kwargs"].get("field")}  # relationships: `field`
        for parent in (manifest["nodes"][p]["name"] for p in test["depends_on"]["nodes"]):
            assert statuses.get(parent) in ("same", "rounding"), (test["name"], parent, statuses.get(parent))
            if statuses[parent] == "rounding" and test["test_metadata"]["name"] != "not_null":
                assert not columns & doubles[parent], (test["name"], parent)


@pytest.fixture(scope="module")
def equality(spark_build, spark_run, tiny_warehouse):
    """The tables Spark built that are compared, their diffs with the DuckDB build, and their DOUBLE columns."""
    _, run = spark_run
    tables = {node["name"] for _, node in run if is_compared_table(node)}
    diffs = [d for d in diff_builds(tiny_warehouse.serving_db, spark_build.serving_db, float_tolerance=FLOAT_TOLERANCE)
             if d.table in tables]
    with duckdb.connect(str(spark_build.serving_db), read_only=True) as con:
        typed = con.execute("select table_name, column_name from information_schema.columns "
                            "where data_type in ('DOUBLE', 'FLOAT')").fetchall()
    double_columns = {table: set() for table in tables}
    for table, column in typed:
        double_columns.setdefault(table, set()).add(column)
    statuses = {d.table: d.status for d in diffs if d.table not in BUILD_LOCAL_COLUMNS}
    return {"tables": tables, "diffs": diffs, "statuses": statuses, "double_columns": double_columns}


def test_every_table_built_on_spark_equals_the_duckdb_build(spark_build, equality, tiny_warehouse):
    tables, diffs = equality["tables"], equality["diffs"]
    assert {"fct_rejects", "fct_video_retention", "fct_experiment_sufficient_stats", "int_watch_events_checked"} <= tables
    campaigns = {"int_campaign_uplift_scored", "int_campaign_uplift_evaluated", "int_placement_cells",
                 "rpt_placement_recommendations", "fct_campaign_lift"}
    assert campaigns <= tables, campaigns - tables
    assert {d.table for d in diffs if d.status != "only_a"} == tables, "tables Spark built but did not copy"
    local = [d for d in diffs if d.table in BUILD_LOCAL_COLUMNS]
    diffs = [d for d in diffs if d.table not in BUILD_LOCAL_COLUMNS]
    assert all(d.status in ("same", "rounding") for d in diffs), format_diffs(diffs)
    assert {d.table: d.status for d in diffs if d.table in RECOMMENDER_TABLES} == dict.fromkeys(RECOMMENDER_TABLES,
                                                                                                "same"), format_diffs(diffs)
    for d in local:
        assert _rows_without(tiny_warehouse.serving_db, d.table) == _rows_without(spark_build.serving_db, d.table), d.table
    assert all(d.rows_a for d in diffs if d.table in ("fct_rejects", "fct_comment_sentiment", "fct_video_retention",
                                                       *RECOMMENDER_TABLES, *campaigns))


def _rows_without(db, table: str) -> list:
    """The rows of `table` without its build-local columns, sorted (a multiset)."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [c for (c,) in con.execute("select column_name from information_schema.columns "
                                              "where table_name = ? order by ordinal_position", [table]).fetchall()
                   if c not in BUILD_LOCAL_COLUMNS[table]]
        listed = ", ".join(f'"{c}"' for c in columns)
        return con.execute(f'select {listed} from "{table}" order by all').fetchall()


def test_the_identifier_store_published_from_spark_equals_the_duckdb_one(spark_build, tiny_warehouse):
    """dim_user_identifiers (raw identifiers) is a view on DuckDB and a table on Spark; publish moves its rows
    out of the snapshot into the audience export's store either way, and the stores are equal."""
    def rows(paths):
        with duckdb.connect(str(store_path(paths.serving_db)), read_only=True) as con:
            return con.execute("select * from dim_user_identifiers order by all").fetchall()

    duck = rows(tiny_warehouse)
    assert len(duck) > 500 and rows(spark_build) == duck
    with duckdb.connect(str(spark_build.serving_db), read_only=True) as con:
        assert not con.execute("select * from information_schema.tables where table_name = 'dim_user_identifiers'"
                               ).fetchall(), "raw identifiers left in the Spark-built snapshot"
