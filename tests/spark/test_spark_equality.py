"""The tiny platform built on a local Spark session equals the DuckDB build, table by table (issue 18).

One Spark build per test session (tests/spark/conftest.py: started in the background at the end of
collection, on its own simulation of the same seed), of the models that build on Spark so far
(SPARK_READY_SELECT, kept in step with docs/spark.md). Its tables are copied into a DuckDB file and published
by `reelmart build` exactly as a Spark user's would be, then compared with the session's DuckDB build
(`tiny_warehouse`) by reelmart.marts_diff: rows as multisets, exact for every non-DOUBLE column
(counts, keys, decimals, dates, strings); DOUBLE columns within a relative 1e-9, because Spark and
DuckDB add floating-point sums in a different order (the sentiment probabilities are computed per row
by the same scikit-learn model and come out identical).
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from reelmart.marts_diff import diff_builds, format_diffs
from reelmart.spark_import import spark_dir

pytestmark = pytest.mark.slow

EXPECTED_TABLES = {"fct_comment_sentiment", "fct_comments", "int_sentiment_model_evaluated", "comment_sentiment_labels"}


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


def test_every_table_built_on_spark_equals_the_duckdb_build(spark_build, tiny_warehouse):
    diffs = diff_builds(tiny_warehouse.serving_db, spark_build.serving_db, float_tolerance=1e-9)
    on_spark = {d.table for d in diffs if d.status != "only_a"}
    assert EXPECTED_TABLES <= on_spark, f"missing from the Spark build: {EXPECTED_TABLES - on_spark}"
    compared = [d for d in diffs if d.table in on_spark]
    assert all(d.status in ("same", "rounding") for d in compared), format_diffs(compared)
    assert sum(d.rows_b or 0 for d in compared if d.table == "fct_comment_sentiment") > 0
