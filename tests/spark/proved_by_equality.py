"""Which data tests the suite's Spark build leaves out, because the equality test proves them (docs/spark.md).

dbt's own generic tests (not_null, unique, accepted_values, relationships) are a predicate over the rows of
their parent tables, in dbt's SQL, with no project SQL of ours in them (no `where` or other config: checked
below). The session's DuckDB build of the same seed runs every one of them and passes (a failed test fails
that build and every test that waits for it), and tests/spark/test_spark_equality.py proves each table that
the Spark build writes equal to the DuckDB one: the same rows, NULLs and non-DOUBLE values exact. So on a
table that the equality test compares, such a test can only fail on Spark where the equality fails too;
running it on Spark proves nothing more. Kept: every test on a table the equality test does not compare
(staging tables, views, the identifier table, a table with build-local columns), every test of ours
(their SQL goes through our dispatch macros, so Spark must run it), and every unit test.
`REELMART_TARGET=spark reelmart build` builds and runs everything; only the suite's build leaves these out.
"""

from __future__ import annotations

from reelmart.spark_import import IMPORTED_AS_VIEWS, NOT_IMPORTED_PREFIXES

DBT_BUILTIN_TESTS = ("not_null", "unique", "accepted_values", "relationships")
TABLE_MATERIALIZATIONS = ("table", "incremental", "seed")  # views read the landing files: nothing to copy
# Columns that hold a property of the build's own copy of the files, not of the data: the Spark build
# simulates its own landing folder (tests/spark/conftest.py), so its video files have other modification times.
BUILD_LOCAL_COLUMNS = {"int_video_file_shots": ("file_mtime_ns",)}
_TEST_CONFIG_OF_DBT = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0",
                       "error_if": "!= 0", "severity": "ERROR"}


def is_compared_table(node: dict) -> bool:
    """A table the Spark build writes and the equality test compares with the DuckDB build as a whole."""
    return (node["resource_type"] in ("model", "seed") and node["config"]["materialized"] in TABLE_MATERIALIZATIONS
            and not node["name"].startswith(NOT_IMPORTED_PREFIXES) and node["name"] not in IMPORTED_AS_VIEWS)


def builtin_tests_proved_by_equality(manifest: dict) -> set[str]:
    """Unique ids of dbt's own generic tests, as dbt configures them, whose every parent is a compared table
    without build-local columns (parsed for the Spark target: staging models are tables there)."""
    nodes = manifest["nodes"]
    return {uid for uid, node in nodes.items()
            if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in DBT_BUILTIN_TESTS
            and all(str(node["config"].get(key)).upper() == str(value).upper() for key, value in _TEST_CONFIG_OF_DBT.items())
            and all(is_compared_table(nodes[parent]) and nodes[parent]["name"] not in BUILD_LOCAL_COLUMNS
                    for parent in node["depends_on"]["nodes"])}
