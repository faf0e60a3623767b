"""Uplift meta-learners (S, T, X on LightGBM) vs random targeting on a simulated campaign holdout."""

from __future__ import annotations

import argparse

import numpy as np

from models_ml.uplift import (
    SLearner,
    TLearner,
    XLearner,
    make_uplift_data,
    qini_auc_score,
    uplift_at_k,
    uplift_auc_score,
)
from reelmart.bench.table import measure, print_table

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
    parser.add_argument(
        "--scales",
        default="100000,1000000",
        help="comma-separated numbers of simulated users; each is split half to fit, half held out",
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
    try:
        scales = [int(float(part)) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"--scales must be comma-separated integers, got {text!r}") from None
    if not scales or min(scales) < 1000:
        raise SystemExit("--scales needs at least one scale of 1000 users or more")
    return scales


def _evaluate(y: np.ndarray, t: np.ndarray, truth: np.ndarray, score: np.ndarray) -> dict:
    return {
        "Qini coef": qini_auc_score(y, score, t),
        "AUUC": uplift_auc_score(y, score, t),
        "uplift@10%": uplift_at_k(y, score, t, "overall", 0.1),
        "CATE RMSE": float(np.sqrt(np.mean((score - truth) ** 2))),
    }


def run(args: argparse.Namespace) -> int:
    """Fit each learner on half the users, score the other half, and print one row per learner and scale."""
    params = {
        "n_estimators": args.n_estimators,
        "num_leaves": args.num_leaves,
        "min_child_samples": args.min_child_samples,
        "n_jobs": args.n_jobs,
        "random_state": args.seed,
    }
    rows = []
    for n in _scales(args.scales):
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
        for learner in (SLearner, TLearner, XLearner):
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
