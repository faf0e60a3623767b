"""Engines benchmark: the same dbt build on DuckDB and on a local Spark session (issue 18).

Per scale: simulate once, then `dbt build --full-refresh` of the same selection on each engine (by
default the models verified on Spark, reelmart.spark_import.SPARK_READY_SELECT), with wall time, peak
resident memory of the build (dbt, its Spark JVM and Python workers included) and raw input rows per
second. The load average is printed beside the numbers: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from reelmart.bench.table import measure, print_table
from reelmart.bench.warehouse import _raw_rows
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.spark_import import SPARK_READY_SELECT
from reelmart.warehouse import WarehousePaths, run_dbt


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scales", default="demo,20k", help="comma-separated simulator scales")
    parser.add_argument("--select", default=SPARK_READY_SELECT, help="dbt selector built on both engines")
    parser.add_argument("--engines", default="duckdb,spark", help="comma-separated: duckdb, spark")
    parser.add_argument("--work-dir", type=Path, help="where instances are built (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built instances")


def _build_on(engine: str, paths: WarehousePaths, select: str):
    previous = os.environ.get("REELMART_TARGET")
    os.environ["REELMART_TARGET"] = engine
    try:
        with measure() as m:
            run_dbt(["build", "--full-refresh", "--indirect-selection", "cautious", "--select", *select.split()],
                    paths, quiet=True)
    finally:
        if previous is None:
            os.environ.pop("REELMART_TARGET", None)
        else:
            os.environ["REELMART_TARGET"] = previous
    return m


def bench_scale(scale_name: str, root: Path, select: str, engines: list[str]) -> list[dict]:
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
    return rows


def run(args: argparse.Namespace) -> int:
    root = args.work_dir or Path(tempfile.mkdtemp(prefix="reelmart-bench-engines-"))
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    rows: list[dict] = []
    try:
        for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
            rows += bench_scale(scale, root, args.select, engines)
            print_table(rows, f"dbt build --select {args.select!r} on DuckDB and local Spark (2 cores, shared)")
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0
