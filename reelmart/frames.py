"""What a dbt Python model does with its inputs, on either engine (DuckDB or Spark; issue 18).

A dbt Python model receives `dbt.ref(...)` as a DuckDB relation on the default target and as a Spark
DataFrame on the Spark target. The model files call these helpers instead of one engine's API, so the
same file builds on both. On Spark, per-row work runs in the executors (`mapInPandas`, one pandas
batch at a time) and only bounded inputs (`to_pandas(max_rows=)`, documented per model in docs/spark.md)
reach the driver; nothing here collects a user-scale table. On DuckDB the same per-row and per-group work
runs one batch at a time too (`_duckdb_batches`), so a model's memory follows the batch, not the table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

# Rows per pandas batch of map_pandas / map_groups on DuckDB (a group is never split, so a batch of
# map_groups holds whole groups and may exceed it by one group).
DUCKDB_BATCH_ROWS = 200_000


def is_spark(relation) -> bool:
    return type(relation).__module__.startswith("pyspark")


def scalar(relation, expression: str):
    """One aggregate of `relation` (e.g. "max(commented_at)"), computed by the engine."""
    if is_spark(relation):
        return relation.selectExpr(expression).collect()[0][0]
    return relation.aggregate(expression).fetchall()[0][0]


def keeps_stored_fit(dbt, session, data_through, refit_every_days, refit) -> bool:
    """Whether a scheduled model whose whole table is one fit, stamped `data_through` (the newest event day it
    saw), keeps its stored rows on this build (models_ml.schedule.refit_reason). The vars come from the model
    file's own `dbt.config.get` calls, which dbt reads from the file. A table built before the schedule has no
    stamp: it is refitted, and on_schema_change adds the column."""
    from models_ml.schedule import refit_reason

    last = None
    if dbt.is_incremental:
        stored = session.sql(f"select * from {dbt.this}")
        last = scalar(stored, "max(data_through)") if "data_through" in stored.columns else None
    return refit_reason(last, data_through, refit_every_days, refit) is None


def has_rows(relation) -> bool:
    if is_spark(relation):
        return bool(relation.limit(1).count())
    return len(relation.limit(1).df()) > 0


def distinct_values(relation, key: str) -> list:
    """The distinct values of `key` in `relation`, sorted, on the driver (a short list: campaigns, experiments)."""
    keys = relation.select(key).distinct() if is_spark(relation) else relation.project(key).distinct()
    return sorted(to_pandas(keys, [key])[key].tolist())


def not_in(relation, key: str, existing, session=None):
    """Rows of `relation` whose `key` is not in `existing` (a relation name or a relation): incremental runs."""
    if is_spark(relation):
        other = session.table(str(existing)) if isinstance(existing, str) or not is_spark(existing) else existing
        return relation.join(other.select(key), on=key, how="left_anti")
    return relation.filter(f"{key} not in (select {key} from {existing})")


def sample_by_key(relation, key: str, draw: Callable[[int], np.ndarray | None], session):
    """A seeded sample of `relation`'s rows by `key`, drawn in the engine: (rows, drawn keys, distinct keys).

    draw(n) gets the number of distinct keys and returns ascending 0-based positions in the sorted
    distinct keys, or None for every key. The engine numbers the sorted distinct keys (row_number; on
    Spark one partition of the key column, in an executor), joins the positions (as many as the sample)
    and semi-joins the rows, so a caller that collects the rows collects the sample only. The drawn keys
    come back as a one-column relation (every distinct key when draw gives None), for `semi_join`.
    """
    n = int(scalar(relation, f"count(distinct {key})"))
    positions = draw(n)
    if is_spark(relation):
        keys = relation.select(key).distinct()
    else:
        keys = relation.project(key).distinct()
    if positions is None:
        return relation, keys, n
    frame = pd.DataFrame({"_sample_pos": np.asarray(positions, dtype="int64")})
    if is_spark(relation):
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        ranked = keys.withColumn("_sample_pos", F.row_number().over(Window.orderBy(key)) - 1)
        chosen = ranked.join(F.broadcast(session.createDataFrame(frame)), "_sample_pos").select(key)
    else:
        ranked = keys.project(f"{key}, row_number() over (order by {key}) - 1 as _sample_pos")
        chosen = ranked.join(session.from_df(frame), "_sample_pos").project(key)
    return semi_join(relation, chosen, key), chosen, n


def semi_join(relation, keys, key: str):
    """Rows of `relation` whose `key` is in `keys` (a relation with that column)."""
    if is_spark(relation):
        return relation.join(keys, key, "left_semi")
    return relation.join(keys, key, how="semi")


def to_pandas(relation, columns: list[str], order_by: str | None = None, max_rows: int | None = None) -> pd.DataFrame:
    """`columns` of `relation` as pandas on the driver, in `order_by` order.

    With max_rows, a relation larger than that raises instead of filling the driver: callers pass the
    documented bound of an input that is small by construction (a seed, one row per experiment, ...).
    DECIMAL columns arrive as float64 on both engines (DuckDB's `.df()` converts them so).
    """
    if is_spark(relation):
        from pyspark.sql.types import DecimalType

        decimals = {f.name for f in relation.schema.fields if isinstance(f.dataType, DecimalType)}
        frame = relation.select(*[relation[c].cast("double").alias(c) if c in decimals else c for c in columns])
        if order_by:
            frame = frame.orderBy(*[c.strip() for c in order_by.split(",")])
        if max_rows is not None:
            frame = frame.limit(max_rows + 1)
        out = _as_duckdb_dtypes(frame.toPandas(), frame.schema)
    else:
        projected = relation.project(", ".join(columns))
        if order_by:
            projected = projected.order(order_by)
        if max_rows is not None:
            projected = projected.limit(max_rows + 1)
        out = projected.df()
    if max_rows is not None and len(out) > max_rows:
        raise ValueError(f"expected at most {max_rows} rows on the driver, the input has more; "
                         "raise the bound in docs/spark.md's table only if the driver can hold it")
    return out


_NULLABLE_INTEGERS = {"ByteType": "Int8", "ShortType": "Int16", "IntegerType": "Int32", "LongType": "Int64"}


def _as_duckdb_dtypes(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """Spark's toPandas dtypes made those of DuckDB's `.df()`, so a model sees the same frame on both engines.

    Spark gives dates as datetime.date objects, an integer column with NULLs as float64 and a boolean
    one as objects; DuckDB gives datetime64[us], Int32/Int64 and the nullable boolean dtype. (Decimals
    are cast to double before toPandas: DuckDB gives them as float64.)
    """
    for field in schema.fields:
        name, kind, column = field.name, type(field.dataType).__name__, frame[field.name]
        if kind == "DateType":
            frame[name] = pd.to_datetime(column).astype("datetime64[us]")
        elif kind in _NULLABLE_INTEGERS and column.isna().any():
            frame[name] = column.astype(_NULLABLE_INTEGERS[kind])
        elif kind == "BooleanType" and column.isna().any():
            frame[name] = column.astype("boolean")
    return frame


def select_typed(column_types: dict[str, str]) -> str:
    """The `cast(c as type) as c, ...` select list of a {column: SQL type} mapping, in its order."""
    if not column_types:
        raise ValueError("select_typed: no columns")
    return ",\n".join(f"cast({column} as {kind}) as {column}" for column, kind in column_types.items())


def spark_schema(select_typed: str) -> str:
    """A DDL schema ('a bigint, b string, ...') from a model's `cast(x as type) as x` select list."""
    pairs = re.findall(r"cast\(\s*[\w.]+\s+as\s+([\w(), ]+?)\)\s+as\s+(\w+)", select_typed, flags=re.I)
    if not pairs:
        raise ValueError("spark_schema: no `cast(x as type) as name` items in the select list")
    return ", ".join(f"{name} {'string' if kind.strip().lower() == 'varchar' else kind.strip()}" for kind, name in pairs)


def map_pandas(relation, fn: Callable[[pd.DataFrame], pd.DataFrame], columns: list[str], select_typed: str,
               session, order_by: str | None = None):
    """fn applied to `columns` of `relation` in pandas, typed by `select_typed`; returns the engine's relation.

    Spark: fn runs in the executors on each Arrow batch (mapInPandas), so fn must be per-row (no statistic
    over the batch). DuckDB: the same, on batches of DUCKDB_BATCH_ROWS rows in `order_by` order.
    """
    if is_spark(relation):
        schema = spark_schema(select_typed)

        def batches(frames):
            for frame in frames:
                yield fn(frame.reset_index(drop=True))

        mapped = relation.select(*columns).mapInPandas(batches, schema=schema)
        view = f"reelmart_mapped_{uuid.uuid4().hex}"
        mapped.createOrReplaceTempView(view)
        typed = session.sql(f"select {_spark_types(select_typed)} from {view}")
        return typed
    return _duckdb_batches(relation, fn, columns, select_typed, session, order_by=order_by)


def map_groups(relation, fn: Callable[[pd.DataFrame], pd.DataFrame], key: str, columns: list[str],
               select_typed: str, session, order_by: str | None = None):
    """fn applied to the rows of `relation` that share `key` (a video, a category), typed by `select_typed`.

    fn must give each group's rows from that group's rows alone (a statistic per video is fine, one over
    every video is not). Spark: groupBy(key).applyInPandas, one group at a time in the executors, so a group
    (not the table) must fit an executor's memory. DuckDB: batches of whole groups (DUCKDB_BATCH_ROWS rows or
    one group, whichever is more), in `key`, then `order_by`, order.
    """
    if is_spark(relation):
        mapped = relation.select(*columns).groupBy(key).applyInPandas(
            lambda frame: fn(frame.reset_index(drop=True)), schema=spark_schema(select_typed))
        view = f"reelmart_grouped_{uuid.uuid4().hex}"
        mapped.createOrReplaceTempView(view)
        return session.sql(f"select {_spark_types(select_typed)} from {view}")
    return _duckdb_batches(relation, fn, columns, select_typed, session, order_by=order_by, key=key)


def _duckdb_batches(relation, fn, columns: list[str], select_typed: str, session, order_by: str | None = None,
                    key: str | None = None):
    """fn over `relation` one pandas batch at a time, its results streamed into the relation returned (DuckDB).

    The input is read once as Arrow (columnar: strings are not Python objects) in `order_by` order (by `key`
    first when given, and cut only between two keys); each batch becomes pandas through a second connection
    to the same database (`session.cursor()`: the same dtypes as `.df()`), and fn's result is typed there by
    `select_typed` and handed on as Arrow. The returned relation reads that stream, so it can be read once:
    by dbt's materialisation, or by one `to_pandas`. Only one batch and its result are pandas at a time.
    """
    import pyarrow as pa

    projected = relation.project(", ".join(columns))
    ordering = ", ".join(part for part in (key, order_by) if part)
    if ordering:
        projected = projected.order(ordering)
    table = projected.arrow().read_all()
    worker = session.cursor()

    def typed(frame: pd.DataFrame) -> pa.Table:
        return worker.from_df(frame).project(select_typed).arrow().read_all()

    stream = (typed(fn(worker.from_arrow(table.slice(start, stop - start)).df()))
              for start, stop in _batch_bounds(table, key))
    first = next(stream, None)
    if first is None:  # no rows: fn still says what its (empty) result looks like
        first = typed(fn(worker.from_arrow(table).df()))

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from first.to_batches()
            for result in stream:
                yield from result.to_batches()
        finally:
            worker.close()

    return session.from_arrow(pa.RecordBatchReader.from_batches(first.schema, batches()))


def _batch_bounds(table, key: str | None) -> Iterator[tuple[int, int]]:
    """[start, stop) row ranges of about DUCKDB_BATCH_ROWS rows; with `key` (the table sorted by it), cut
    only where the key changes, so each group lies in one batch."""
    n = table.num_rows
    if n == 0:
        return iter(())
    if key is None:
        starts = np.arange(0, n, DUCKDB_BATCH_ROWS)
    else:
        values = table.column(key).to_numpy(zero_copy_only=False)
        group_starts = np.concatenate([[0], np.flatnonzero(values[1:] != values[:-1]) + 1])
        starts, next_cut = [], 0
        for start in group_starts.tolist():
            if start >= next_cut:
                starts.append(start)
                next_cut = start + DUCKDB_BATCH_ROWS
        starts = np.asarray(starts, dtype=int)
    stops = np.append(starts[1:], n)
    return zip(starts.tolist(), stops.tolist(), strict=True)


def from_pandas(frame: pd.DataFrame, select_typed: str, session):
    """A small pandas result (one row per experiment, campaign, ...) as the engine's relation, typed."""
    if type(session).__module__.startswith("pyspark"):
        view = f"reelmart_frame_{uuid.uuid4().hex}"
        session.createDataFrame(frame, schema=spark_schema(select_typed) if len(frame) == 0 else None) \
            .createOrReplaceTempView(view)
        return session.sql(f"select {_spark_types(select_typed)} from {view}")
    return session.from_df(frame).project(select_typed)


def _spark_types(select_typed: str) -> str:
    return re.sub(r"\bas\s+varchar\b", "as string", select_typed, flags=re.I)
