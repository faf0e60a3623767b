"""Creator studio, best time to post: planted good publish windows recovered from rpt_category_posting_times.

Per seed: simulate a platform, build the models upstream of int_video_early_engagement, run
models_ml.creators.posting.posting_time_effects (what the mart serves) and score it against the simulator's
planted windows (truth key posting_times): flags that are right, and whether the top shrunk window and the
top raw window (the unshrunk "best hour" baseline) are the planted one.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb

from reelmart.bench.table import measure, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--posting-seeds", type=int, nargs="+", default=[23],
                        help="simulator seeds to score (default 23)")
    parser.add_argument("--posting-scale", default="20k", help="simulator scale (default 20k)")
    parser.add_argument("--posting-data-dir", type=Path, default=None,
                        help="where to simulate and build (default: a temporary folder, removed after)")


def _score_seed(seed: int, scale_name: str, data_dir: Path) -> dict:
    import yaml

    from models_ml.creators.posting import posting_time_effects, score_planted_windows
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

    paths = WarehousePaths(data_dir / f"seed{seed}")
    started = time.perf_counter()
    PlatformSimulator(SCALES[scale_name], paths.data_dir, seed=seed, progress=False).run()
    run_dbt(["run", "--select", "+int_video_early_engagement"], paths, quiet=True)
    prepare_s = time.perf_counter() - started
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        videos = con.execute("select * from int_video_early_engagement").df()
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    settings = {**project_vars["creator_posting"], "level": project_vars["interval_level"]}
    truth = json.loads((paths.ground_truth / "truth.json").read_text())["posting_times"]
    with measure() as m:
        table = posting_time_effects(videos, settings["bucket_hours"], settings["min_views"], settings["level"])
    score = score_planted_windows(table, truth["good_bucket_start_hour"])
    return {"seed": seed, "eligible videos (min_views early views)": int((videos["early_views"] >= settings["min_views"]).sum()),
            **score, "prior sd": float(table["prior_sd"].iloc[0]) if len(table) else float("nan"),
            "table s": m.seconds, "simulate + build s": prepare_s}


def run(args: argparse.Namespace) -> int:
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="reelmart-bench-posting-") as tmp:
        data_dir = args.posting_data_dir or Path(tmp)
        for seed in args.posting_seeds:
            rows.append(_score_seed(seed, args.posting_scale, data_dir))
    print_table(rows, f"Creator posting times: planted good windows recovered (scale {args.posting_scale})")
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before {', '.join(f'{v:.1f}' for v in load_before)}; "
          f"after {', '.join(f'{v:.1f}' for v in load_after)} on {os.cpu_count()} cores", flush=True)
    return 0
