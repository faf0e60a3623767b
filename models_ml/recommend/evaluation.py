"""Offline evaluation of recommenders: per-user temporal split, top-k metrics, model comparison.

Protocol: each user's latest 20% of interactions (by ``ts``) is the test set; the models see only
the rest. The full model cuts its own validation window from that rest (same rule) to train its
ranker, and `tune_als` uses the same kind of window to choose ALS hyper-parameters, so test data
never informs a choice. A test item counts as relevant when it is a positive (`positive_mask`)
that the user had not already watched in training; every unseen video in the catalogue competes.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

from .model import Recommender, temporal_split
from .weights import SIGNAL_COLUMNS, interaction_weight, positive_mask

METRICS = ("precision", "recall", "ndcg", "map", "coverage", "users")


def ranking_metrics(recommended: dict, relevant: dict, k: int = 10) -> dict[str, float]:
    """Mean Precision@k, Recall@k, NDCG@k and MAP@k over the users in ``relevant`` (binary relevance).

    ``recommended[u]`` is u's ranked list (best first), ``relevant[u]`` a set of items; users with an
    empty relevant set are skipped, a user missing from ``recommended`` scores 0.
    Precision@k = hits / k (k, not the list length: a short list is not rewarded).
    Recall@k = hits / |relevant|.
    NDCG@k = sum over hits at rank r of 1/log2(r+1), divided by the ideal DCG of min(k, |relevant|) hits.
    MAP@k: AP@k = sum over hits at rank r of precision@r, divided by min(k, |relevant|), so a
    perfect list scores 1 even when the user has more than k relevant items.
    """
    table = per_user_metrics(recommended, relevant, k)
    means = (
        table[["precision", "recall", "ndcg", "map"]].mean()
        if len(table)
        else pd.Series(0.0, index=METRICS[:4])
    )
    return {**{name: float(means[name]) for name in METRICS[:4]}, "users": len(table)}


def per_user_metrics(recommended: dict, relevant: dict, k: int = 10) -> pd.DataFrame:
    """The metrics of `ranking_metrics`, one row per user (index = user id), for paired comparisons."""
    users = [u for u, items in relevant.items() if len(items) > 0]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    values = np.zeros((len(users), 4))
    for row, u in enumerate(users):
        items = relevant[u]
        ranked = list(recommended.get(u, []))[:k]
        hit = np.array([item in items for item in ranked], dtype=float)
        ideal = min(k, len(items))
        precision_at = np.cumsum(hit) / np.arange(1, len(hit) + 1) if len(hit) else hit
        values[row] = (
            hit.sum() / k,
            hit.sum() / len(items),
            float((hit * discounts[: len(hit)]).sum()) / discounts[:ideal].sum(),
            float((precision_at * hit).sum()) / ideal,
        )
    return pd.DataFrame(values, index=pd.Index(users, dtype=object), columns=list(METRICS[:4]))


def catalogue_coverage(recommendations: pd.DataFrame, n_items: int) -> float:
    """Share of the catalogue that appears in at least one user's list."""
    return recommendations["item_id"].nunique() / max(n_items, 1)


def relevant_items(train: pd.DataFrame, test: pd.DataFrame) -> dict:
    """Per user, the set of test positives not already watched in train."""
    positives = test[positive_mask(test)]
    seen = pd.MultiIndex.from_frame(train[["user_id", "item_id"]])
    fresh = positives[~pd.MultiIndex.from_frame(positives[["user_id", "item_id"]]).isin(seen)]
    return {u: set(g) for u, g in fresh.groupby("user_id", sort=False)["item_id"]}


def evaluate_recommender(
    model: Recommender, train: pd.DataFrame, test: pd.DataFrame, n_items: int, k: int = 10, users=None
) -> dict[str, float]:
    """Metrics of a fitted model on ``test`` (optionally only for the given ``users``)."""
    relevant = relevant_items(train, test)
    if users is not None:
        wanted = set(users)
        relevant = {u: s for u, s in relevant.items() if u in wanted}
    recs = model.recommend(list(relevant), k=k, exclude_seen=True)
    lists = {u: g.tolist() for u, g in recs.groupby("user_id", sort=False)["item_id"]}
    table = per_user_metrics(lists, relevant, k)
    metrics = {name: float(table[name].mean()) for name in METRICS[:4]}
    metrics.update(users=len(table), coverage=catalogue_coverage(recs, n_items), per_user_ndcg=table["ndcg"])
    return metrics


def without_sentiment(interactions: pd.DataFrame) -> pd.DataFrame:
    """The same events with weights recomputed as if nobody had commented (needs the signal columns)."""
    frame = interactions.copy()
    frame["weight"] = interaction_weight(
        frame["completion_ratio"],
        frame["liked"],
        frame["shared"],
        frame["followed"],
        np.full(len(frame), np.nan),
    )
    return frame


def tune_als(
    train: pd.DataFrame,
    grid: dict | None = None,
    k: int = 10,
    max_users: int = 5_000,
    random_state: int = 0,
    num_threads: int = 0,
) -> tuple[dict, pd.DataFrame]:
    """Choose ALS hyper-parameters by NDCG@k on a validation window cut from ``train``.

    Returns the best parameters and the table of every grid point (validation metrics only).
    """
    grid = grid or {"factors": [16, 32], "regularization": [1.0], "alpha": [4.0, 10.0]}
    fit_part, valid = temporal_split(train)
    users = _sample_users(relevant_items(fit_part, valid), max_users, random_state)
    rows = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values, strict=True))
        model = Recommender(ranking="als", random_state=random_state, num_threads=num_threads, **params)
        model.fit(fit_part)
        metrics = evaluate_recommender(model, fit_part, valid, len(model.item_index_), k, users)
        metrics.pop("per_user_ndcg")
        rows.append({**params, **metrics})
    table = pd.DataFrame(rows)
    best = table.sort_values("ndcg", ascending=False, kind="stable").iloc[0]
    return {name: type(grid[name][0])(best[name]) for name in grid}, table


def evaluate_models(
    interactions: pd.DataFrame,
    item_features: pd.DataFrame | None = None,
    user_features: pd.DataFrame | None = None,
    k: int = 10,
    max_eval_users: int | None = None,
    tune: bool = True,
    random_state: int = 0,
    num_threads: int = 0,
    max_train_users: int | None = None,
) -> pd.DataFrame:
    """Compare most-popular, item-kNN, ALS alone, EASE, the rank blend, the full model (the LambdaRank
    re-ranker) and the last two without the sentiment term, each with its package defaults (ALS tuned).

    One row per model: ``model, precision, recall, ndcg, map, coverage, users, fit_seconds,
    ndcg_gain_of_full, gain_se`` (metrics @k on the temporal test split; ``users`` = users with at
    least one relevant test item, sampled down to ``max_eval_users`` when given). ``ndcg_gain_of_full``
    is the full model's NDCG@k minus this row's, averaged over the same users, and ``gain_se`` its
    paired standard error (a gain under two standard errors is not distinguishable from noise).
    "no sentiment" recomputes the interaction weights with no comment term (and, for the full model,
    drops the item-sentiment feature); those two rows need the signal columns. "ALS, no sentiment"
    isolates the weighting from the ranker.

    ``max_train_users`` caps the population the comparison runs on: above it, every model is fitted and
    evaluated on the interactions of that many randomly drawn viewers (the same for all models). The
    cost of the ten fits then stops growing with the platform while the comparison stays paired; the
    served model's own bound is var recommendation_fit_max_users.
    """
    interactions = sample_population(interactions, max_train_users, random_state)
    train, test = temporal_split(interactions)
    catalogue = [interactions["item_id"]] + ([item_features["item_id"]] if item_features is not None else [])
    n_items = len(pd.unique(pd.concat(catalogue)))
    users = (
        _sample_users(relevant_items(train, test), max_eval_users, random_state) if max_eval_users else None
    )
    als_params = tune_als(train, random_state=random_state, num_threads=num_threads)[0] if tune else {}
    common = {"random_state": random_state, "num_threads": num_threads, **als_params}
    candidates = [
        ("most-popular", Recommender(ranking="popular", **common), train),
        ("item-kNN", Recommender(ranking="knn", **common), train),
        ("ALS", Recommender(ranking="als", **common), train),
        ("EASE", Recommender(ranking="ease", **common), train),
        ("rank blend", Recommender(ranking="blend", **common), train),
        ("full model", Recommender(ranking="ltr", **common), train),
    ]
    if set(SIGNAL_COLUMNS) <= set(interactions.columns):
        plain = without_sentiment(train)
        candidates += [
            ("full model, no sentiment", Recommender(ranking="ltr", use_sentiment=False, **common), plain),
            ("ALS, no sentiment", Recommender(ranking="als", **common), plain),
        ]
    rows = []
    for name, model, frame in candidates:
        start = time.perf_counter()
        model.fit(frame, item_features, user_features)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "model": name,
                **evaluate_recommender(model, frame, test, n_items, k, users),
                "fit_seconds": seconds,
            }
        )
    full = next(row["per_user_ndcg"] for row in rows if row["model"] == "full model")
    for row in rows:
        gain = full - row.pop("per_user_ndcg")
        row["ndcg_gain_of_full"] = float(gain.mean())
        row["gain_se"] = float(gain.std(ddof=1) / np.sqrt(len(gain))) if len(gain) > 1 else float("nan")
    return pd.DataFrame(rows)


def sample_positions(n_users: int, max_users: int | None, random_state: int) -> np.ndarray | None:
    """The viewers a bounded fit draws, as ascending positions in the sorted distinct viewer ids; None = all.

    The one seeded draw of the recommender's samples: `sample_population` applies it to a frame, the
    warehouse models to the engine's sorted viewer ids (reelmart.frames.sample_by_key), so both draw the
    same viewers and only the sample's interactions reach the driver.
    """
    if max_users is None or n_users <= max_users:
        return None
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_users, int(max_users), replace=False))


def sample_population(interactions: pd.DataFrame, max_users: int | None, random_state: int) -> pd.DataFrame:
    """The interactions of at most ``max_users`` viewers drawn at random (all of them below the cap).

    Viewers are drawn from their sorted ids, so the sample does not depend on the frame's row order.
    """
    users = np.sort(pd.unique(interactions["user_id"]))
    positions = sample_positions(len(users), max_users, random_state)
    if positions is None:
        return interactions
    kept = users[positions]
    return interactions[interactions["user_id"].isin(kept)].reset_index(drop=True)


def _sample_users(relevant: dict, max_users: int | None, random_state: int) -> list | None:
    users = list(relevant)
    if max_users is None or len(users) <= max_users:
        return users
    rng = np.random.default_rng(random_state)
    return [users[i] for i in np.sort(rng.choice(len(users), max_users, replace=False))]
