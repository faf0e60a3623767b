"""Recommendation: fit and top-10-for-every-user time, peak memory and quality, full model vs baselines.

Per scale: simulate ~10 interactions per user (`models_ml.recommend.synthetic`), split each user's
latest 20% off as test, fit each model on the rest, recommend top-10 to every training user (timed),
then score those lists on the test split. At large scales quality is scored on a random sample of
users (``--eval-users``); timings always cover every user. Hyper-parameters are the package defaults
(chosen on the validation split at 20k users), not re-tuned per scale. ``cpu_s`` is the process's
user + system CPU time for fit + top-10: on a shared machine it is the steadier figure, and wall
time on an idle 2-core machine is at least ``cpu_s / 2``.

``--data-dir DIR`` runs the same measurement on a built instance instead (`reelmart generate` +
`reelmart build`): the user x video interactions, video features and user segments are read from
the serving snapshot (DIR/serving/reelmart.duckdb), exactly as fct_recommendations reads them.
Profile affinities are left out there: dim_users computes them over the test period too.
"""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from models_ml.recommend import Recommender, temporal_split
from models_ml.recommend.evaluation import catalogue_coverage, per_user_metrics, relevant_items
from models_ml.recommend.inputs import (
    AGGREGATE_COLUMNS,
    interactions_from_aggregates,
    item_features_from_videos,
    user_features_from_profiles,
)
from models_ml.recommend.synthetic import make_interactions
from reelmart.bench.table import measure, print_table

MODELS = {
    "most-popular": {"ranking": "popular"},
    "item-kNN": {"ranking": "knn"},
    "ALS": {"ranking": "als"},
    "full model": {"ranking": "ltr"},
}
COLUMNS = [
    "data", "users", "items", "interactions", "model", "fit_s", "top10_all_s", "total_s", "cpu_s", "peak_mb",
    "P@10", "R@10", "NDCG@10", "MAP@10", "coverage", "eval_users",
]  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scales", default="20000,200000,1000000", help="comma-separated user counts (default: %(default)s)"
    )
    parser.add_argument("--events-per-user", type=float, default=10.0, help="average interactions per user")
    parser.add_argument(
        "--users-per-item", type=int, default=100, help="catalogue size = users / this (min 2000)"
    )
    parser.add_argument("--eval-users", type=int, default=20_000, help="users sampled for quality metrics")
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated subset of: " + ", ".join(MODELS)
    )
    parser.add_argument("--threads", type=int, default=0, help="implicit threads (0 = all cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--data-dir", action="append", default=[],
        help="a built instance to measure on its simulator data instead of --scales (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    rows = []
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    unknown = set(models) - set(MODELS)
    if unknown:
        print(f"unknown models: {sorted(unknown)}")
        return 2
    load = os.getloadavg()
    print(f"cores: {os.cpu_count()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    for source, scale, n_items, interactions, items, users in _datasets(args):
        with measure() as generation:
            train, test = temporal_split(interactions)
            relevant = relevant_items(train, test)
        print(
            f"{source}: {scale:,} users, {len(interactions):,} interactions, {n_items:,} items "
            f"(split in {generation.seconds:.1f} s)",
            flush=True,
        )
        rng = np.random.default_rng(args.seed)
        evaluated = list(relevant)
        if len(evaluated) > args.eval_users:
            evaluated = [
                evaluated[i] for i in np.sort(rng.choice(len(evaluated), args.eval_users, replace=False))
            ]
        sample = {u: relevant[u] for u in evaluated}
        everyone = train["user_id"].unique()
        for name in models:
            model = Recommender(**MODELS[name], num_threads=args.threads, random_state=args.seed)
            gc.collect()
            cpu_before = os.times()
            with measure() as total:
                with measure() as fit:
                    model.fit(train, items, users)
                with measure() as serve:
                    recs = model.recommend(everyone, k=10)
            cpu_after = os.times()
            lists = recs[recs["user_id"].isin(sample.keys())].groupby("user_id", sort=False)["item_id"]
            quality = per_user_metrics({u: g.tolist() for u, g in lists}, sample, k=10).mean()
            rows.append(
                {
                    "data": source,
                    "users": scale,
                    "items": n_items,
                    "interactions": len(train),
                    "model": name,
                    "fit_s": fit.seconds,
                    "top10_all_s": serve.seconds,
                    "total_s": total.seconds,
                    "cpu_s": (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system),
                    "peak_mb": total.peak_rss_mb,
                    "P@10": quality["precision"],
                    "R@10": quality["recall"],
                    "NDCG@10": quality["ndcg"],
                    "MAP@10": quality["map"],
                    "coverage": catalogue_coverage(recs, n_items),
                    "eval_users": len(sample),
                }
            )
            print(
                f"  {name}: fit {fit.seconds:.1f} s, top-10 for {len(everyone):,} users {serve.seconds:.1f} s, "
                f"NDCG@10 {quality['ndcg']:.4f}",
                flush=True,
            )
            del model, recs
        del interactions, train, test
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    print_table(
        rows, "Recommendation: fit + top-10 for every user, quality on the temporal test split", COLUMNS
    )
    return 0


def _datasets(args: argparse.Namespace) -> Iterator[tuple]:
    """(source, users, items, interactions, item_features, user_features) per data dir or synthetic scale."""
    if args.data_dir:
        for data_dir in args.data_dir:
            interactions, items, users = simulator_inputs(Path(data_dir))
            yield Path(data_dir).name, len(users), len(items), interactions, items, users
        return
    for scale in (int(s) for s in args.scales.split(",") if s.strip()):
        n_items = max(2_000, scale // args.users_per_item)
        interactions, items, users = make_interactions(
            scale, n_items, int(scale * args.events_per_user), random_state=args.seed
        )
        yield "synthetic", scale, n_items, interactions, items, users


def simulator_inputs(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The recommender's inputs from a built instance's serving snapshot (read-only)."""
    snapshot = data_dir / "serving" / "reelmart.duckdb"
    if not snapshot.exists():
        raise SystemExit(f"no serving snapshot at {snapshot}: run `reelmart build --data-dir {data_dir}`")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        aggregates = con.execute(
            f"select {', '.join(AGGREGATE_COLUMNS)} from int_user_video_interactions_aggregated"  # noqa: S608 - constant names
            " order by user_id, video_id"
        ).df()
        videos = con.execute("select * from int_video_features_summarised order by video_id").df()
        users = con.execute("select * from int_recommendation_users_selected order by user_id").df()
    return (
        interactions_from_aggregates(aggregates),
        item_features_from_videos(videos),
        user_features_from_profiles(users, with_affinity=False),
    )
