"""Campaign marts: dbt build time of the campaign models, and the uplift learners on the warehouse's lift studies.

At a built instance (`--data-dir`), or a freshly generated and built scale (default 200k; `--scale 1m`
on request), it prints (1) the wall time of `dbt build` of the campaign intermediates and marts and
(2) the learners compared by models_ml.uplift.evaluation.compare_learners (see docs/campaigns.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from models_ml.uplift.campaign import LEARNERS
from models_ml.uplift.evaluation import BOOTSTRAP_REPLICATES, compare_learners
from reelmart.bench.table import measure, print_table
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

SELECT = ["intermediate.campaigns", "marts.campaigns"]
LEARNER_COLUMNS = ["learner", "campaigns", "users", "fit s", "score s", "Qini coef", "Qini 90% CI", "vs S 90% CI",
                   "vs response 90% CI", "of ceiling",
                   "AUUC", "uplift@10%", "CATE RMSE", "CATE corr"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="an instance already generated and built (skips both)")
    parser.add_argument("--scale", default="200k", choices=sorted(SCALES), help="scale to generate when no --data-dir")
    parser.add_argument("--work-dir", type=Path, help="where a generated instance goes (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated instance")
    parser.add_argument("--no-build", action="store_true",
                        help="with --data-dir: skip the timed campaign build, only compare the learners")
    parser.add_argument("--learners", default="s,t,x,r,dr,auto",
                        help="comma-separated learners to compare (s, t, x, r, dr; auto = chosen per campaign by R-loss, "
                             "auto_qini = by Qini on the validation part)")
    parser.add_argument("--n-jobs", type=int, default=2, help="LightGBM threads")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed when generating")
    parser.add_argument("--replicates", type=int, default=BOOTSTRAP_REPLICATES,
                        help="bootstrap resamples of the evaluation users for the Qini intervals")


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


def run(args: argparse.Namespace) -> int:
    """Generate + build unless --data-dir, time the campaign build, then compare the learners."""
    learners = [name.strip().lower() for name in args.learners.split(",") if name.strip()]
    if not learners or set(learners) - {*LEARNERS, "auto", "auto_qini"}:
        raise SystemExit(f"--learners takes a comma-separated subset of {', '.join(LEARNERS)}, auto, auto_qini")
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
        settings = {**_uplift_settings(), "n_jobs": args.n_jobs}
        rows = compare_learners(features, truth, learners, settings, args.replicates)
        print_table(rows, f"Uplift learners on the campaign lift studies ({scale}; evaluation split, mean over campaigns)",
                    LEARNER_COLUMNS)
    finally:
        if root is not None and not args.keep and not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0
