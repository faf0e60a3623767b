"""Choose the recommender to serve: tune every candidate generator on a validation window, serve the winner.

The window is cut from the interactions the model is fitted on (each user's latest
``validation_fraction``, `temporal_split`), so the choice never sees test data. Each family
(most-popular, item-kNN, ALS, EASE, their rank-fusion blend, the LambdaRank re-ranker) is tuned over
its grid there; the blend reuses the best item-kNN, ALS and EASE settings, the re-ranker the best ALS
settings for its ALS candidates. The family whose best setting has the highest
validation NDCG@k is served, refitted on all the interactions (the blend stays when the leader's lead
over it is within two paired standard errors); a family that loses clearly is never served.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable

import numpy as np
import pandas as pd

from .evaluation import per_user_metrics, relevant_items, sample_population
from .model import Recommender, temporal_split

#: Candidate families in display order; the first entry of a grid is the package default.
FAMILIES = ("popular", "knn", "als", "ease", "blend", "ltr")
DEFAULT_GRIDS = {
    "popular": {},
    "knn": {"knn_neighbours": [50, 200, 400], "recency_half_life": [0.0, 10.0]},
    "als": {"factors": [64, 128], "regularization": [10.0, 50.0], "alpha": [0.5, 1.0]},
    "ease": {"ease_l2": [2.0, 8.0, 32.0], "recency_half_life": [0.0, 5.0, 20.0]},
    "blend": {"blend_weights": [(1.0, 1.0, 1.0), (1.0, 1.0, 0.5), (1.0, 2.0, 1.0), (2.0, 1.0, 1.0)]},
    "ltr": {},
}
#: How each family is named in tables and on the report.
FAMILY_LABELS = {
    "popular": "most-popular", "knn": "item-kNN", "als": "ALS", "ease": "EASE", "blend": "rank blend",
    "ltr": "LambdaRank re-ranker",
}  # fmt: skip
#: A smaller grid for large platforms (the warehouse uses it above `selection_max_users` viewers).
SMALL_GRIDS = {
    "popular": {},
    "knn": {"knn_neighbours": [50, 200]},
    "als": {"factors": [16, 32], "regularization": [1.0], "alpha": [1.0, 10.0]},
    "ease": {"ease_l2": [1.0, 8.0], "recency_half_life": [0.0, 10.0]},
    "blend": {"blend_weights": [(1.0, 1.0, 1.0)]},
    "ltr": {},
}


def select_recommender(
    interactions: pd.DataFrame,
    item_features: pd.DataFrame | None = None,
    user_features: pd.DataFrame | None = None,
    families: Iterable[str] = FAMILIES,
    grids: dict | None = None,
    base_params: dict | None = None,
    k: int = 10,
    validation_fraction: float = 0.2,
    max_users: int | None = 20_000,
    preferred: str = "blend",
    tolerance_se: float = 2.0,
    random_state: int = 0,
) -> tuple[dict, pd.DataFrame]:
    """Tune each family on a validation window cut from ``interactions``; return the winner and the table.

    Returns ``(params, table)``: ``params`` are the `Recommender` hyper-parameters of the winner
    (``ranking`` included, on top of ``base_params``); ``table`` has one row per family x setting with
    ``family, params`` (the family's settings, those taken over from the families it builds on included), ``ndcg, precision, recall, map, users``, ``best_of_family``
    ``chosen``, and for each family's best ``gain_over_preferred`` (its validation NDCG minus the
    ``preferred`` family's, paired over users) with ``gain_se``, the paired standard error.

    The winner is the family with the highest validation NDCG, except that the ``preferred`` family
    (the blend: an ensemble, the steadiest on fresh data) is kept when the leader beats it by no more
    than ``tolerance_se`` paired standard errors: a lead inside the noise of one validation window is
    a tie. Above ``max_users`` viewers the choice runs on the interactions of that many randomly drawn
    viewers (all fits paired on the same sample); the caller refits the winner on everything.
    """
    families = [f for f in FAMILIES if f in set(families)]
    if not families:
        raise ValueError(f"families must name at least one of {FAMILIES}")
    grids = {**DEFAULT_GRIDS, **(grids or {})}
    base = {"random_state": random_state, **(base_params or {})}
    sample = sample_population(interactions, max_users, random_state)
    fit_part, valid = temporal_split(sample, validation_fraction)
    relevant = relevant_items(fit_part, valid)
    rows, per_user = [], []
    best: dict[str, dict] = {}
    for family in families:
        grid = grids.get(family) or {}
        settings = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
        for setting in settings or [{}]:
            setting = {**_inherited(family, best), **setting}
            model = Recommender(**{**base, **setting, "ranking": family}).fit(fit_part, item_features, user_features)
            metrics, ndcg = _validation_metrics(model, relevant, k)
            per_user.append(ndcg)
            rows.append({"family": family, "params": setting, **metrics})
            if family not in best or metrics["ndcg"] > best[family]["_ndcg"]:
                best[family] = {**setting, "_ndcg": metrics["ndcg"]}
        best[family] = {name: value for name, value in best[family].items() if name != "_ndcg"}
    table = pd.DataFrame(rows)
    table["best_of_family"] = False
    for _, group in table.groupby("family", sort=False):
        table.loc[group["ndcg"].idxmax(), "best_of_family"] = True
    # Exact ties go to the family listed first: the cheaper, simpler one.
    finalists = table[table["best_of_family"]]
    winner = finalists.loc[finalists["ndcg"].idxmax()]
    table["gain_over_preferred"] = np.nan
    table["gain_se"] = np.nan
    if preferred in set(finalists["family"]):
        anchor = finalists.index[finalists["family"] == preferred][0]
        for row in finalists.index:
            gain = per_user[row] - per_user[anchor]
            table.loc[row, "gain_over_preferred"] = float(gain.mean()) if len(gain) else 0.0
            table.loc[row, "gain_se"] = float(gain.std(ddof=1) / np.sqrt(len(gain))) if len(gain) > 1 else 0.0
        lead = table.loc[winner.name]
        if not lead["gain_over_preferred"] > tolerance_se * lead["gain_se"]:
            winner = table.loc[anchor]
    table["chosen"] = table.index == winner.name
    params = {**base, **winner["params"], "ranking": winner["family"]}
    return params, table


def _inherited(family: str, best: dict[str, dict]) -> dict:
    """The tuned settings a composite family takes over from the families it is built on."""
    sources = {"blend": ("knn", "als", "ease"), "ltr": ("als",)}.get(family, ())  # the blend: EASE's half-life
    return {name: value for source in sources for name, value in best.get(source, {}).items()}


def _validation_metrics(
    model: Recommender, relevant: dict[Hashable, set], k: int
) -> tuple[dict[str, float], np.ndarray]:
    """Mean metrics @k over the validation users, and each user's NDCG (same user order every call)."""
    recs = model.recommend(list(relevant), k=k, exclude_seen=True)
    lists = {u: g.tolist() for u, g in recs.groupby("user_id", sort=False)["item_id"]}
    table = per_user_metrics(lists, relevant, k)
    means = table.mean() if len(table) else pd.Series(0.0, index=table.columns)
    metrics = {"ndcg": float(means["ndcg"]), "precision": float(means["precision"]),
               "recall": float(means["recall"]), "map": float(means["map"]), "users": int(len(table))}
    return metrics, table["ndcg"].to_numpy()


def selection_rows(
    interactions: pd.DataFrame,
    item_features: pd.DataFrame | None = None,
    user_features: pd.DataFrame | None = None,
    base_params: dict | None = None,
    k: int = 10,
    grids: str = "small",
    max_users: int | None = 20_000,
) -> list[tuple[str, str, float, dict]]:
    """`select_recommender` as long rows ``(model_name, metric, value, details)`` for fct_model_evaluations.

    One ``recommender_candidate_<family>`` per family (its best setting): validation precision,
    recall, NDCG and MAP at k, users, NDCG gain over the blend, and ``served`` (1 for the winner).
    ``details`` holds the settings (``params``, what the served model is refitted with), the grid
    tried and the rule. No rows without interactions.
    """
    if grids not in ("full", "small"):
        raise ValueError(f"grids must be 'full' or 'small', got {grids!r}")
    if len(interactions) == 0:
        return []
    base = dict(base_params or {})
    _, table = select_recommender(
        interactions, item_features, user_features, grids=DEFAULT_GRIDS if grids == "full" else SMALL_GRIDS,
        base_params=base, k=k, max_users=max_users, random_state=int(base.get("random_state", 0)),
    )  # fmt: skip
    served = table.loc[table["chosen"], "family"].iloc[0]
    rows = []
    for family, group in table.groupby("family", sort=False):
        best = group[group["best_of_family"]].iloc[0]
        details = {
            "label": FAMILY_LABELS[family], "family": family, "params": _plain(best["params"]),
            "served": family == served, "served_family": served, "k": k, "grids": grids,
            "gain_se": None if pd.isna(best["gain_over_preferred"]) else round(float(best["gain_se"]), 6),
            "grid": [{"params": _plain(r["params"]), "ndcg": round(float(r["ndcg"]), 6)}
                     for r in group.to_dict("records")],
            "validation": "each viewer's latest 20% of training interactions",
            "rule": "highest validation NDCG; the rank blend stays unless beaten by more than 2 paired SE",
        }  # fmt: skip
        values = {
            f"validation_precision_at_{k}": best["precision"], f"validation_recall_at_{k}": best["recall"],
            f"validation_ndcg_at_{k}": best["ndcg"], f"validation_map_at_{k}": best["map"],
            "validation_users": best["users"], f"validation_ndcg_at_{k}_gain_over_blend": best["gain_over_preferred"],
            "served": 1.0 if family == served else 0.0,
        }  # fmt: skip
        for metric, value in values.items():
            rows.append((f"recommender_candidate_{family}", metric, None if pd.isna(value) else float(value),
                         details))
    return rows


def served_params(details: dict) -> dict:
    """The `Recommender` settings of a served row's ``details`` (as written by `selection_rows`)."""
    params = dict(details["params"])
    if "blend_weights" in params:
        params["blend_weights"] = tuple(float(w) for w in params["blend_weights"])
    return {**params, "ranking": details["family"]}


def _plain(params: dict) -> dict:
    """Settings as JSON values (tuples become lists, numpy scalars Python numbers)."""
    return {name: list(value) if isinstance(value, tuple) else (value.item() if hasattr(value, "item") else value)
            for name, value in params.items()}
