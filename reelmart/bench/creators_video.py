"""`reelmart bench creators --sections video`: shot boundaries on planted video files against truth.

Renders `--video-files` simulated videos (360x640, 15-60 s, cuts, flashes, dissolves; the simulator's
own writer) and scores, within +-1 frame: models_ml.creators.shots (the product) beside PySceneDetect's
AdaptiveDetector and ContentDetector with their defaults (baselines, same files, same run). Also frames
per second (wall clock, and per CPU-second: the machine is shared) with one decoding thread, and analysis
seconds per minute of video. With `--video-data-dir`, a
built instance whose simulator planted dips at known shots, it scores the edit suggestions too.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from reelmart.bench.table import print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--video-files", type=int, default=12, help="planted videos to render and score (default 12)")
    parser.add_argument("--video-seed", type=int, default=101, help="random seed of the planted videos")
    parser.add_argument("--video-dir", default="/tmp/reelmart-bench-video",
                        help="where the planted files are written (reused when present)")
    parser.add_argument("--video-baselines", nargs="*", default=["adaptive", "content"],
                        choices=["adaptive", "content"], help="PySceneDetect detectors to run beside ours")
    parser.add_argument("--video-data-dir", help="a built instance (reelmart generate + build) to score suggestions")


def _planted(args) -> list[tuple[object, Path]]:
    from reelmart.simulate.video_files import plan_video, render

    rng = np.random.default_rng(args.video_seed)
    out = []
    for i in range(args.video_files):
        duration = int(rng.integers(15, 61))
        dips = sorted(int(s) for s in rng.choice(np.arange(4, duration - 5), size=2, replace=False))
        plan = plan_video(rng, 9_000_000 + i, duration, dips)
        path = Path(args.video_dir) / f"seed{args.video_seed}-{i}.mp4"
        meta = path.with_suffix(".json")
        if not (path.exists() and meta.exists() and json.loads(meta.read_text()) == plan.truth(path.name)):
            render(plan, path, np.random.default_rng([args.video_seed, i]))
            meta.write_text(json.dumps(plan.truth(path.name)))
        out.append((plan, path))
    return out


def _scenedetect(path: Path, kind: str) -> list[int]:
    from scenedetect import AdaptiveDetector, ContentDetector, detect

    detector = AdaptiveDetector() if kind == "adaptive" else ContentDetector()
    scenes = detect(str(path), detector)
    return [start.get_frames() for start, _ in scenes[1:]]


def _score(name: str, plans, found: list[list[int]], seconds: float, cpu: float) -> dict:
    from models_ml.creators.shots import match_boundaries

    plans = [plan for plan, _ in plans]
    total = {"true": 0, "found": 0, "tp": 0}
    cut_tp = dissolve_tp = cuts = dissolves = 0
    flash_false = 0
    for plan, boundaries in zip(plans, found, strict=True):
        m = match_boundaries(plan.boundaries, boundaries, tolerance=1)
        for key in total:
            total[key] += m[key]
        for b, kind in zip(plan.boundaries, plan.kinds, strict=True):
            hit = any(abs(b - f) <= 1 for f in boundaries)
            if kind == "cut":
                cuts, cut_tp = cuts + 1, cut_tp + hit
            else:
                dissolves, dissolve_tp = dissolves + 1, dissolve_tp + hit
        flash_false += sum(any(a - 1 <= f <= z + 2 for f in boundaries) for a, z in plan.flashes)
    p = total["tp"] / total["found"] if total["found"] else 1.0
    r = total["tp"] / total["true"] if total["true"] else 1.0
    frames = sum(plan.n_frames for plan in plans)
    minutes = sum(plan.n_frames / plan.fps for plan in plans) / 60
    return {"detector": name, "boundaries": total["true"], "found": total["found"], "precision": round(p, 3),
            "recall": round(r, 3), "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "cuts found": f"{cut_tp}/{cuts}", "dissolves found": f"{dissolve_tp}/{dissolves}",
            "flashes taken for cuts": f"{flash_false}/{sum(len(p.flashes) for p in plans)}",
            "frames/s (wall)": round(frames / seconds), "frames per CPU-s": round(frames / cpu),
            "wall s per min of video": round(seconds / minutes, 2)}


def _suggestions(data_dir: Path) -> dict | None:
    import duckdb

    truth = json.loads((data_dir / "ground_truth" / "truth.json").read_text()).get("video_files", {}).get("files", [])
    db = data_dir / "serving" / "reelmart.duckdb"
    if not truth or not db.exists():
        return None
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select video_id, start_seconds, end_seconds from fct_video_edit_suggestions").fetchall()
    planted = [(f["video_id"], d["second"], f) for f in truth for d in f["dip_shots"]]
    videos = {f["video_id"] for f in truth}
    found = [(int(v), a, z) for v, a, z in rows if int(v) in videos]

    def right(v, a, z, f, second):  # holds the planted dip and starts on a true boundary (+-1 frame)
        ends = [0, *f["boundaries"]]
        return v == f["video_id"] and a <= second + 0.5 < z and min(abs(a * f["fps"] - b) for b in ends) <= 1

    tp = sum(any(right(v, a, z, f, s) for _, s, f in planted) for v, a, z in found)
    hit = sum(any(right(v, a, z, f, s) for v, a, z in found) for _, s, f in planted)
    return {"videos with files": len(videos), "planted dips": len(planted), "suggestions": len(found),
            "on the planted shot": tp, "precision": round(tp / len(found), 3) if found else None,
            "planted dips suggested": hit, "recall": round(hit / len(planted), 3) if planted else None}


def run(args: argparse.Namespace) -> int:
    from models_ml.creators.shots import analyse_video

    load = os.getloadavg()
    plans = _planted(args)
    rows = []
    started, cpu = time.perf_counter(), time.process_time()
    ours = [analyse_video(path).boundaries for _, path in plans]
    rows.append(_score("reelmart (models_ml.creators.shots)", plans, ours, time.perf_counter() - started,
                       time.process_time() - cpu))
    for kind in args.video_baselines:
        started, cpu = time.perf_counter(), time.process_time()
        found = [_scenedetect(path, kind) for _, path in plans]
        rows.append(_score(f"PySceneDetect {kind.capitalize()}Detector (defaults)", plans, found,
                           time.perf_counter() - started, time.process_time() - cpu))
    print_table(rows, f"Shot boundaries on {len(plans)} planted videos (360x640, seed {args.video_seed}), "
                      f"+-1 frame; load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} cores")
    if args.video_data_dir:
        result = _suggestions(Path(args.video_data_dir))
        if result is None:
            print(f"{args.video_data_dir}: no planted video files or no built serving database; suggestions not scored")
        else:
            print_table([result], "Edit suggestions against planted dips (right video and shot)")
    return 0
