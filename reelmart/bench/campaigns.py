"""Campaign marts: dbt build time of the campaign models, and S/T/X uplift learners on the warehouse's lift studies.

At a built instance (`--data-dir`), or a freshly generated and built scale (default 200k; `--scale 1m`
on request), it prints (1) the wall time of `dbt build` of the campaign intermediates and marts (models,
the Python lift and uplift models, tests) and (2) per learner, fitted exactly as the warehouse fits it
(the same features, split and settings as int_campaign_uplift_scored), the fit and score time summed over
the campaigns and the held-out Qini coefficient, AUUC and uplift@10% averaged over them, with the CATE
error against the simulator's planted per-user uplift (pro rata to the observed part of the flight).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from models_ml.uplift import qini_auc_score, uplift_at_k, uplift_auc_score
from reelmart.bench.table import measure, print_table
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

SCORER = PROJECT_DIR / "warehouse" / "intermediate" / "campaigns" / "int_campaign_uplift_scored.py"
SELECT = ["intermediate.campaigns", "marts.campaigns"]
LEARNER_COLUMNS = ["learner", "campaigns", "users", "fit s", "score s", "Qini coef", "AUUC", "uplift@10%",
                   "CATE RMSE"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="an instance already generated and built (skips both)")
    parser.add_argument("--scale", default="200k", choices=sorted(SCALES), help="scale to generate when no --data-dir")
    parser.add_argument("--work-dir", type=Path, help="where a generated instance goes (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated instance")
    parser.add_argument("--no-build", action="store_true",
                        help="with --data-dir: skip the timed campaign build, only compare the learners")
    parser.add_argument("--learners", default="s,t,x", help="comma-separated learners to compare (s, t, x)")
    parser.add_argument("--n-jobs", type=int, default=2, help="LightGBM threads")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed when generating")


def _scorer():
    """The warehouse's own uplift wrapper (features, split, settings), so the benchmark fits what dbt fits."""
    spec = importlib.util.spec_from_file_location("int_campaign_uplift_scored", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _uplift_settings() -> dict:
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project["vars"]["campaign_uplift"])


def _load(paths: WarehousePaths) -> tuple[pd.DataFrame, pd.DataFrame]:
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        features = con.execute("select * from int_campaign_uplift_features order by campaign_id, user_id").df()
        windows = con.execute("select campaign_id, observed_days, flight_days from int_campaign_lift_statistics").df()
    truth_file = paths.ground_truth / "campaign_user_uplift.parquet"
    truth = pd.read_parquet(truth_file, columns=["campaign_id", "user_id", "true_uplift"]) if truth_file.exists() \
        else pd.DataFrame(columns=["campaign_id", "user_id", "true_uplift"])
    truth = truth.merge(windows, on="campaign_id")
    truth["true_uplift"] = truth["true_uplift"] * truth["observed_days"] / truth["flight_days"]
    return features, truth[["campaign_id", "user_id", "true_uplift"]]


def compare_learners(features: pd.DataFrame, truth: pd.DataFrame, learners: list[str], n_jobs: int) -> list[dict]:
    """Fit each learner per campaign on the training split and evaluate on the evaluation split."""
    scorer = _scorer()
    settings = {**_uplift_settings(), "n_jobs": n_jobs}
    features = features.merge(truth, on=["campaign_id", "user_id"], how="left")
    rows = []
    for learner in [*learners, "oracle"]:
        fit_s = score_s = 0.0
        scores: dict[str, list[float]] = {"Qini coef": [], "AUUC": [], "uplift@10%": [], "CATE RMSE": []}
        n_campaigns = n_users = 0
        for _, campaign in features.groupby("campaign_id", sort=True):
            train, test = campaign[~campaign["is_evaluation"]], campaign[campaign["is_evaluation"]]
            if learner == "oracle":
                predicted = test["true_uplift"].to_numpy(dtype=float)
            else:
                model = scorer.LEARNERS[learner](**scorer.learner_params(settings, len(train)))
                started = time.perf_counter()
                try:
                    model.fit(scorer.feature_frame(train), train["is_treatment"].astype(int),
                              train["has_converted"].astype(int))
                except ValueError:
                    continue
                fit_s += time.perf_counter() - started
                started = time.perf_counter()
                predicted = model.predict(scorer.feature_frame(test))
                score_s += time.perf_counter() - started
            y, t = test["has_converted"].to_numpy(dtype=float), test["is_treatment"].to_numpy(dtype=float)
            if np.isnan(predicted).any() or not y.any():
                continue
            n_campaigns += 1
            n_users += len(campaign)
            scores["Qini coef"].append(qini_auc_score(y, predicted, t))
            scores["AUUC"].append(uplift_auc_score(y, predicted, t))
            scores["uplift@10%"].append(uplift_at_k(y, predicted, t, "overall", 0.1))
            true = test["true_uplift"].to_numpy(dtype=float)
            if not np.isnan(true).any():
                scores["CATE RMSE"].append(float(np.sqrt(np.mean((predicted - true) ** 2))))
        rows.append({
            "learner": "oracle (true tau)" if learner == "oracle" else f"{learner.upper()}-learner",
            "campaigns": n_campaigns, "users": n_users,
            "fit s": fit_s if learner != "oracle" else None, "score s": score_s if learner != "oracle" else None,
            **{k: float(np.nanmean(v)) if v else float("nan") for k, v in scores.items()},
        })
    return rows


def run(args: argparse.Namespace) -> int:
    """Generate + build unless --data-dir, time the campaign build, then compare the learners."""
    learners = [name.strip().lower() for name in args.learners.split(",") if name.strip()]
    if not learners or set(learners) - {"s", "t", "x"}:
        raise SystemExit("--learners takes a comma-separated subset of s, t, x")
    root = None
    if args.data_dir:
        paths = WarehousePaths(args.data_dir.resolve())
        if not paths.build_db.exists():
            raise SystemExit(f"no built warehouse at {paths.build_db}: run `reelmart build --data-dir {args.data_dir}`")
        truth_file = paths.ground_truth / "truth.json"
        scale = json.loads(truth_file.read_text())["scale"]["name"] if truth_file.exists() else "?"
        generated = full_build = None
    else:
        root = (args.work_dir or Path(tempfile.mkdtemp(prefix="reelmart-bench-campaigns-"))).resolve()
        paths = WarehousePaths(root / args.scale)
        scale = args.scale
        with measure() as generated:
            PlatformSimulator(SCALES[args.scale], paths.data_dir, seed=args.seed, progress=False).run()
        with measure() as full_build:
            run_dbt(["build", "--full-refresh"], paths, quiet=True)
    try:
        if not (args.no_build and args.data_dir):
            with measure() as campaigns_build:
                run_dbt(["build", "--select", *SELECT], paths, quiet=True)
            with duckdb.connect(str(paths.build_db), read_only=True) as con:
                impressions, studies = con.execute(
                    "select (select count(*) from int_ad_impressions_joined), "
                    "(select count(*) from int_campaign_lift_users)"
                ).fetchall()[0]
            build_rows = [{
                "scale": scale, "impressions": impressions, "study users": studies,
                "generate s": generated.seconds if generated else None,
                "full build s": full_build.seconds if full_build else None,
                "campaign build s": campaigns_build.seconds, "peak MB": campaigns_build.peak_rss_mb,
            }]
            print_table(build_rows, f"Campaign marts: `dbt build --select {' '.join(SELECT)}`")
        features, truth = _load(paths)
        rows = compare_learners(features, truth, learners, args.n_jobs)
        print_table(rows, f"Uplift learners on the campaign lift studies ({scale}; evaluation split, mean over campaigns)",
                    LEARNER_COLUMNS)
    finally:
        if root is not None and not args.keep and not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0
