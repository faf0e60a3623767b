"""Campaign marts: dbt build time of the campaign models, and S/T/X uplift learners on the warehouse's lift studies.

At a built instance (`--data-dir`), or a freshly generated and built scale (default 200k; `--scale 1m`
on request), it prints (1) the wall time of `dbt build` of the campaign intermediates and marts (models,
the Python lift and uplift models, tests) and (2) per learner, fitted exactly as the warehouse fits it
(the same features, split and settings as int_campaign_uplift_scored), the fit and score time summed over
the campaigns and the held-out Qini coefficient, AUUC and uplift@10% averaged over them, with the CATE
error against the simulator's planted per-user uplift (pro rata to the observed part of the flight).
Four references are scored on the same users: random targeting; a response model (rank by the chance
to convert when treated, what targeting without uplift modelling does); the best function of the
features (a regressor fitted to the planted uplift itself, which no learner sees: the ceiling that the
warehouse's features allow); and the oracle (rank by the planted uplift). A paired bootstrap gives each
row's Qini a 90% interval, alone and as a difference to the S-learner.
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
import lightgbm as lgb
import numpy as np
import pandas as pd

from models_ml.uplift import qini_auc_score, uplift_at_k, uplift_auc_score
from reelmart.bench.table import measure, print_table
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import PROJECT_DIR, WarehousePaths, run_dbt

SCORER = PROJECT_DIR / "warehouse" / "intermediate" / "campaigns" / "int_campaign_uplift_scored.py"
SELECT = ["intermediate.campaigns", "marts.campaigns"]
LEARNER_COLUMNS = ["learner", "campaigns", "users", "fit s", "score s", "Qini coef", "Qini 90% CI", "vs S 90% CI",
                   "AUUC", "uplift@10%", "CATE RMSE", "CATE corr"]
BOOTSTRAP_REPLICATES = 100
REFERENCES = ["random", "response", "ceiling", "oracle"]
REFERENCE_LABELS = {
    "random": "random targeting",
    "response": "response model (no uplift)",
    "ceiling": "best function of the features",
    "oracle": "oracle (true tau)",
}
# The ceiling regressor learns the planted uplift, a smooth target without outcome noise, so it gets
# more capacity than the learners: it estimates E[tau | features], the best any ranking on them can do.
CEILING_PARAMS = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 31, "min_child_samples": 200}


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
    parser.add_argument("--replicates", type=int, default=BOOTSTRAP_REPLICATES,
                        help="bootstrap resamples of the evaluation users for the Qini intervals")


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


def _fit_and_score(scorer, learner: str, settings: dict, train: pd.DataFrame, test: pd.DataFrame,
                   rng: np.random.Generator) -> tuple[np.ndarray | None, float, float]:
    """One campaign's held-out scores for a learner (or a baseline), with fit and score seconds."""
    if learner == "oracle":
        return test["true_uplift"].to_numpy(dtype=float), 0.0, 0.0
    if learner == "random":
        return rng.random(len(test)), 0.0, 0.0
    if learner in ("response", "ceiling"):
        return _reference_scores(scorer, learner, settings, train, test), 0.0, 0.0
    model = scorer.LEARNERS[learner](**scorer.learner_params(learner, settings, len(train)))
    started = time.perf_counter()
    try:
        model.fit(scorer.feature_frame(train), train["is_treatment"].astype(int), train["has_converted"].astype(int))
    except ValueError:
        return None, 0.0, 0.0
    fitted = time.perf_counter()
    predicted = model.predict(scorer.feature_frame(test))
    return predicted, fitted - started, time.perf_counter() - fitted


def _reference_scores(scorer, name: str, settings: dict, train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Scores of the response model or of the best function of the features, on the same features.

    The response model is a LightGBM classifier of conversion among treated training users with the
    learners' own settings. The ceiling regresses the planted uplift on the training users' features.
    """
    common = {"n_jobs": int(settings["n_jobs"]), "random_state": int(settings["random_state"]), "verbose": -1,
              "deterministic": True, "force_col_wise": True}
    if name == "response":
        kwargs = scorer.learner_params("s", settings, len(train))
        treated = train[train["is_treatment"].astype(bool)]
        model = lgb.LGBMClassifier(
            **{k: kwargs[k] for k in ("n_estimators", "learning_rate", "num_leaves", "min_child_samples")},
            **kwargs["lgbm_params"], **common,
        ).fit(scorer.feature_frame(treated), treated["has_converted"].astype(int))
        return model.predict_proba(scorer.feature_frame(test))[:, 1]
    model = lgb.LGBMRegressor(**CEILING_PARAMS, **common)
    model.fit(scorer.feature_frame(train), train["true_uplift"].to_numpy(dtype=float))
    return model.predict(scorer.feature_frame(test))


def _bootstrap_qini(campaigns: list[dict], names: list[str], replicates: int, seed: int) -> dict[str, np.ndarray]:
    """Mean-over-campaigns Qini coefficient per learner on the same resamples of each evaluation split.

    Resampling users with replacement within each campaign, identically for every learner, gives paired
    replicates: the spread of a learner's mean Qini and of its difference to another learner.
    """
    rng = np.random.default_rng(seed)
    totals = {name: np.zeros(replicates) for name in names}
    for campaign in campaigns:
        y, t = campaign["y"], campaign["t"]
        for r in range(replicates):
            sample = rng.integers(0, len(y), len(y))
            for name in names:
                totals[name][r] += qini_auc_score(y[sample], campaign["scores"][name][sample], t[sample])
    return {name: total / len(campaigns) for name, total in totals.items()}


def _interval(values: np.ndarray) -> str:
    low, high = np.quantile(values, [0.05, 0.95])
    return f"[{low:+.4f}, {high:+.4f}]"


def compare_learners(features: pd.DataFrame, truth: pd.DataFrame, learners: list[str], n_jobs: int,
                     replicates: int = BOOTSTRAP_REPLICATES, seed: int = 0) -> list[dict]:
    """Fit each learner per campaign on the training split; score and compare them on the evaluation split.

    Besides the learners, the references (random, response model, best function of the features,
    oracle; see the module docstring) are scored on the same users. Campaigns whose planted effect is zero for
    everyone are left out of the means: no ranking can beat random there. Every learner is compared
    with the S-learner (when it runs) by a paired bootstrap of the mean Qini coefficient.
    """
    scorer = _scorer()
    settings = {**_uplift_settings(), "n_jobs": n_jobs}
    features = features.merge(truth, on=["campaign_id", "user_id"], how="left")
    names = [*learners, *REFERENCES]
    rng = np.random.default_rng(seed)
    timing = {name: [0.0, 0.0] for name in names}
    campaigns = []
    for _, campaign in features.groupby("campaign_id", sort=True):
        train, test = campaign[~campaign["is_evaluation"]], campaign[campaign["is_evaluation"]]
        true = test["true_uplift"].to_numpy(dtype=float)
        y, t = test["has_converted"].to_numpy(dtype=float), test["is_treatment"].to_numpy(dtype=float)
        if (np.isnan(campaign["true_uplift"]).any() or not np.any(true) or not y.any() or t.all()
                or not t.any()):
            continue
        scores = {}
        for name in names:
            predicted, fit_s, score_s = _fit_and_score(scorer, name, settings, train, test, rng)
            if predicted is None or np.isnan(predicted).any():
                break
            scores[name] = predicted
            timing[name][0] += fit_s
            timing[name][1] += score_s
        else:
            campaigns.append({"users": len(campaign), "y": y, "t": t, "true": true, "scores": scores})
    if not campaigns:
        return []
    replicated = _bootstrap_qini(campaigns, names, replicates, seed)
    rows = []
    for name in names:
        def mean_over_campaigns(metric, name=name) -> float:
            return float(np.mean([metric(c["y"], c["scores"][name], c["t"], c["true"]) for c in campaigns]))

        rows.append({
            "learner": REFERENCE_LABELS.get(name, f"{name.upper()}-learner"),
            "campaigns": len(campaigns), "users": sum(c["users"] for c in campaigns),
            "fit s": None if name in REFERENCES else timing[name][0],
            "score s": None if name in REFERENCES else timing[name][1],
            "Qini coef": mean_over_campaigns(lambda y, u, t, _: qini_auc_score(y, u, t)),
            "Qini 90% CI": _interval(replicated[name]),
            "vs S 90% CI": _interval(replicated[name] - replicated["s"]) if "s" in names and name != "s" else "",
            "AUUC": mean_over_campaigns(lambda y, u, t, _: uplift_auc_score(y, u, t)),
            "uplift@10%": mean_over_campaigns(lambda y, u, t, _: uplift_at_k(y, u, t, "overall", 0.1)),
            "CATE RMSE": None if name in ("random", "response") else mean_over_campaigns(
                lambda y, u, t, true: float(np.sqrt(np.mean((u - true) ** 2)))),
            "CATE corr": None if name == "random" else mean_over_campaigns(
                lambda y, u, t, true: float(np.corrcoef(u, true)[0, 1]) if np.std(u) > 0 else float("nan")),
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
        rows = compare_learners(features, truth, learners, args.n_jobs, args.replicates)
        print_table(rows, f"Uplift learners on the campaign lift studies ({scale}; evaluation split, mean over campaigns)",
                    LEARNER_COLUMNS)
    finally:
        if root is not None and not args.keep and not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0
