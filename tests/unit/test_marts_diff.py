"""`reelmart warehouse diff`: tables compared as multisets, each kind of difference named."""

from __future__ import annotations

import duckdb
import pytest

from reelmart.cli import main
from reelmart.marts_diff import diff_builds


def _db(path, statements):
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


@pytest.fixture
def builds(tmp_path):
    common = ["create table same_t as select * from (values (1, 'a'), (2, 'b')) t(id, v)",
              "create view a_view as select 1 as x"]
    a = _db(tmp_path / "a.duckdb", common + [
        "create table dup_t as select * from (values (1), (1)) t(id)",
        "create table schema_t (id integer)",
        "create table only_a_t (id integer)",
        "create table float_t as select 1 as id, 0.1::double + 0.2::double as x",
        "create table reelmart_build_info as select 'published_at' as key, '1' as value",
    ])
    b = _db(tmp_path / "b.duckdb", [
        "create table same_t as select * from (values (2, 'b'), (1, 'a')) t(id, v)",  # order does not matter
        "create view a_view as select 2 as x",
        "create table dup_t as select * from (values (1)) t(id)",  # a lost duplicate does
        "create table schema_t (id bigint)",
        "create table only_b_t (id integer)",
        "create table float_t as select 1 as id, 0.3::double as x",
        "create table reelmart_build_info as select 'published_at' as key, '2' as value",
    ])
    return a, b


def test_each_kind_of_difference_is_named(builds):
    diffs = {d.table: d for d in diff_builds(*builds)}
    assert {t: d.status for t, d in diffs.items()} == {
        "same_t": "same", "dup_t": "differs", "schema_t": "schema", "only_a_t": "only_a", "only_b_t": "only_b",
        "float_t": "differs"}
    assert (diffs["dup_t"].only_in_a, diffs["dup_t"].only_in_b) == (1, 0)


def test_float_rounding_is_told_apart_only_when_asked(builds):
    diffs = {d.table: d for d in diff_builds(*builds, float_tolerance=1e-9)}
    assert diffs["float_t"].status == "rounding"
    assert {d.table: d.status for d in diff_builds(*builds, float_tolerance=1e-18)}["float_t"] == "differs"


def test_rows_that_match_nothing_are_not_rounding(tmp_path):
    a = _db(tmp_path / "a.duckdb", ["create table t as select * from (values (1, 1.0::double)) v(id, x)"])
    b = _db(tmp_path / "b.duckdb", ["create table t as select * from (values (2, 1.0::double)) v(id, x)"])
    assert diff_builds(a, b, float_tolerance=0.5)[0].status == "differs"


def test_command_exit_code(builds, tmp_path, capsys):
    a, b = builds
    assert main(["warehouse", "diff", str(a), str(a)]) == 0
    assert "tables identical" in capsys.readouterr().out
    assert main(["warehouse", "diff", str(a), str(b)]) == 1
    assert main(["warehouse", "diff", str(a), str(tmp_path / "missing.duckdb")]) == 2
