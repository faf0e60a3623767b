"""Uplift learners on Nie & Wager's semi-synthetic setups (CATE RMSE vs a tuned T-learner), and on a simulated campaign.

The setups' protocol and measured tables are in docs/uplift.md.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from models_ml.uplift import (
    DRLearner,
    RLearner,
    SLearner,
    TLearner,
    XLearner,
    make_uplift_data,
    qini_auc_score,
    uplift_at_k,
    uplift_auc_score,
)
from models_ml.uplift.evaluation import setup_rmse, summarise_setups
from models_ml.uplift.tuning import GBM_GRID
from reelmart.bench.table import measure, print_table

# The default learner for data of the user's own and the two-model gradient-boosting reference it must beat.
DEFAULT_LEARNER = "drs"
REFERENCE = "t"
SETUP_LEARNERS = {"t": TLearner, "tl": TLearner, "s": SLearner, "x": XLearner, "r": RLearner, "dr": DRLearner,
                  "drs": DRLearner}
SETUP_COLUMNS = ["setup", "learner", "CATE RMSE", "RMSE 90% CI", "vs reference", "ratio 90% CI", "fit s"]

COLUMNS = [
    "users",
    "learner",
    "fit s",
    "score s",
    "users/s",
    "peak MB",
    "Qini coef",
    "AUUC",
    "uplift@10%",
    "CATE RMSE",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--setups", default="A,B,C,D", help="Nie & Wager setups to run (comma-separated; '' skips)")
    parser.add_argument("--setup-learners", default="t,r,dr,drs",
                        help="learners on the setups (t, s, x, r, dr, drs = DR stacked, tl = T-learner searching the "
                             "default grid with linear leaves); t is the reference, drs the default")
    parser.add_argument("--n", type=int, default=1000, help="training users per setup draw (the paper: 500, 1000)")
    parser.add_argument("--d", type=int, default=6, help="features per setup (the paper: 6, 12)")
    parser.add_argument("--sigma", type=float, default=1.0, help="outcome noise (the paper: 0.5 to 4)")
    parser.add_argument("--n-test", type=int, default=5000, help="test users per draw (RMSE against the true effect)")
    parser.add_argument("--replications", type=int, default=5, help="independent draws per setup")
    parser.add_argument("--processes", type=int, default=2, help="setups run in parallel worker processes")
    parser.add_argument("--tuning-folds", type=int, default=3,
                        help="CV folds each LightGBM model uses to choose its own leaves and rounds")
    parser.add_argument(
        "--scales",
        default="",
        help="also the simulated campaign: comma-separated numbers of users (e.g. 100000,1000000), split half "
             "to fit, half held out",
    )
    parser.add_argument("--n-estimators", type=int, default=100, help="boosting rounds per LightGBM model")
    parser.add_argument("--num-leaves", type=int, default=15)
    parser.add_argument("--min-child-samples", type=int, default=500)
    parser.add_argument("--n-jobs", type=int, default=2, help="LightGBM threads")
    parser.add_argument(
        "--effect-scale", type=float, default=1.0, help="size of the simulated campaign effect"
    )
    parser.add_argument("--seed", type=int, default=0)


def _scales(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        scales = [int(float(part)) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"--scales must be comma-separated integers, got {text!r}") from None
    if min(scales) < 1000:
        raise SystemExit("--scales needs at least one scale of 1000 users or more")
    return scales


def _evaluate(y: np.ndarray, t: np.ndarray, truth: np.ndarray, score: np.ndarray) -> dict:
    return {
        "Qini coef": qini_auc_score(y, score, t),
        "AUUC": uplift_auc_score(y, score, t),
        "uplift@10%": uplift_at_k(y, score, t, "overall", 0.1),
        "CATE RMSE": float(np.sqrt(np.mean((score - truth) ** 2))),
    }


def _setup_learner(name: str, tuning_folds: int, seed: int):
    extra = {} if name in ("t", "tl", "s") else {"propensity": "model"}
    if name == "drs":
        extra["stack"] = True
    if name == REFERENCE:
        extra["tuning_grid"] = GBM_GRID  # the reference stays a two-model GBM with constant leaves
    return SETUP_LEARNERS[name](tuning=tuning_folds, learning_rate=0.05, n_jobs=1, random_state=seed, **extra)


def _run_setup(setup_index: int, setup: str, names: list[str], options: dict) -> tuple[dict, dict]:
    """One setup in a worker process (factories are rebuilt here: lambdas do not pickle)."""
    from functools import partial

    learners = {name: partial(_setup_learner, name, options["tuning_folds"]) for name in names}
    kwargs = {k: v for k, v in options.items() if k != "tuning_folds"}
    return setup_rmse(learners, setup, setup_index, **kwargs)


def run_setups(args: argparse.Namespace) -> None:
    """Nie & Wager's setups A-D: every learner tunes itself by CV on its training draw; RMSE on a fresh draw."""
    setups = [part.strip().upper() for part in args.setups.split(",") if part.strip()]
    names = [part.strip().lower() for part in args.setup_learners.split(",") if part.strip()]
    if set(names) - set(SETUP_LEARNERS) or REFERENCE not in names:
        raise SystemExit(f"--setup-learners takes a subset of {sorted(SETUP_LEARNERS)} including the reference t")
    options = {"n": args.n, "d": args.d, "sigma": args.sigma, "n_test": args.n_test,
               "replications": args.replications, "seed": args.seed, "tuning_folds": args.tuning_folds}
    with ProcessPoolExecutor(max_workers=max(1, args.processes)) as pool:
        futures = {setup: pool.submit(_run_setup, i, setup, names, options) for i, setup in enumerate(setups)}
        results = {setup: future.result() for setup, future in futures.items()}
    rows = summarise_setups(results, REFERENCE)
    labels = {REFERENCE: "T-learner GBM (reference)", DEFAULT_LEARNER: "DR-learner, stacked (default)",
              "dr": "DR-learner", "r": "R-learner", "x": "X-learner", "s": "S-learner",
              "tl": "T-learner, linear leaves allowed"}
    for row in rows:
        row["learner"] = labels[row["learner"]]
    print_table(rows, title=(
        f"CATE RMSE on Nie & Wager setups (n={args.n}, d={args.d}, sigma={args.sigma}, {args.replications} draws, "
        f"{args.n_test} test users; every LightGBM model tuned by {args.tuning_folds}-fold CV on its own training "
        "loss, the reference over constant-leaf trees only, the others over constant or linear leaves; propensity modelled; 1 LightGBM thread; vs reference = RMSE / the T-learner's on the same draw, "
        "mean and 90% t interval)"
    ), columns=SETUP_COLUMNS)


def run(args: argparse.Namespace) -> int:
    """The semi-synthetic setups, then (with --scales) the simulated campaign, one row per learner and scale."""
    scales = _scales(args.scales)  # a bad --scales fails before the setups run
    if args.setups.strip():
        run_setups(args)
    if not scales:
        return 0
    params = {
        "n_estimators": args.n_estimators,
        "num_leaves": args.num_leaves,
        "min_child_samples": args.min_child_samples,
        "n_jobs": args.n_jobs,
        "random_state": args.seed,
    }
    rows = []
    for n in scales:
        X, t, y, truth = make_uplift_data(n, random_state=args.seed, effect_scale=args.effect_scale)
        half = n // 2
        X_fit, t_fit, y_fit = X.iloc[:half], t[:half], y[:half]
        X_out, t_out, y_out, truth_out = X.iloc[half:], t[half:], y[half:], truth[half:]
        held_out = n - half

        # Random targeting costs nothing to fit or score; its row is the floor for the metrics.
        score = np.random.default_rng(args.seed).random(held_out)
        rows.append(
            {
                "users": n,
                "learner": "random",
                **_evaluate(y_out, t_out, truth_out, score),
                "CATE RMSE": float("nan"),
            }
        )
        for learner in (SLearner, TLearner, XLearner, RLearner, DRLearner):
            with measure() as fitting:
                model = learner(**params).fit(X_fit, t_fit, y_fit)
            with measure() as scoring:
                score = model.predict(X_out)
            rows.append(
                {
                    "users": n,
                    "learner": learner.__name__,
                    "fit s": fitting.seconds,
                    "score s": scoring.seconds,
                    "users/s": held_out / scoring.seconds,
                    "peak MB": max(fitting.peak_rss_mb, scoring.peak_rss_mb),
                    **_evaluate(y_out, t_out, truth_out, score),
                }
            )
        rows.append(
            {
                "users": n,
                "learner": "oracle (true CATE)",
                **_evaluate(y_out, t_out, truth_out, truth_out),
                "CATE RMSE": 0.0,
            }
        )

    print_table(
        rows,
        title=(
            f"Uplift learners on a simulated campaign (effect scale {args.effect_scale}); fit on half, "
            f"metrics on the held-out half; LightGBM {args.n_estimators} trees x {args.num_leaves} leaves, "
            f"min_child_samples {args.min_child_samples}, {args.n_jobs} threads; users/s = held-out users scored per second"
        ),
        columns=COLUMNS,
    )
    return 0
