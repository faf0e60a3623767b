"""The rule of what the suite's Spark build leaves out (tests/spark/proved_by_equality.py), on a small manifest."""

from __future__ import annotations

from tests.spark.proved_by_equality import builtin_tests_proved_by_equality

DBT_CONFIG = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0",
              "severity": "ERROR"}


def _relation(name: str, materialized: str, resource_type: str = "model") -> tuple[str, dict]:
    return f"{resource_type}.reelmart.{name}", {"resource_type": resource_type, "name": name,
                                                "config": {"materialized": materialized}}


def _test(name: str, test_name: str, *parents: str, **config) -> tuple[str, dict]:
    return f"test.reelmart.{name}", {"resource_type": "test", "name": name, "test_metadata": {"name": test_name},
                                     "config": {**DBT_CONFIG, **config},
                                     "depends_on": {"nodes": [f"model.reelmart.{p}" if p != "seed_countries"
                                                              else f"seed.reelmart.{p}" for p in parents]}}


def test_only_dbts_own_tests_on_compared_tables_are_left_out():
    nodes = dict([
        _relation("dim_users", "table"), _relation("fct_watch_events", "incremental"),
        _relation("seed_countries", "seed", "seed"), _relation("stg_platform__users", "table"),
        _relation("int_users_validated", "view"), _relation("dim_user_identifiers", "table"),
        _relation("int_video_file_shots", "table"),
        _test("not_null_dim_users", "not_null", "dim_users"),
        _test("unique_fct_watch_events", "unique", "fct_watch_events"),
        _test("relationships_to_seed", "relationships", "dim_users", "seed_countries"),
        _test("accepted_values_dim_users", "accepted_values", "dim_users"),
        _test("not_null_staging", "not_null", "stg_platform__users"),  # a table on Spark, not compared
        _test("unique_view", "unique", "int_users_validated"),
        _test("relationships_to_staging", "relationships", "dim_users", "stg_platform__users"),
        _test("not_null_identifiers", "not_null", "dim_user_identifiers"),
        _test("not_null_shots", "not_null", "int_video_file_shots"),  # build-local file_mtime_ns
        _test("unique_combination_dim_users", "unique_combination", "dim_users"),  # ours
        _test("not_null_where", "not_null", "dim_users", where="user_id > 0"),  # project SQL in it
        _test("not_null_warn", "not_null", "dim_users", severity="warn"),  # a warning passes on DuckDB
    ])
    nodes["test.reelmart.singular_users"] = {"resource_type": "test", "name": "singular_users", "test_metadata": None,
                                             "config": DBT_CONFIG, "depends_on": {"nodes": ["model.reelmart.dim_users"]}}
    left_out = builtin_tests_proved_by_equality({"nodes": nodes})
    assert left_out == {f"test.reelmart.{name}" for name in ("not_null_dim_users", "unique_fct_watch_events",
                                                             "relationships_to_seed", "accepted_values_dim_users")}
