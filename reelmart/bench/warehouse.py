"""Warehouse benchmark: simulate, dbt build, the same SQL without dbt, and an incremental day.

Per scale it prints rows per raw table, generation time, full `dbt build` wall time (models and
tests), `dbt run` of the SQL models against the same compiled SQL executed directly in DuckDB
(the overhead ratio), and an incremental rebuild after one new export day. A second table splits the
full build and the incremental day by stage (layer and area of the project, SQL or Python models, tests)
from dbt's run_results.json, so the next bottleneck is visible. `--build-only --data-dir D` times one full build
of a generated instance and lists the nodes its memory went to (reelmart/bench/node_memory.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from reelmart.bench.node_memory import node_memory_from_target
from reelmart.bench.table import measure, print_table
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.simulate.schema import RAW_TABLES
from reelmart.warehouse import WarehousePaths, publish, run_dbt


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scales", default="20k,200k,1m", help="comma-separated simulator scales")
    parser.add_argument("--work-dir", type=Path, help="where instances are built (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built instances")
    parser.add_argument("--publish-only", action="store_true",
                        help="only time publishing the green build of --data-dir (byte copy vs COPY FROM DATABASE)")
    parser.add_argument("--data-dir", type=Path, help="the instance --publish-only publishes or --build-only builds")
    parser.add_argument("--build-only", action="store_true",
                        help="only time a full `dbt build` of --data-dir (generated already) and say which nodes "
                             "its memory went to")
    parser.add_argument("--incremental-only", action="store_true",
                        help="only time an incremental `dbt build` of --data-dir (built already, then given a new "
                             "export day by `reelmart generate --append-days 1` with its scale and seed), with its "
                             "stages and the nodes its memory went to")


def _raw_rows(paths: WarehousePaths) -> dict[str, int]:
    con = duckdb.connect()
    return {
        table: con.execute(
            f"select count(*) from read_parquet('{paths.landing}/{table}/**/*.parquet')"  # noqa: S608 - our own paths
        ).fetchall()[0][0]
        for table in RAW_TABLES
    }


def _sql_model_names(paths: WarehousePaths) -> list[str]:
    """SQL models only: Python models have no SQL to run without dbt, so both sides leave them out."""
    manifest = json.loads((paths.dbt_target / "manifest.json").read_text())
    return sorted(node["name"] for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["language"] == "sql" and node["config"]["enabled"])


def _direct_sql_seconds(paths: WarehousePaths) -> float:
    """Run every SQL model's compiled code in dependency order in a fresh DuckDB file, without dbt."""
    manifest = json.loads((paths.dbt_target / "manifest.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model" and node["language"] == "sql" and node["config"]["enabled"]}
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in models:
            return
        seen.add(uid)
        for dep in models[uid]["depends_on"]["nodes"]:
            visit(dep)
        order.append(uid)

    for uid in sorted(models):
        visit(uid)
    # same file name as dbt's (compiled SQL names the database "build"), in another folder
    target = paths.data_dir / "direct" / paths.build_db.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target), config={"preserve_insertion_order": False})
    # Python models' outputs are inputs here, as they are to `dbt run --select <sql models>`: copy them
    # from dbt's build (untimed) so both sides run exactly the SQL models
    python_models = [node["alias"] for node in manifest["nodes"].values()
                     if node["resource_type"] == "model" and node["language"] == "python"
                     and node["config"]["enabled"]]
    con.execute(f"attach '{paths.build_db}' as dbt_build (read_only)")
    for name in python_models:
        con.execute(f'create table "{name}" as select * from dbt_build.main."{name}"')
    con.execute("detach dbt_build")
    started = time.perf_counter()
    for uid in order:
        node = models[uid]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        sql = node["compiled_code"]
        con.execute(f'create or replace {kind} "{node["alias"]}" as {sql}')
    con.close()
    seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return seconds


def stage_of(node: dict) -> str:
    """The stage a dbt node is counted under: `<layer>/<area> <language>` for models, else its type."""
    kind = node.get("resource_type", "")
    if kind == "model":
        path = node["fqn"][1:-1]
        return f"{'/'.join(path[:2]) or 'other'} {node.get('language', 'sql')}"
    if kind in ("test", "unit_test"):
        return "tests"
    return kind + "s" if kind else "other"


def stage_seconds(paths: WarehousePaths) -> dict[str, dict]:
    """Node time per stage of the last dbt invocation (run_results.json): summed execution time and nodes.

    dbt runs 2 threads, so the stages' sum exceeds the wall time by up to 2x.
    """
    manifest = json.loads((paths.dbt_target / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    results = json.loads((paths.dbt_target / "run_results.json").read_text())["results"]
    stages: dict[str, dict] = {}
    for result in results:
        node = nodes.get(result["unique_id"], {"resource_type": result["unique_id"].split(".")[0]})
        stage = stages.setdefault(stage_of(node), {"nodes": 0, "seconds": 0.0, "slowest": ("", 0.0)})
        seconds = float(result.get("execution_time") or 0.0)
        stage["nodes"] += 1
        stage["seconds"] += seconds
        if seconds > stage["slowest"][1]:
            stage["slowest"] = (result["unique_id"].split(".")[-1], seconds)
    return stages


def stage_rows(scale_name: str, full: dict[str, dict], incremental: dict[str, dict]) -> list[dict]:
    """One row per stage, slowest incremental stage first."""
    rows = []
    for stage in sorted(set(full) | set(incremental), key=lambda s: -incremental.get(s, {}).get("seconds", 0.0)):
        f, i = full.get(stage, {}), incremental.get(stage, {})
        slowest, slowest_s = i.get("slowest", ("", 0.0))
        rows.append({
            "scale": scale_name,
            "stage": stage,
            "nodes": i.get("nodes", f.get("nodes", 0)),
            "full build s": f.get("seconds", 0.0),
            "incremental day s": i.get("seconds", 0.0),
            "incremental / full": i.get("seconds", 0.0) / f["seconds"] if f.get("seconds") else float("nan"),
            "slowest node (incremental)": f"{slowest} {slowest_s:.1f} s" if slowest else "",
        })
    return rows


def bench_scale(scale_name: str, root: Path) -> dict:
    paths = WarehousePaths(root / scale_name)
    with measure() as gen:
        PlatformSimulator(SCALES[scale_name], paths.data_dir, progress=False).run()
    raw = _raw_rows(paths)
    total_raw = sum(raw.values())
    with measure() as full:
        run_dbt(["build", "--full-refresh"], paths, quiet=True)
    full_stages = stage_seconds(paths)
    publish(paths)
    sql_models = _sql_model_names(paths)
    with measure() as sql_run:
        run_dbt(["run", "--full-refresh", "--select", *sql_models], paths, quiet=True)
    direct = _direct_sql_seconds(paths)
    PlatformSimulator(SCALES[scale_name], paths.data_dir, progress=False).append_days(1)
    with measure() as incremental:
        run_dbt(["build"], paths, quiet=True)
    incremental_stages = stage_seconds(paths)
    return {
        "scale": scale_name,
        "users": raw["users"],
        "watch_events": raw["watch_events"],
        "raw rows (all tables)": total_raw,
        "generate s": gen.seconds,
        "generate peak MB": gen.peak_rss_mb,
        "dbt build s": full.seconds,
        "build rows/s": total_raw / full.seconds,
        "build peak MB": full.peak_rss_mb,
        "dbt run (SQL models) s": sql_run.seconds,
        "same SQL direct s": direct,
        "dbt overhead x": sql_run.seconds / direct,
        "incremental +1 day s": incremental.seconds,
        "incremental / full": incremental.seconds / full.seconds,
        "incremental peak MB": incremental.peak_rss_mb,
        "stages": stage_rows(scale_name, full_stages, incremental_stages),
    }


def publish_rows(paths: WarehousePaths, label: str) -> list[dict]:
    """Publishing one build: the whole `publish` (byte copy, private split, stamp, fsync, swap) beside
    the two ways of making the snapshot file on this filesystem: a byte copy of the build file
    (what publish does) and DuckDB's COPY FROM DATABASE into a fresh file (live data only)."""
    build_mb = paths.build_db.stat().st_size / 2**20
    scratch = paths.data_dir / "publish-bench"
    scratch.mkdir(exist_ok=True)
    copied, rewritten = scratch / "copy.duckdb", scratch / "rewrite.duckdb"
    with measure() as byte_copy:
        shutil.copyfile(paths.build_db, copied)
        with open(copied, "rb+") as handle:
            os.fsync(handle.fileno())
    with measure() as copy_from_database:
        con = duckdb.connect(str(rewritten))
        con.execute(f"attach '{paths.build_db}' as source (read_only)")
        con.execute(f"copy from database source to {rewritten.stem}")
        con.execute("detach source")
        con.close()
        with open(rewritten, "rb+") as handle:
            os.fsync(handle.fileno())
    rewritten_mb = rewritten.stat().st_size / 2**20
    with measure() as whole:
        publish(paths)
    shutil.rmtree(scratch, ignore_errors=True)
    return [
        {"build": label, "step": "publish (byte copy + private split + stamp + fsync + os.replace)",
         "seconds": whole.seconds, "file MB": paths.serving_db.stat().st_size / 2**20},
        {"build": label, "step": "byte copy of the build file + fsync", "seconds": byte_copy.seconds,
         "file MB": build_mb},
        {"build": label, "step": "COPY FROM DATABASE into a fresh file + fsync", "seconds": copy_from_database.seconds,
         "file MB": rewritten_mb},
    ]


def build_memory_rows(paths: WarehousePaths, top: int = 15, full_refresh: bool = True) -> tuple[dict, list[dict]]:
    """A `dbt build` of an instance (full, or incremental on a built one): its time and peak memory, and the
    nodes that memory went to."""
    timeline: list[tuple[float, int]] = []
    with measure(poll_seconds=0.2, timeline=timeline) as built:
        run_dbt(["build", "--full-refresh"] if full_refresh else ["build"], paths, quiet=True)
    summary = {"instance": paths.data_dir.name, "build": "full" if full_refresh else "incremental",
               "dbt build s": built.seconds, "build peak MB": built.peak_rss_mb,
               "build file MB": paths.build_db.stat().st_size / 2**20}
    return summary, node_memory_from_target(timeline, paths.dbt_target, top)


def run(args: argparse.Namespace) -> int:
    if args.build_only or args.incremental_only:
        if not args.data_dir:
            raise SystemExit("--build-only and --incremental-only need --data-dir (a generated instance)")
        paths = WarehousePaths(args.data_dir.resolve())
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        summary, nodes = build_memory_rows(paths, full_refresh=not args.incremental_only)
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        kind = "Incremental" if args.incremental_only else "Full"
        print_table([summary], f"{kind} dbt build (models and tests) of one instance")
        print_table(nodes, "Nodes by peak resident memory while they ran (dbt, 2 threads)")
        stages = stage_seconds(paths)
        print_table([{"stage": name, "nodes": s["nodes"], "node seconds": s["seconds"],
                      "slowest node": f"{s['slowest'][0]} {s['slowest'][1]:.1f} s"}
                     for name, s in sorted(stages.items(), key=lambda item: -item[1]["seconds"])],
                    f"{kind} build by stage (dbt node seconds, 2 threads)")
        return 0
    if args.publish_only:
        if not args.data_dir:
            raise SystemExit("--publish-only needs --data-dir (an instance with a green build)")
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        print_table(publish_rows(WarehousePaths(args.data_dir.resolve()), args.data_dir.name),
                    "Publishing a build: whole publish vs ways to make the snapshot file")
        return 0
    root = args.work_dir or Path(tempfile.mkdtemp(prefix="reelmart-bench-"))
    rows, stages = [], []
    try:
        for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
            row = bench_scale(scale, root)
            stages += row.pop("stages")
            rows.append(row)
            print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
            print_table(rows, "Warehouse build (2 cores): simulate, dbt build, dbt vs direct SQL, incremental day")
            print_table(stages, "Full build and incremental day by stage (dbt node seconds, 2 threads)")
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0
