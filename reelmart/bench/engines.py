"""Engines benchmark: the same dbt build on DuckDB and on a local Spark session (issue 18).

Per scale: simulate once, then `dbt build --full-refresh` on each engine (by default of the whole
project; `--select` builds a selection on both), with wall time, peak resident memory of the build (dbt,
its Spark JVM and Python workers included) and raw input rows per second. The load average is printed beside the numbers: the machine is shared.

With `--equality` the Spark build's tables are also copied into a DuckDB file (reelmart/spark_import.py)
and compared with the DuckDB build by reelmart.marts_diff under the equality test's rule (exact except
DOUBLE columns, within a relative 1e-9): the equality check of the larger platforms, too slow for the suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from pathlib import Path

from reelmart.bench.table import measure, print_table
from reelmart.bench.warehouse import _raw_rows
from reelmart.marts_diff import diff_builds, format_diffs
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.spark_import import import_spark_tables, spark_dir
from reelmart.warehouse import WarehousePaths, run_dbt


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scales", default="demo,20k", help="comma-separated simulator scales")
    parser.add_argument("--select", help="dbt selector built on both engines (default: the whole project)")
    parser.add_argument("--engines", default="duckdb,spark", help="comma-separated: duckdb, spark")
    parser.add_argument("--work-dir", type=Path, help="where instances are built (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built instances")
    parser.add_argument("--equality", action="store_true",
                        help="also compare every table of the two builds (reelmart.marts_diff, DOUBLE within 1e-9)")

FLOAT_TOLERANCE = 1e-9  # the equality test's (tests/spark/test_spark_equality.py)


def _build_on(engine: str, paths: WarehousePaths, select: str | None):
    previous = os.environ.get("REELMART_TARGET")
    os.environ["REELMART_TARGET"] = engine
    try:
        with measure() as m:
            selection = ["--indirect-selection", "cautious", "--select", *select.split()] if select else []
            run_dbt(["build", "--full-refresh", *selection], paths, quiet=True)
    finally:
        if previous is None:
            os.environ.pop("REELMART_TARGET", None)
        else:
            os.environ["REELMART_TARGET"] = previous
    return m


def compare_engines(paths: WarehousePaths) -> list:
    """The Spark build's tables (copied beside the DuckDB build) against the DuckDB build's, table by table."""
    spark_db = paths.build_db.with_name("spark-build.duckdb")
    import_spark_tables(spark_dir(paths.data_dir) / "spark-warehouse", spark_db)
    return diff_builds(paths.build_db, spark_db, float_tolerance=FLOAT_TOLERANCE)


def bench_scale(scale_name: str, root: Path, select: str | None, engines: list[str], equality: bool = False) -> list[dict]:
    paths = WarehousePaths(root / scale_name)
    if not any(paths.landing.glob("*/**/*.parquet")):
        PlatformSimulator(SCALES[scale_name], paths.data_dir, progress=False).run()
    raw = _raw_rows(paths)
    rows = []
    for engine in engines:
        m = _build_on(engine, paths, select)
        rows.append({
            "scale": scale_name,
            "engine": engine if engine == "duckdb" else "spark local[2]",
            "raw rows": sum(raw.values()),
            "build s": m.seconds,
            "raw rows/s": sum(raw.values()) / m.seconds,
            "peak MB": m.peak_rss_mb,
            "load avg (1 min)": os.getloadavg()[0],
        })
    if equality and {"duckdb", "spark"} <= set(engines):
        # dbt-duckdb's leftover temp tables of incremental Python models (reelmart.warehouse.drop_leftover_temp_tables)
        diffs = [d for d in compare_engines(paths) if not re.search(r"__dbt_tmp[0-9]+$", d.table)]
        print(f"\n{scale_name}: the Spark build against the DuckDB build, table by table\n{format_diffs(diffs)}")
        counts = {status: sum(d.status == status for d in diffs) for status in sorted({d.status for d in diffs})}
        print(f"{scale_name}: {len(diffs)} tables: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return rows


def run(args: argparse.Namespace) -> int:
    root = args.work_dir or Path(tempfile.mkdtemp(prefix="reelmart-bench-engines-"))
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    rows: list[dict] = []
    try:
        for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
            rows += bench_scale(scale, root, args.select, engines, args.equality)
            print_table(rows, f"dbt build {'--select ' + repr(args.select) if args.select else 'of the whole project'} "
                              "on DuckDB and local Spark (2 cores, shared)")
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0
