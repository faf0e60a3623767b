"""The engine-neutral helpers of the Python models, the Spark-table import and the adapter plugin (no JVM)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from reelmart.frames import from_pandas, has_rows, map_pandas, not_in, select_typed, spark_schema, to_pandas
from reelmart.spark_import import import_spark_tables, spark_table_dirs

SELECT_TYPED = """
    cast(comment_id as bigint) as comment_id,
    cast(label as varchar) as label,
    cast(score as double) as score,
    cast(amount as decimal(38,2)) as amount
"""


def test_spark_schema_follows_the_models_typed_select_list():
    assert spark_schema(SELECT_TYPED) == "comment_id bigint, label string, score double, amount decimal(38,2)"
    with pytest.raises(ValueError, match="no `cast"):
        spark_schema("comment_id, label")


def test_select_typed_casts_a_column_type_mapping_in_its_order():
    types = {"comment_id": "bigint", "label": "varchar", "score": "double", "amount": "decimal(38,2)"}
    assert spark_schema(select_typed(types)) == spark_schema(SELECT_TYPED)
    frame = pd.DataFrame({"amount": [1.234], "score": [0.5], "label": ["x"], "comment_id": [7.0]})
    typed = from_pandas(frame, select_typed(types), duckdb.connect())
    assert typed.columns == list(types) and [str(t) for t in typed.types] == ["BIGINT", "VARCHAR", "DOUBLE",
                                                                             "DECIMAL(38,2)"]
    assert typed.fetchall()[0][0] == 7
    with pytest.raises(ValueError, match="no columns"):
        select_typed({})


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create table comments as select range as comment_id, 'c' || range as body from range(5)")
    con.execute("create table scored as select 1::bigint as comment_id")
    yield con
    con.close()


def test_duckdb_path_maps_filters_and_bounds(con):
    comments = con.table("comments")
    fresh = not_in(comments, "comment_id", "scored", con)
    assert has_rows(fresh) and not has_rows(comments.filter("comment_id > 10"))

    def score(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"comment_id": frame["comment_id"], "label": frame["body"].str.upper(),
                             "score": frame["comment_id"] / 2, "amount": 1.5})

    out = map_pandas(fresh, score, ["comment_id", "body"], SELECT_TYPED, con, order_by="comment_id").df()
    assert out["comment_id"].tolist() == [0, 2, 3, 4]
    assert out["label"].tolist() == ["C0", "C2", "C3", "C4"]
    assert [str(t) for t in map_pandas(fresh, score, ["comment_id", "body"], SELECT_TYPED, con).types] == [
        "BIGINT", "VARCHAR", "DOUBLE", "DECIMAL(38,2)"]
    assert len(to_pandas(comments, ["comment_id"], max_rows=5)) == 5
    with pytest.raises(ValueError, match="at most 4 rows"):
        to_pandas(comments, ["comment_id"], max_rows=4)


def test_duckdb_distinct_values_are_sorted_and_unique(con):
    from reelmart.frames import distinct_values

    con.execute("create table studies as select 'cmp_' || (range % 3) as campaign_id from range(10) order by random()")
    assert distinct_values(con.table("studies"), "campaign_id") == ["cmp_0", "cmp_1", "cmp_2"]
    assert distinct_values(con.table("studies").filter("false"), "campaign_id") == []


def test_spark_frames_reach_the_model_with_duckdbs_dtypes(con):
    """What Spark's toPandas gives (date objects, float64 for an integer column with NULLs, objects for such a
    boolean) is converted to what DuckDB's `.df()` gives for the same values (no JVM: the schema objects are
    plain Python)."""
    import datetime

    types = pytest.importorskip("pyspark.sql.types")
    from reelmart.frames import _as_duckdb_dtypes

    expected = con.sql("select * from (values (date '2026-01-01', 7::integer, true, 3::bigint, 1.5::double), "
                       "(date '2026-01-02', null, null, 4, null)) as t(day, tier, flag, n, share)").df()
    from_spark = pd.DataFrame({"day": [datetime.date(2026, 1, 1), datetime.date(2026, 1, 2)],
                               "tier": [7.0, float("nan")], "flag": [True, None], "n": [3, 4],
                               "share": [1.5, float("nan")]})
    schema = types.StructType([
        types.StructField("day", types.DateType()), types.StructField("tier", types.IntegerType()),
        types.StructField("flag", types.BooleanType()), types.StructField("n", types.LongType()),
        types.StructField("share", types.DoubleType())])
    converted = _as_duckdb_dtypes(from_spark, schema)
    assert converted.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(converted, expected)


def test_spark_tables_are_copied_into_a_duckdb_build_file(tmp_path):
    warehouse = tmp_path / "spark-warehouse"
    table = warehouse / "reelmart.db" / "fct_things"
    table.mkdir(parents=True)
    (warehouse / "reelmart.db" / "empty_dir").mkdir()
    with duckdb.connect() as con:
        for part in range(2):
            con.execute(f"copy (select range + {part * 10} as thing_id, 2.5::decimal(38,2) as amount from range(3)) "
                        f"to '{table}/part-{part}.parquet' (format parquet)")
    (table / "_SUCCESS").touch()
    assert list(spark_table_dirs(warehouse)) == ["fct_things"]
    build_db = tmp_path / "warehouse" / "build.duckdb"
    # a staging table (a view on DuckDB) is not copied; the identifiers become a view over their files
    for name in ("stg_platform__things", "dim_user_identifiers"):
        (warehouse / "reelmart.db" / name).mkdir()
        with duckdb.connect() as con:
            con.execute(f"copy (select 7 as user_id, 'a@b.c' as email) to '{warehouse}/reelmart.db/{name}/p.parquet'")
    assert list(spark_table_dirs(warehouse)) == ["dim_user_identifiers", "fct_things"]
    assert import_spark_tables(warehouse, build_db) == ["dim_user_identifiers", "fct_things"]
    with duckdb.connect(str(build_db), read_only=True) as con:
        assert con.execute("select count(*), sum(amount) from fct_things").fetchone() == (6, pytest.approx(15.0))
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables").fetchall())
        assert kinds == {"fct_things": "BASE TABLE", "dim_user_identifiers": "VIEW"}
        assert con.execute("select * from dim_user_identifiers").fetchall() == [(7, "a@b.c")]
    with pytest.raises(FileNotFoundError, match="did the Spark build run"):
        import_spark_tables(tmp_path / "nowhere", build_db)


def test_adapter_plugin_adds_the_session_submission_method():
    pytest.importorskip("pyspark")
    from dbt.adapters.spark.connections import SparkConnectionMethod
    from dbt.adapters.sparksession import Plugin
    from dbt.adapters.sparksession.python_submissions import SessionPythonJobHelper
    from dbt_common.exceptions import DbtRuntimeError

    assert Plugin.adapter.type() == "sparksession" and Plugin.dependencies == ["spark"]
    assert Plugin.credentials(method="session", host="NA", schema="reelmart", database=None).type == "sparksession"

    class Thrift:
        method = SparkConnectionMethod.THRIFT

    with pytest.raises(DbtRuntimeError, match="needs `method: session`"):
        SessionPythonJobHelper({"alias": "m"}, Thrift())


def test_session_seed_values_are_escaped():
    """dbt-spark's session cursor pastes seed values into the SQL: quotes, backslashes and None must survive."""
    pytest.importorskip("pyspark")
    import dbt.adapters.sparksession  # noqa: F401  (the plugin fixes the binding on import)
    from dbt.adapters.spark.session import SessionConnectionWrapper

    assert SessionConnectionWrapper._fix_binding("it's a \\ test") == "'it\\'s a \\\\ test'"
    assert SessionConnectionWrapper._fix_binding(None) == "NULL"
    assert SessionConnectionWrapper._fix_binding(3) == 3.0



def test_duckdb_path_maps_groups(con):
    """map_groups on DuckDB: one call over every group (so fn keeps the groups apart), typed like map_pandas."""
    from reelmart.frames import map_groups

    con.execute("create table views as select range as view_id, range % 2 as video_id, range * 1.5 as seconds "
                "from range(6)")
    typed = """
        cast(video_id as bigint) as video_id,
        cast(views as bigint) as views,
        cast(seconds as double) as seconds
    """

    def per_video(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby("video_id", as_index=False).agg(views=("view_id", "size"), seconds=("seconds", "sum"))

    out = map_groups(con.table("views"), per_video, "video_id", ["view_id", "video_id", "seconds"], typed, con,
                     order_by="view_id").order("video_id")
    assert [str(t) for t in out.types] == ["BIGINT", "BIGINT", "DOUBLE"]
    assert out.fetchall() == [(0, 3, 9.0), (1, 3, 13.5)]


def test_duckdb_sample_by_key_draws_the_viewers_the_pandas_sample_draws(con):
    """The recommender's sample drawn in the engine (sorted distinct keys, seeded positions, a semi-join) is
    the one models_ml draws from the whole frame, whatever the scan order; below the cap it is everything."""
    from models_ml.recommend.evaluation import sample_population, sample_positions
    from reelmart.frames import sample_by_key, semi_join

    con.execute("create table views as select (range * 7919) % 200 as user_id, range as video_id from range(1000) "
                "order by random()")
    views = con.table("views")
    rows, keys, n = sample_by_key(views, "user_id", lambda n: sample_positions(n, 30, 3), con)
    drawn = rows.df().sort_values(["user_id", "video_id"], ignore_index=True)
    expected = sample_population(views.df().sample(frac=1.0, random_state=5), 30, 3)
    assert n == 200 and drawn["user_id"].nunique() == 30
    pd.testing.assert_frame_equal(drawn, expected.sort_values(["user_id", "video_id"], ignore_index=True))
    assert sorted(keys.df()["user_id"]) == sorted(drawn["user_id"].unique())
    assert len(semi_join(con.table("views"), keys, "user_id")) == len(drawn)
    everything, all_keys, _ = sample_by_key(views, "user_id", lambda n: sample_positions(n, 200, 3), con)
    assert len(everything) == 1000 and len(all_keys) == 200
def test_reelmart_build_on_spark_builds_the_whole_project_by_default(tmp_path, monkeypatch):
    """`REELMART_TARGET=spark reelmart build` without --select: every node, rebuilt whole (Parquet tables cannot
    replace rows by key); with --select, tests of unselected models left out."""
    from reelmart import warehouse

    paths = warehouse.WarehousePaths(tmp_path)
    (paths.landing / "users").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"copy (select 1 as user_id) to '{paths.landing}/users/u.parquet'")
    calls = []

    def fake_dbt(args, paths, quiet=False):
        calls.append(args)
        raise warehouse.BuildError("stop here")

    monkeypatch.setattr(warehouse, "run_dbt", fake_dbt)
    for target, select, exclude in (("spark", None, None), ("spark", "+fct_rejects", None), ("duckdb", None, None),
                                    ("spark", None, "not_null_dim_users_user_id unique_dim_users_user_id")):
        monkeypatch.setenv("REELMART_TARGET", target)
        with pytest.raises(warehouse.BuildError, match="stop here"):
            warehouse.build(paths, select=select, exclude=exclude)
    spark_default, spark_chosen, duck, spark_excluding = calls
    assert spark_default == ["build", "--full-refresh"]
    assert spark_chosen == ["build", "--full-refresh", "--select", "+fct_rejects", "--indirect-selection", "cautious"]
    assert duck == ["build"]
    assert spark_excluding == ["build", "--full-refresh", "--exclude", "not_null_dim_users_user_id",
                               "unique_dim_users_user_id"]
    assert warehouse.read_build_status(paths)["status"] == "failed"

    # a green Spark build: copied into DuckDB, marked green, docs of the DuckDB file, published
    calls.clear()
    monkeypatch.setenv("REELMART_TARGET", "spark")
    monkeypatch.setattr(warehouse, "run_dbt", lambda args, paths, quiet=False: calls.append(args))
    monkeypatch.setattr(warehouse, "_import_spark_build", lambda paths: duckdb.connect(str(paths.build_db)).close())
    monkeypatch.setattr(warehouse, "publish", lambda paths, build_seconds=None: {"published": True})
    assert warehouse.build(paths) == {"published": True}
    assert calls[1] == ["docs", "generate", "--static", "--target", "duckdb"]
    assert warehouse.read_build_status(paths)["status"] == "green"


def test_duckdb_map_pandas_runs_in_batches_and_streams_the_result(con, monkeypatch):
    """On DuckDB fn sees batches of DUCKDB_BATCH_ROWS rows in order, and the streamed result is the one-call one."""
    from reelmart import frames

    monkeypatch.setattr(frames, "DUCKDB_BATCH_ROWS", 2)
    con.execute("create table many as select range as comment_id, 'c' || range as body from range(7) order by random()")
    seen = []

    def score(frame: pd.DataFrame) -> pd.DataFrame:
        seen.append(frame["comment_id"].tolist())
        return pd.DataFrame({"comment_id": frame["comment_id"], "label": frame["body"].str.upper(),
                             "score": frame["comment_id"] / 2, "amount": 1.5})

    out = to_pandas(map_pandas(con.table("many"), score, ["comment_id", "body"], SELECT_TYPED, con,
                               order_by="comment_id"), ["comment_id", "label", "score", "amount"], order_by="comment_id")
    assert seen == [[0, 1], [2, 3], [4, 5], [6]]
    assert out["label"].tolist() == [f"C{i}" for i in range(7)] and out["amount"].tolist() == [1.5] * 7
    con.execute("create table nothing as select * from many where false")
    seen.clear()
    empty = map_pandas(con.table("nothing"), score, ["comment_id", "body"], SELECT_TYPED, con)
    assert [str(t) for t in empty.types] == ["BIGINT", "VARCHAR", "DOUBLE", "DECIMAL(38,2)"]
    assert empty.fetchall() == [] and seen == [[]]


def test_duckdb_map_groups_never_splits_a_group_across_batches(con, monkeypatch):
    from reelmart import frames

    monkeypatch.setattr(frames, "DUCKDB_BATCH_ROWS", 4)
    con.execute("create table views as select range as view_id, range % 3 as video_id, 1.0 as seconds "
                "from range(10) order by random()")  # groups of 4, 3 and 3 rows
    calls = []

    def per_video(frame: pd.DataFrame) -> pd.DataFrame:
        calls.append(sorted(frame["video_id"].unique().tolist()))
        assert frame["view_id"].is_monotonic_increasing or frame["video_id"].nunique() > 1
        return frame.groupby("video_id", as_index=False).agg(views=("view_id", "size"), seconds=("seconds", "sum"))

    typed = "cast(video_id as bigint) as video_id, cast(views as bigint) as views, cast(seconds as double) as seconds"
    out = frames.map_groups(con.table("views"), per_video, "video_id", ["view_id", "video_id", "seconds"], typed, con,
                            order_by="view_id")
    assert sorted(out.fetchall()) == [(0, 4, 4.0), (1, 3, 3.0), (2, 3, 3.0)]
    assert calls == [[0], [1, 2]]  # 4 rows fill the first batch; the next two groups share one
