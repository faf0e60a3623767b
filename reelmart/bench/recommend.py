"""Recommendation: fit and top-10-for-every-user time, peak memory and quality, full model vs baselines;
and the candidates and the default on a real public implicit-feedback log (``--real``).

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

``--real`` evaluates on MovieLens-100k instead (the copy shipped inside the ``recbole`` wheel; see
`movielens_100k` and docs/recommendation.md for the protocol): every candidate tuned on a validation
window cut from the training data, the default (``ranking="auto"``) beside them, bootstrap
intervals over users and the spread over ``--seeds``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import time
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
from models_ml.recommend.selection import FAMILY_LABELS
from models_ml.recommend.synthetic import make_interactions
from reelmart.bench.table import measure, print_table

MODELS = {
    "most-popular": {"ranking": "popular"},
    "item-kNN": {"ranking": "knn"},
    "ALS": {"ranking": "als"},
    "EASE": {"ranking": "ease"},
    "rank blend": {"ranking": "blend"},
    "full model": {"ranking": "ltr"},
    "default": {"ranking": "auto", "selection_grids": "small"},
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
    parser.add_argument(
        "--real", action="store_true",
        help="evaluate on the real MovieLens-100k log (needs `recbole`, installed by `make install`) instead",
    )
    parser.add_argument("--seeds", type=int, default=5, help="--real: seeds for the spread (default: %(default)s)")
    parser.add_argument("--kept-days", default="7,28",
                        help="--real: ages in days of the kept fit the daily build refreshes (var refit_every_days "
                             "is 7), comma-separated")
    parser.add_argument("--bootstrap", type=int, default=2_000, help="--real: bootstrap resamples over users")


def run(args: argparse.Namespace) -> int:
    if args.real:
        return run_real(args)
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


# ---------------------------------------------------------------------------------------------- real data
REAL_COLUMNS = [
    "data", "model", "tuned", "NDCG@10", "ndcg_95ci", "diff_vs_default", "diff_95ci", "seed_mean", "seed_sd",
    "seed_range", "R@10", "P@10", "coverage", "fit_s", "users",
]  # fmt: skip


def movielens_100k() -> pd.DataFrame:
    """MovieLens-100k (GroupLens; 943 users, 1,682 films, 100,000 ratings, 1997-98) as an implicit log.

    Read from the copy inside the ``recbole`` wheel (installed with ``--no-deps`` by ``make install``;
    nothing is downloaded). Every rating is one interaction of weight 1 at its timestamp (rated = watched),
    duplicates of a user x item pair keep the latest, rows are ordered by user, time, item.
    """
    try:
        path = Path(importlib.metadata.distribution("recbole").locate_file(
            "recbole/dataset_example/ml-100k/ml-100k.inter"))
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("MovieLens-100k ships in the recbole wheel: pip install --no-deps recbole==1.2.1") from None
    frame = pd.read_csv(path, sep="\t")
    frame.columns = [column.split(":")[0] for column in frame.columns]
    frame = frame.sort_values(["user_id", "timestamp", "item_id"], kind="stable")
    frame = frame.drop_duplicates(["user_id", "item_id"], keep="last")
    return pd.DataFrame({
        "user_id": frame["user_id"].to_numpy(), "item_id": frame["item_id"].to_numpy(),
        "weight": np.ones(len(frame)), "ts": frame["timestamp"].to_numpy(dtype=float),
        "rating": frame["rating"].to_numpy(dtype=float),
    }).reset_index(drop=True)


def bootstrap_interval(values: np.ndarray, resamples: int, random_state: int) -> tuple[float, float]:
    """95% percentile interval of the mean of ``values`` resampled over users (rows)."""
    rng = np.random.default_rng(random_state)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def _evaluate_real(model: Recommender, train: pd.DataFrame, relevant: dict, n_items: int) -> tuple[pd.DataFrame, dict]:
    start = time.perf_counter()
    model.fit(train)
    return _scored(model, relevant, n_items, time.perf_counter() - start)


def _evaluate_refreshed(model: Recommender, earlier: pd.DataFrame, train: pd.DataFrame, relevant: dict,
                        n_items: int) -> tuple[pd.DataFrame, dict]:
    """Fitted on ``earlier``, refreshed with ``train`` (the daily build between scheduled fits); fit_s = refresh."""
    model.fit(earlier)
    start = time.perf_counter()
    model.refresh(train)
    return _scored(model, relevant, n_items, time.perf_counter() - start)


def _scored(model: Recommender, relevant: dict, n_items: int, fit_s: float) -> tuple[pd.DataFrame, dict]:
    """Per-user metrics of the top 10 for the evaluated users, and the row's fit time and coverage."""
    recs = model.recommend(list(relevant), k=10)
    lists = {u: g.tolist() for u, g in recs.groupby("user_id", sort=False)["item_id"]}
    table = per_user_metrics(lists, relevant, k=10).reindex(list(relevant)).fillna(0.0)
    return table, {"fit_s": fit_s, "coverage": catalogue_coverage(recs, n_items)}


def run_real(args: argparse.Namespace) -> int:
    """Candidates tuned on a validation window of the training data, and the default, on MovieLens-100k."""
    load = os.getloadavg()
    print(f"cores: {os.cpu_count()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    data = movielens_100k()
    train, test = temporal_split(data)
    relevant = relevant_items(train, test)
    n_items = data["item_id"].nunique()
    print(f"movielens-100k: {data['user_id'].nunique():,} users, {n_items:,} items, {len(data):,} interactions; "
          f"train {len(train):,}, test {len(test):,}, {len(relevant):,} users evaluated", flush=True)
    seeds = list(range(args.seed, args.seed + args.seeds))
    per_user: dict[str, dict[int, pd.Series]] = {}
    extras: dict[str, dict] = {}
    tuned: dict[str, str] = {}
    for seed in seeds:
        # The default tunes every family on a validation window cut from train; its table gives the tuned baselines.
        default = Recommender(random_state=seed)
        systems = [("default (auto)", {}, default)]
        table, extra = _evaluate_real(default, train, relevant, n_items)
        selection = default.selection_
        results = {"default (auto)": (table, extra)}
        for record in selection[selection["best_of_family"]].to_dict("records"):
            model = Recommender(ranking=record["family"], random_state=seed, **record["params"])
            name = FAMILY_LABELS[record["family"]]
            systems.append((name, record["params"], model))
            results[name] = _evaluate_real(model, train, relevant, n_items)
        kept_names = []
        for days in (float(d) for d in str(args.kept_days).split(",") if d.strip()):
            kept = f"default, fitted {days:g} days earlier, refreshed"
            earlier = train[train["ts"] <= train["ts"].max() - days * 86_400]
            systems.append((kept, {}, Recommender(random_state=seed)))
            results[kept] = _evaluate_refreshed(systems[-1][2], earlier, train, relevant, n_items)
            kept_names.append(kept)
        for name, params, model in systems:
            table, extra = results[name]
            per_user.setdefault(name, {})[seed] = table
            if seed == seeds[0]:
                extras[name] = extra
                tuned[name] = (json.dumps(params, sort_keys=True) if name != "default (auto)" and name not in kept_names
                               else "serves " + FAMILY_LABELS[model.selected_params_["ranking"]])
            print(f"  seed {seed} {name}: NDCG@10 {table['ndcg'].mean():.4f} ({tuned.get(name, '')})", flush=True)
    first = seeds[0]
    default = per_user["default (auto)"][first]["ndcg"].to_numpy()
    rows = []
    for name, by_seed in per_user.items():
        table = by_seed[first]
        ndcg = table["ndcg"].to_numpy()
        seed_means = np.array([by_seed[s]["ndcg"].mean() for s in seeds])
        low, high = bootstrap_interval(ndcg, args.bootstrap, args.seed)
        d_low, d_high = bootstrap_interval(ndcg - default, args.bootstrap, args.seed)
        rows.append({
            "data": "movielens-100k", "model": name, "tuned": tuned[name], "NDCG@10": float(ndcg.mean()),
            "ndcg_95ci": f"{low:.4f}-{high:.4f}", "diff_vs_default": float((ndcg - default).mean()),
            "diff_95ci": f"{d_low:+.4f} to {d_high:+.4f}", "seed_mean": float(seed_means.mean()),
            "seed_sd": float(seed_means.std(ddof=1)) if len(seeds) > 1 else 0.0,
            "seed_range": float(seed_means.max() - seed_means.min()), "R@10": float(table["recall"].mean()),
            "P@10": float(table["precision"].mean()), "coverage": extras[name]["coverage"],
            "fit_s": extras[name]["fit_s"], "users": len(table),
        })
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    print_table(rows, f"Recommendation on MovieLens-100k: per-user temporal split, seeds {seeds[0]}-{seeds[-1]}, "
                      f"95% bootstrap over users (seed {first})", REAL_COLUMNS)
    return 0
