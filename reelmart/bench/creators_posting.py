"""Creator studio, best time to post: planted good publish windows recovered from rpt_category_posting_times.

Per seed: simulate a platform, build the models upstream of int_video_early_engagement, run
models_ml.creators.posting.posting_time_effects (what the mart serves) and score it against the simulator's
planted windows (truth key posting_times): flags that are right, and whether the top shrunk window and the
top raw window (the unshrunk "best hour" baseline) are the planted one. Per audience (the viewers' country),
the same seed's int_video_early_audience through models_ml.creators.posting.audience_posting_effects
(rpt_category_audience_posting_times) against the planted audience windows (truth key
audience_posting_times): flags right and wrong over category x audience pairs, pairs whose top window is the
planted one, and audiences whose top pooled window is.
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

    from models_ml.creators.posting import (
        audience_posting_effects,
        posting_time_effects,
        score_audience_windows,
        score_planted_windows,
    )
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

    paths = WarehousePaths(data_dir / f"seed{seed}")
    started = time.perf_counter()
    PlatformSimulator(SCALES[scale_name], paths.data_dir, seed=seed, progress=False).run()
    run_dbt(["run", "--select", "+int_video_early_engagement", "+int_video_early_audience"], paths, quiet=True)
    prepare_s = time.perf_counter() - started
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        videos = con.execute("select * from int_video_early_engagement").df()
        views = con.execute("select * from int_video_early_audience order by video_id, audience").df()
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    settings = {**project_vars["creator_posting"], "level": project_vars["interval_level"]}
    all_truth = json.loads((paths.ground_truth / "truth.json").read_text())
    truth = all_truth["posting_times"]
    with measure() as m:
        table = posting_time_effects(videos, settings["bucket_hours"], settings["min_views"], settings["level"])
    score = score_planted_windows(table, truth["good_bucket_start_hour"])
    with measure() as a:
        audience = audience_posting_effects(views, settings["bucket_hours"], settings["fdr_alpha"], settings["level"])
    good = all_truth["audience_posting_times"]["good_bucket_start_hour"]
    flagged = audience[audience["is_best_time"].astype(bool)]
    audience_row = {"seed": seed, "early views": int(views["early_views"].sum()),
                    "planted views": all_truth["audience_posting_times"]["boosted_views"],
                    **score_audience_windows(audience, good),
                    "flagged wrong": int((flagged["bucket_start_hour"] != flagged["audience"].map(good)).sum()),
                    "prior sd": float(audience["prior_sd"].iloc[0]) if len(audience) else float("nan"),
                    "table s": a.seconds}
    return {"seed": seed, "eligible videos (min_views early views)": int((videos["early_views"] >= settings["min_views"]).sum()),
            **score, "prior sd": float(table["prior_sd"].iloc[0]) if len(table) else float("nan"),
            "table s": m.seconds, "simulate + build s": prepare_s}, audience_row


def run(args: argparse.Namespace) -> int:
    load_before = os.getloadavg()
    rows, audience_rows = [], []
    with tempfile.TemporaryDirectory(prefix="reelmart-bench-posting-") as tmp:
        data_dir = args.posting_data_dir or Path(tmp)
        for seed in args.posting_seeds:
            row, audience_row = _score_seed(seed, args.posting_scale, data_dir)
            rows.append(row)
            audience_rows.append(audience_row)
    print_table(rows, f"Creator posting times: planted good windows recovered (scale {args.posting_scale})")
    print_table(audience_rows, f"Creator posting times per audience: planted audience windows recovered "
                               f"(scale {args.posting_scale})")
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min) before {', '.join(f'{v:.1f}' for v in load_before)}; "
          f"after {', '.join(f'{v:.1f}' for v in load_after)} on {os.cpu_count()} cores", flush=True)
    return 0
