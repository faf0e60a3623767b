"""Sentiment-aware video recommendation: implicit ALS / item-kNN candidates, LightGBM LambdaRank re-ranking.

Ids are mapped once, at the edge, to contiguous indices (``user_index_``, ``item_index_``); every
matrix inside is indexed by those. The ranker learns from a validation window cut from the
training interactions (each user's latest ``validation_fraction``), never from test data.
"""

from __future__ import annotations

import inspect
import os
import pickle
import warnings
from collections.abc import Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from implicit.nearest_neighbours import BM25Recommender, CosineRecommender, ItemItemRecommender
from implicit.utils import ParameterWarning
from threadpoolctl import threadpool_limits

from .weights import positive_mask

RANKINGS = ("auto", "ltr", "blend", "als", "knn", "ease", "popular")
FEATURES = (
    "als_score", "als_rank", "knn_score", "popularity", "age_days", "profile_affinity",
    "history_affinity", "creator_affinity", "mean_sentiment", "completion_rate", "user_activity", "is_new_item",
)  # fmt: skip
SENTIMENT_FEATURES = ("mean_sentiment",)
KNN_FEATURES = ("knn_score",)
_FORMAT = 1
_DAY = 86_400.0


def to_seconds(values: Iterable) -> np.ndarray:
    """Timestamps (datetime-like, tz-aware or not) or numbers of seconds as float seconds since the epoch."""
    series = pd.Series(values)
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float)
    stamps = pd.to_datetime(series, utc=True)
    seconds = (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return seconds.to_numpy(dtype=float, na_value=np.nan)


def temporal_split(
    interactions: pd.DataFrame, fraction: float = 0.2, min_interactions: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per user, the latest ``ceil(fraction * n)`` interactions (by ``ts``) versus the rest.

    Users with fewer than ``min_interactions`` keep everything on the earlier side. Ties in ``ts``
    are broken by row order, so the split is deterministic. Returns ``(earlier, later)``.
    """
    ts = to_seconds(interactions["ts"])
    users = pd.factorize(interactions["user_id"])[0]
    order = np.lexsort((np.arange(len(ts)), ts, users))
    sorted_users = users[order]
    counts = np.bincount(users)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.arange(len(order)) - starts[sorted_users]
    n = counts[sorted_users]
    n_later = np.where(n >= min_interactions, np.ceil(fraction * n).astype(np.int64), 0)
    later = np.zeros(len(ts), dtype=bool)
    later[order] = position >= n - n_later
    return interactions[~later], interactions[later]


@dataclass
class _History:
    """What one slice of interactions says about users and items, on the fixed id maps."""

    matrix: sp.csr_matrix  # users x items, summed weights
    item_count: np.ndarray  # interactions per item
    user_count: np.ndarray
    user_last_ts: np.ndarray  # seconds; NaN for users without interactions
    category_share: np.ndarray  # users x categories, share of the user's weight
    creator_keys: np.ndarray  # sorted user * n_creators + creator
    creator_share: np.ndarray
    mean_sentiment: np.ndarray  # per item
    completion_rate: np.ndarray
    pool: np.ndarray | None = None  # items ALS may propose (sorted); None = all
    als: AlternatingLeastSquares | None = None
    knn: ItemItemRecommender | None = None
    recent: sp.csr_matrix | None = None  # users x items, recency weights (item models score with these)
    ease_items: np.ndarray | None = None  # the items EASE models (sorted)
    ease_weights: np.ndarray | None = None  # ease_items x ease_items, zero diagonal


class Recommender:
    """Top-k videos per user; scikit-learn style (hyper-parameters here, learned state ends in ``_``).

    ``ranking``: ``"auto"`` (the default: tune every mode below on a validation window cut from the
    training interactions and serve the best, `select_recommender`; the choice is ``selection_``, the
    served model ``selected_``), ``"ltr"`` (ALS candidates + new-video content candidates, LambdaRank re-ranking; the
    full model), or a candidate generator alone: ``"als"`` (ALS order), ``"knn"`` (item-kNN order),
    ``"ease"`` (EASE, a closed-form item-item model over the ``ease_max_items`` most watched videos,
    L2 penalty ``ease_l2`` times the mean item count), ``"blend"`` (reciprocal-rank fusion of the ALS,
    EASE and item-kNN lists with ``blend_weights``), ``"popular"``. With ``recency_half_life`` h > 0,
    EASE and item-kNN score a viewer from their watched videos weighted ``0.5 ** (p / h)``, p = how many
    of their interactions came later, so that recent tastes count more.
    ``use_sentiment=False`` drops the item comment-sentiment feature (the interaction weights are the
    caller's: see `interaction_weight`). ``num_threads=0`` uses every core; results do not depend on it.

    Speed knobs of the full model: ALS proposes candidates only from the ``candidate_pool`` videos
    with the most views in the last ``pool_days`` days (0 = the whole catalogue; brand-new videos
    still arrive as content candidates), and the item-kNN score is a ranker feature only with
    ``knn_feature=True`` (its cost and gain: docs/recommendation.md, "Speed changes").
    Item-kNN similarity is cosine by default; ``knn="bm25"`` favours rarely watched videos, which picked
    neighbours that had co-occurred once on a sparse catalogue (docs/recommendation.md).
    """

    def __init__(
        self,
        ranking: str = "auto",
        factors: int = 16,
        regularization: float = 1.0,
        alpha: float = 10.0,
        iterations: int = 12,
        refit_iterations: int = 4,
        knn: str = "cosine",
        knn_neighbours: int = 50,
        ease_l2: float = 1.0,
        ease_max_items: int = 4_000,
        recency_half_life: float = 0.0,
        blend_weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
        blend_depth: int = 100,
        blend_offset: float = 60.0,
        n_candidates: int = 50,
        candidate_pool: int = 2_000,
        pool_days: float = 14.0,
        knn_feature: bool = False,
        n_content_candidates: int = 5,
        max_new_items: int = 500,
        use_sentiment: bool = True,
        validation_fraction: float = 0.2,
        ranker_max_users: int = 5_000,
        n_estimators: int = 50,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        freshness_days: float = 3.0,
        batch_size: int = 20_000,
        selection_grids: str = "full",
        selection_max_users: int = 20_000,
        num_threads: int = 0,
        random_state: int = 0,
    ) -> None:
        self.ranking = ranking
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.refit_iterations = refit_iterations
        self.knn = knn
        self.knn_neighbours = knn_neighbours
        self.ease_l2 = ease_l2
        self.ease_max_items = ease_max_items
        self.recency_half_life = recency_half_life
        self.blend_weights = blend_weights
        self.blend_depth = blend_depth
        self.blend_offset = blend_offset
        self.n_candidates = n_candidates
        self.candidate_pool = candidate_pool
        self.pool_days = pool_days
        self.knn_feature = knn_feature
        self.n_content_candidates = n_content_candidates
        self.max_new_items = max_new_items
        self.use_sentiment = use_sentiment
        self.validation_fraction = validation_fraction
        self.ranker_max_users = ranker_max_users
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.freshness_days = freshness_days
        self.batch_size = batch_size
        self.selection_grids = selection_grids
        self.selection_max_users = selection_max_users
        self.num_threads = num_threads
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        interactions: pd.DataFrame,
        item_features: pd.DataFrame | None = None,
        user_features: pd.DataFrame | None = None,
    ) -> Recommender:
        """Learn from ``interactions`` (``user_id, item_id, weight, ts``; optional signal columns).

        Videos listed only in ``item_features`` and viewers listed only in ``user_features`` join the
        id maps, so they can be recommended (new videos) or served (new viewers) from day one.
        """
        if self.ranking not in RANKINGS:
            raise ValueError(f"ranking must be one of {RANKINGS}, got {self.ranking!r}")
        missing = {"user_id", "item_id", "weight", "ts"} - set(interactions.columns)
        if missing:
            raise ValueError(f"interactions lacks columns {sorted(missing)}")
        if self.ranking == "auto":
            return self._fit_selected(interactions, item_features, user_features)
        item_features = item_features if item_features is not None else pd.DataFrame({"item_id": []})
        user_features = user_features if user_features is not None else pd.DataFrame({"user_id": []})

        self.user_index_ = pd.Index(pd.unique(pd.concat([interactions["user_id"], user_features["user_id"]])))
        self.item_index_ = pd.Index(pd.unique(pd.concat([interactions["item_id"], item_features["item_id"]])))
        if not (self.user_index_.is_unique and self.item_index_.is_unique):
            raise ValueError("user_id / item_id values must be hashable and distinct")
        self._set_static_features(item_features, user_features)

        if self.ranking == "ltr":
            earlier, later = temporal_split(interactions, self.validation_fraction)
            stage = self._history(earlier)
            self._fit_candidates(stage)
            self.ranker_ = self._fit_ranker(stage, later)
            self.history_ = self._history(interactions)
            self._fit_candidates(self.history_, warm_start=stage.als)
        else:
            self.ranker_ = None
            self.history_ = self._history(interactions)
            self._fit_candidates(self.history_)
        self._set_segment_popularity(interactions)
        return self

    def refresh(
        self,
        interactions: pd.DataFrame,
        item_features: pd.DataFrame | None = None,
        user_features: pd.DataFrame | None = None,
    ) -> Recommender:
        """Serve newer data with what was learned, without refitting (the daily build between scheduled fits).

        Kept: the hyper-parameters, the served choice, the ranker and the ALS video factors. Re-read from
        ``interactions``: every viewer's history (so new views are excluded and count in the features), the
        video statistics and the candidate pool. ALS factors are solved for every viewer against the kept
        video factors, then for videos new since the fit against those viewers (one least-squares step
        each, implicit's ``partial_fit_*``); item-kNN and EASE are closed forms and are recomputed. New
        viewers and videos join the id maps as in `fit`.
        """
        if not hasattr(self, "history_") and not hasattr(self, "selected_"):
            raise ValueError("refresh needs a fitted model: call fit first")
        if self.ranking == "auto":
            self.selected_.refresh(interactions, item_features, user_features)
            return self
        item_features = item_features if item_features is not None else pd.DataFrame({"item_id": []})
        user_features = user_features if user_features is not None else pd.DataFrame({"user_id": []})
        known_items = len(self.item_index_)
        self.user_index_ = _extended(self.user_index_, interactions["user_id"], user_features["user_id"])
        self.item_index_ = _extended(self.item_index_, interactions["item_id"], item_features["item_id"])
        self._set_static_features(item_features, user_features)
        history = self._history(interactions)
        new_items = np.arange(known_items, len(self.item_index_))
        self._fit_candidates(history, kept_als=self.history_.als, new_items=new_items)
        self.history_ = history
        self._set_segment_popularity(interactions)
        return self

    def _fit_selected(self, interactions, item_features, user_features) -> Recommender:
        from .selection import DEFAULT_GRIDS, SMALL_GRIDS, select_recommender

        if self.selection_grids not in ("full", "small"):
            raise ValueError(f"selection_grids must be 'full' or 'small', got {self.selection_grids!r}")
        base = {name: value for name, value in self.get_params().items() if name != "ranking"}
        params, self.selection_ = select_recommender(
            interactions, item_features, user_features,
            grids=DEFAULT_GRIDS if self.selection_grids == "full" else SMALL_GRIDS,
            base_params=base, validation_fraction=self.validation_fraction,
            max_users=self.selection_max_users, random_state=self.random_state,
        )  # fmt: skip
        self.selected_params_ = params
        self.selected_ = Recommender(**params).fit(interactions, item_features, user_features)
        return self

    def _set_static_features(self, item_features: pd.DataFrame, user_features: pd.DataFrame) -> None:
        n_users, n_items = len(self.user_index_), len(self.item_index_)
        items = item_features.set_index("item_id").reindex(self.item_index_)
        category = items["category"] if "category" in items else pd.Series(pd.NA, index=items.index)
        codes, self.categories_ = pd.factorize(category, sort=True)
        self.item_category_ = codes.astype(np.int64)  # -1: unknown
        creator = items["creator_id"] if "creator_id" in items else pd.Series(pd.NA, index=items.index)
        creator_codes, creators = pd.factorize(creator)
        self.item_creator_ = creator_codes.astype(np.int64)
        self.n_creators_ = max(len(creators), 1)
        self.item_published_ = (
            to_seconds(items["published_ts"]) if "published_ts" in items else np.full(n_items, np.nan)
        )
        self.item_title_ = _names(items, "title", "video ", self.item_index_, quote=True)
        self.item_creator_name_ = _names(items, "creator_name", "", None, quote=False)
        self.item_stats_ = {
            column: items[column].to_numpy(dtype=float) if column in items else np.full(n_items, np.nan)
            for column in ("mean_sentiment", "completion_rate")
        }

        users = user_features.set_index("user_id").reindex(self.user_index_)
        self.profile_affinity_ = np.full((n_users, max(len(self.categories_), 1)), np.nan, dtype=np.float32)
        for j, name in enumerate(self.categories_):
            if f"affinity_{name}" in users:
                self.profile_affinity_[:, j] = users[f"affinity_{name}"].to_numpy(dtype=np.float32)
        parts = [users[c].astype("string").fillna("?") for c in ("region", "age_band") if c in users]
        if parts:
            segment = parts[0] if len(parts) == 1 else parts[0] + ", " + parts[1]
            known = users[[c for c in ("region", "age_band") if c in users]].notna().any(axis=1)
            segment = segment.where(known.to_numpy(), None)
        else:
            segment = pd.Series([None] * n_users, index=users.index, dtype=object)
        self.user_segment_, self.segments_ = pd.factorize(segment)

    def _history(self, frame: pd.DataFrame) -> _History:
        n_users, n_items = len(self.user_index_), len(self.item_index_)
        users = self.user_index_.get_indexer(frame["user_id"])
        items = self.item_index_.get_indexer(frame["item_id"])
        weight = frame["weight"].to_numpy(dtype=np.float32)
        matrix = sp.csr_matrix((weight, (users, items)), shape=(n_users, n_items), dtype=np.float32)
        matrix.sum_duplicates()
        ts = to_seconds(frame["ts"])
        last = np.full(n_users, np.nan)
        if len(ts):  # latest event per user: a grouped max (np.maximum.at is much slower)
            latest = pd.Series(ts).groupby(users, sort=False).max()
            last[latest.index.to_numpy()] = latest.to_numpy()

        n_cat = max(len(self.categories_), 1)
        category = self.item_category_[items]
        known = category >= 0
        cells = users[known].astype(np.int64) * n_cat + category[known]
        share = (
            np.bincount(cells, weights=weight[known], minlength=n_users * n_cat)
            .reshape(n_users, n_cat)
            .astype(np.float32)
        )
        total = share.sum(axis=1, keepdims=True)
        np.divide(share, total, out=share, where=total > 0)

        creator = self.item_creator_[items]
        known = creator >= 0
        keys = users[known].astype(np.int64) * self.n_creators_ + creator[known]
        creator_keys, inverse = np.unique(keys, return_inverse=True)
        creator_weight = np.bincount(inverse, weights=weight[known], minlength=len(creator_keys))
        user_total = np.bincount(users, weights=weight, minlength=n_users)
        creator_share = creator_weight / np.maximum(user_total[creator_keys // self.n_creators_], 1e-9)

        stats = dict(self.item_stats_)
        # Item aggregates from the slice itself when the raw signals are there: no leak from later comments.
        if "comment_sentiment" in frame:
            sentiment = frame["comment_sentiment"].to_numpy(dtype=float)
            has = ~np.isnan(sentiment)
            count = np.bincount(items[has], minlength=n_items)
            total_s = np.bincount(items[has], weights=sentiment[has], minlength=n_items)
            stats["mean_sentiment"] = np.where(count > 0, total_s / np.maximum(count, 1), np.nan)
        if "completion_ratio" in frame:
            completion = frame["completion_ratio"].to_numpy(dtype=float)
            has = ~np.isnan(completion)
            count = np.bincount(items[has], minlength=n_items)
            total_c = np.bincount(items[has], weights=completion[has], minlength=n_items)
            stats["completion_rate"] = np.where(count > 0, total_c / np.maximum(count, 1), np.nan)
        item_count = np.bincount(items, minlength=n_items)
        return _History(
            matrix=matrix,
            item_count=item_count,
            user_count=np.bincount(users, minlength=n_users),
            user_last_ts=last,
            category_share=share,
            creator_keys=creator_keys,
            creator_share=creator_share.astype(np.float32),
            mean_sentiment=stats["mean_sentiment"],
            completion_rate=stats["completion_rate"],
            pool=self._candidate_pool(items, ts, item_count),
            recent=self._recency_matrix(users, items, ts),
        )

    def _recency_matrix(self, users: np.ndarray, items: np.ndarray, ts: np.ndarray) -> sp.csr_matrix | None:
        """``0.5 ** (p / recency_half_life)`` per interaction, p = how many of the user's interactions came
        after it (ties in ``ts``: row order); None when off or unused (only EASE and item-kNN score with it)."""
        if self.recency_half_life <= 0 or self.ranking not in ("ease", "knn", "blend"):
            return None
        n_users, n_items = len(self.user_index_), len(self.item_index_)
        order = np.lexsort((np.arange(len(ts)), np.nan_to_num(ts, nan=-np.inf), users))
        counts = np.bincount(users, minlength=n_users)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        after = np.empty(len(ts))
        after[order] = counts[users[order]] - 1 - (np.arange(len(order)) - starts[users[order]])
        weight = np.power(0.5, after / float(self.recency_half_life)).astype(np.float32)
        matrix = sp.csr_matrix((weight, (users, items)), shape=(n_users, n_items), dtype=np.float32)
        matrix.sum_duplicates()
        return matrix

    def _candidate_pool(self, items: np.ndarray, ts: np.ndarray, item_count: np.ndarray) -> np.ndarray | None:
        """The ``candidate_pool`` videos most viewed in the slice's last ``pool_days`` days (ties: more views
        overall, then index), sorted; None when the pool would be the whole catalogue."""
        n_items = len(item_count)
        size = max(int(self.candidate_pool), int(self.n_candidates))
        if self.candidate_pool <= 0 or size >= n_items or len(ts) == 0:
            return None
        recent = ts >= np.nanmax(ts) - self.pool_days * _DAY
        recent_count = np.bincount(items[recent], minlength=n_items)
        order = np.lexsort((np.arange(n_items), -item_count, -recent_count))
        return np.sort(order[:size])

    def _fit_candidates(
        self,
        history: _History,
        warm_start: AlternatingLeastSquares | None = None,
        kept_als: AlternatingLeastSquares | None = None,
        new_items: np.ndarray | None = None,
    ) -> None:
        if self.ranking in ("ltr", "als", "blend") and kept_als is not None:
            _solve_against_kept_factors(kept_als, history.matrix, new_items)
            history.als = kept_als
        elif self.ranking in ("ltr", "als", "blend"):
            with _single_threaded_blas():  # the constructor warns about the BLAS pool
                als = AlternatingLeastSquares(
                    factors=self.factors,
                    regularization=self.regularization,
                    alpha=self.alpha,
                    iterations=self.iterations,
                    num_threads=self.num_threads,
                    random_state=self.random_state,
                )
            if warm_start is not None:
                # Continue from the validation-stage factors: same id maps, most of the same data.
                als.user_factors = warm_start.user_factors.copy()
                als.item_factors = warm_start.item_factors.copy()
                als.iterations = self.refit_iterations
            with _single_threaded_blas():
                als.fit(history.matrix, show_progress=False)
            history.als = als
        if self.ranking in ("knn", "blend") or (self.ranking == "ltr" and self.knn_feature):
            if self.knn == "bm25":
                knn = BM25Recommender(K=self.knn_neighbours, num_threads=self.num_threads)
            else:
                knn = CosineRecommender(K=self.knn_neighbours, num_threads=self.num_threads)
            with warnings.catch_warnings():  # BM25 weighting hands implicit a COO matrix internally
                warnings.simplefilter("ignore", ParameterWarning)
                knn.fit(history.matrix, show_progress=False)
            history.knn = knn
        if self.ranking in ("ease", "blend"):
            history.ease_items, history.ease_weights = _fit_ease(
                history.matrix, history.item_count, self.ease_l2, self.ease_max_items
            )

    def _fit_ranker(self, stage: _History, later: pd.DataFrame) -> lgb.LGBMRanker | None:
        positives = later[positive_mask(later)]
        users = self.user_index_.get_indexer(positives["user_id"])
        items = self.item_index_.get_indexer(positives["item_id"])
        seen = np.asarray(stage.matrix[users, items]).ravel() > 0
        users, items = users[~seen], items[~seen]
        candidates = np.unique(users[stage.user_count[users] > 0])
        if len(candidates) == 0:
            return None
        rng = np.random.default_rng(self.random_state)
        if len(candidates) > self.ranker_max_users:
            candidates = np.sort(rng.choice(candidates, self.ranker_max_users, replace=False))
        label_keys = np.unique(users.astype(np.int64) * len(self.item_index_) + items)
        rows, cand_items, features = self._candidates(stage, candidates, exclude_seen=True)
        keys = candidates[rows].astype(np.int64) * len(self.item_index_) + cand_items
        labels = np.isin(keys, label_keys).astype(np.int32)
        has_positive = np.bincount(rows, weights=labels, minlength=len(candidates)) > 0
        keep = has_positive[rows]
        if not keep.any():
            return None
        order = np.argsort(rows[keep], kind="stable")  # LightGBM wants each query's rows together
        rows, labels, features = rows[keep][order], labels[keep][order], features[keep][order]
        group = np.bincount(rows, minlength=len(candidates))
        ranker = lgb.LGBMRanker(
            objective="lambdarank",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=50,
            subsample=1.0,
            colsample_bytree=1.0,
            lambdarank_truncation_level=20,
            deterministic=True,
            force_row_wise=True,
            n_jobs=1,  # LightGBM's OpenMP team beside implicit's threads thrashes (docs/recommendation.md)
            random_state=self.random_state,
            verbose=-1,
        )
        ranker.fit(features, labels, group=group[group > 0])
        return ranker

    def _feature_names(self) -> list[str]:
        dropped = (() if self.use_sentiment else SENTIMENT_FEATURES) + (() if self.knn_feature else KNN_FEATURES)
        return [f for f in FEATURES if f not in dropped]

    def _set_segment_popularity(self, interactions: pd.DataFrame, depth: int = 200) -> None:
        """Most-watched videos overall and per viewer segment (region x age band), for cold-start viewers."""
        users = self.user_index_.get_indexer(interactions["user_id"])
        items = self.item_index_.get_indexer(interactions["item_id"])
        count = self.history_.item_count
        self.popular_items_ = np.lexsort((np.arange(len(count)), -count))[:depth]
        self.segment_popular_ = {}
        segment = self.user_segment_[users]
        for s in range(len(self.segments_)):
            seg_items = items[segment == s]
            if len(seg_items) == 0:
                continue
            seg_count = np.bincount(seg_items, minlength=len(count))
            order = np.lexsort((np.arange(len(count)), -count, -seg_count))
            self.segment_popular_[s] = order[: min(depth, int((seg_count > 0).sum()))]

    # ------------------------------------------------------------ candidates
    def _candidates(self, history: _History, users: np.ndarray, exclude_seen: bool):
        """Candidate (row, item) pairs for user indices ``users`` and their feature matrix."""
        n_items = len(self.item_index_)
        matrix = history.matrix[users]
        n = min(self.n_candidates, n_items)
        if history.pool is not None:
            n = min(n, len(history.pool))
        ids = _als_top_n(history, users, matrix, n, exclude_seen)
        rows = np.repeat(np.arange(len(users)), ids.shape[1])
        als_rank = np.tile(np.arange(1, ids.shape[1] + 1), len(users))
        ids = ids.ravel()
        keep = ids >= 0
        rows, items, als_rank = rows[keep], ids[keep].astype(np.int64), als_rank[keep]

        age = self._age_days(history, users)  # users x items would be too big: computed per pair below
        new = np.flatnonzero((history.item_count == 0) & (self.item_category_ >= 0))
        if len(new) and self.n_content_candidates > 0:
            if len(new) > self.max_new_items:
                new = new[np.argsort(-np.nan_to_num(self.item_published_[new], nan=-np.inf), kind="stable")]
                new = new[: self.max_new_items]
            affinity = self._affinity(history, users)[:, self.item_category_[new]]
            item_age = age[:, None] - np.nan_to_num(self.item_published_[new], nan=0.0)[None, :] / _DAY
            score = affinity * np.exp(-np.maximum(item_age, 0.0) / self.freshness_days)
            m = min(self.n_content_candidates, len(new))
            top = (
                np.argpartition(-score, m - 1, axis=1)[:, :m]
                if m < len(new)
                else np.tile(np.arange(len(new)), (len(users), 1))
            )
            fresh = ~np.isin(items, new)  # a new video that ALS also proposed is kept once, as content
            rows = np.concatenate([rows[fresh], np.repeat(np.arange(len(users)), m)])
            items = np.concatenate([items[fresh], new[top.ravel()]])
            als_rank = np.concatenate([als_rank[fresh], np.full(len(users) * m, n + 1)])
        return rows, items, self._features(history, users, rows, items, als_rank, age)

    def _age_days(self, history: _History, users: np.ndarray) -> np.ndarray:
        """Each user's reference time (their latest interaction) in days since the epoch."""
        reference = history.user_last_ts[users]
        fallback = np.nanmax(history.user_last_ts) if np.isfinite(history.user_last_ts).any() else 0.0
        return np.where(np.isnan(reference), fallback, reference) / _DAY

    def _affinity(self, history: _History, users: np.ndarray) -> np.ndarray:
        """Category interest: the profile where given, the user's own watch history otherwise."""
        profile = self.profile_affinity_[users]
        return np.where(np.isnan(profile), history.category_share[users], profile)

    def _features(self, history, users, rows, items, als_rank, reference_days) -> np.ndarray:
        n_items = len(self.item_index_)
        u = users[rows]
        als_score = np.einsum("ij,ij->i", history.als.user_factors[u], history.als.item_factors[items])
        knn_score = None
        if self.knn_feature:
            product = (history.matrix[users] @ history.knn.similarity).tocsr()
            product.sort_indices()
            nnz_rows = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
            knn_keys = nnz_rows.astype(np.int64) * n_items + product.indices
            knn_score = _lookup(knn_keys, product.data, rows.astype(np.int64) * n_items + items)
        category = self.item_category_[items]
        has_cat = category >= 0
        profile = np.full(len(items), np.nan, dtype=np.float32)
        profile[has_cat] = self.profile_affinity_[u[has_cat], category[has_cat]]
        hist_aff = np.zeros(len(items), dtype=np.float32)
        hist_aff[has_cat] = history.category_share[u[has_cat], category[has_cat]]
        creator = self.item_creator_[items]
        creator_aff = np.where(
            creator >= 0,
            _lookup(
                history.creator_keys, history.creator_share, u.astype(np.int64) * self.n_creators_ + creator
            ),
            0.0,
        )
        columns = {
            "als_score": als_score,
            "als_rank": als_rank,
            "knn_score": knn_score,
            "popularity": np.log1p(history.item_count[items]),
            "age_days": reference_days[rows] - self.item_published_[items] / _DAY,
            "profile_affinity": profile,
            "history_affinity": hist_aff,
            "creator_affinity": creator_aff,
            "mean_sentiment": history.mean_sentiment[items],
            "completion_rate": history.completion_rate[items],
            "user_activity": np.log1p(history.user_count[u]),
            "is_new_item": (history.item_count[items] == 0),
        }
        return np.column_stack(
            [np.asarray(columns[name], dtype=np.float32) for name in self._feature_names()]
        )

    # ------------------------------------------------------------ recommend
    def recommend(self, user_ids: Iterable[Hashable], k: int = 10, exclude_seen: bool = True) -> pd.DataFrame:
        """Top-``k`` videos per requested user: ``user_id, item_id, score, rank, reason``.

        Viewers without interactions get what is popular in their segment (region x age band) or
        overall; ``rank`` starts at 1; ``score`` is comparable within one user's list only.
        """
        if self.ranking == "auto":
            return self.selected_.recommend(user_ids, k=k, exclude_seen=exclude_seen)
        user_ids = pd.Index(pd.unique(pd.Series(list(user_ids), dtype=object)))
        index = self.user_index_.get_indexer(user_ids)
        history = self.history_
        warm = index >= 0
        warm[warm] = history.user_count[index[warm]] > 0
        positions = np.flatnonzero(warm)
        batches = [positions[s : s + self.batch_size] for s in range(0, len(positions), self.batch_size)]

        def score(batch: np.ndarray) -> pd.DataFrame:
            return self._recommend_warm(user_ids[batch], index[batch], k, exclude_seen)

        workers = min(len(batches), self.num_threads or os.cpu_count() or 1)
        # Batches are independent and their order is kept, so threads change speed, never results;
        # implicit, LightGBM and the numpy kernels release the GIL. One BLAS limit around all threads.
        with _single_threaded_blas():
            if workers > 1:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    frames = list(pool.map(score, batches))
            else:
                frames = [score(batch) for batch in batches]
        cold = np.flatnonzero(~warm)
        if len(cold):
            frames.append(self._recommend_cold(user_ids[cold], index[cold], k))
        columns = ["user_id", "item_id", "score", "rank", "reason"]
        if not frames:
            return pd.DataFrame({c: [] for c in columns})
        result = pd.concat(frames, ignore_index=True)
        order = pd.Series(np.arange(len(user_ids)), index=user_ids)
        result["_order"] = order.reindex(result["user_id"]).to_numpy()
        result = result.sort_values(["_order", "rank"], kind="stable", ignore_index=True)
        return result[columns]

    def _recommend_warm(
        self, user_ids: pd.Index, users: np.ndarray, k: int, exclude_seen: bool
    ) -> pd.DataFrame:
        history = self.history_
        n_items = len(self.item_index_)
        if self.ranking == "als":
            with _single_threaded_blas():
                ids, scores = history.als.recommend(
                    users, history.matrix[users], N=min(k, n_items), filter_already_liked_items=exclude_seen
                )
            return self._frame(user_ids, ids, scores, users)
        if self.ranking == "knn":
            ids, scores = history.knn.recommend(
                users, _scoring_rows(history, users), N=min(k, n_items), filter_already_liked_items=exclude_seen
            )
            return self._frame(user_ids, ids, scores, users)
        if self.ranking == "ease":
            ids, scores = _ease_top_n(history, _scoring_rows(history, users), min(k, n_items), exclude_seen)
            return self._frame(user_ids, ids, scores, users)
        if self.ranking == "blend":
            ids, scores = self._blend_top_n(history, users, min(k, n_items), exclude_seen)
            return self._frame(user_ids, ids, scores, users)
        if self.ranking == "popular":
            return self._recommend_popular(user_ids, users, k, exclude_seen)
        rows, items, features = self._candidates(history, users, exclude_seen)
        score = self.ranker_.predict(features, num_threads=1) if self.ranker_ else -features[:, 1]
        order = np.lexsort((-score, rows))
        rows, items, score, features = rows[order], items[order], score[order], features[order]
        starts = np.searchsorted(rows, np.arange(len(users)))
        rank = np.arange(len(rows)) - starts[rows] + 1
        top = rank <= k
        rows, items, score, rank, features = rows[top], items[top], score[top], rank[top], features[top]
        return pd.DataFrame(
            {
                "user_id": user_ids.take(rows),
                "item_id": self.item_index_.take(items),
                "score": score.astype(float),
                "rank": rank.astype(np.int64),
                "reason": self._explain(history, users[rows], items),
            }
        )

    def _blend_top_n(
        self, history: _History, users: np.ndarray, n: int, exclude_seen: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Reciprocal-rank fusion of the ALS, EASE and item-kNN lists: sum of ``w / (blend_offset + rank)``
        over each list's top ``blend_depth``; an item missing from a list gets nothing from it."""
        n_items = len(self.item_index_)
        matrix = history.matrix[users]
        depth = max(n, min(int(self.blend_depth), n_items))
        w_als, w_ease, w_knn = (float(w) for w in self.blend_weights)
        lists = []
        if w_als > 0:
            als_depth = min(depth, len(history.pool)) if history.pool is not None else depth
            lists.append((w_als, _als_top_n(history, users, matrix, als_depth, exclude_seen)))
        if w_ease > 0:
            lists.append((w_ease, _ease_top_n(history, _scoring_rows(history, users), depth, exclude_seen)[0]))
        if w_knn > 0:
            ids, knn_scores = history.knn.recommend(
                users, _scoring_rows(history, users), N=depth, filter_already_liked_items=exclude_seen
            )
            lists.append((w_knn, np.where(np.isfinite(knn_scores), ids, -1)))
        rows, items, scores = [], [], []
        for weight, ids in lists:
            rank = np.broadcast_to(np.arange(1, ids.shape[1] + 1), ids.shape)
            keep = ids >= 0
            rows.append(np.broadcast_to(np.arange(len(users))[:, None], ids.shape)[keep])
            items.append(ids[keep])
            scores.append(weight / (self.blend_offset + rank[keep]))
        rows, items, scores = np.concatenate(rows), np.concatenate(items), np.concatenate(scores)
        keys, inverse = np.unique(rows.astype(np.int64) * n_items + items, return_inverse=True)
        total = np.bincount(inverse, weights=scores, minlength=len(keys))
        key_rows = keys // n_items
        order = np.lexsort((keys % n_items, -total, key_rows))  # best first per user; ties: lower index
        key_rows, key_items, total = key_rows[order], (keys % n_items)[order], total[order]
        starts = np.searchsorted(key_rows, np.arange(len(users)))
        position = np.arange(len(key_rows)) - starts[key_rows]
        top = position < n
        out = np.full((len(users), n), -1, dtype=np.int64)
        out_scores = np.full((len(users), n), -np.inf)
        out[key_rows[top], position[top]] = key_items[top]
        out_scores[key_rows[top], position[top]] = total[top]
        return out, out_scores

    def _explain(self, history: _History, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """One sentence per (user index, item index) pair from what the data says about both.

        In order of strength: a new video in a category the viewer watches; a creator who makes a fifth
        or more of what the viewer watches; the watched video most similar to it (EASE weight, else ALS
        factor cosine, else item-kNN similarity), named by its title; else how many viewers watched it.
        Percentages are the viewer's share of watch weight. Strings are built by array lookups, not
        per-row formatting, so 1M viewers x 10 rows stay cheap.
        """
        n = len(items)
        if n == 0:
            return np.empty(0, dtype=object)
        category = self.item_category_[items]
        has_cat = category >= 0
        names = np.asarray([*map(str, self.categories_), ""], dtype=object)
        cat_name = names[category]
        cat_share = np.zeros(n, dtype=np.float32)
        cat_share[has_cat] = history.category_share[users[has_cat], category[has_cat]]
        creator = self.item_creator_[items]
        creator_share = np.where(
            creator >= 0,
            _lookup(history.creator_keys, history.creator_share, users.astype(np.int64) * self.n_creators_ + creator),
            0.0,
        )
        viewers = history.item_count[items]
        anchor = self._anchors(history, users, items)
        percent = _PERCENT
        cat_pct = percent[np.clip(np.rint(cat_share * 100), 0, 100).astype(np.int64)]
        creator_pct = percent[np.clip(np.rint(creator_share * 100), 0, 100).astype(np.int64)]
        views = _counts_text(viewers)
        taste = np.where(cat_share >= 0.05, "; " + cat_name + " is " + cat_pct + " of what you watch", "")
        age_text = _age_text(self._age_days(history, users) - self.item_published_[items] / _DAY)
        title = self.item_title_[np.maximum(anchor, 0)]
        creator_name = self.item_creator_name_[items]
        sentences = [
            (viewers == 0) & has_cat,
            creator_share >= 0.2,
            anchor >= 0,
        ]
        choices = [
            "New in " + cat_name + age_text + taste + ".",
            "By " + np.where(creator_name == "", "a creator", creator_name) + ", who makes " + creator_pct
            + " of what you watch; " + views + " have watched this one.",
            "Because you watched " + title + taste + ".",
        ]
        fallback = views + " have watched it" + taste + "."
        return np.select(sentences, choices, default=fallback).astype(object)

    def _anchors(self, history: _History, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Per pair, the index of the viewer's watched item most similar to the recommended one (-1: none)."""
        matrix = history.matrix[users]
        lengths = np.diff(matrix.indptr)
        pair = np.repeat(np.arange(len(items)), lengths)
        watched = matrix.indices.astype(np.int64)
        target = items[pair]
        if history.ease_weights is not None:
            position = np.full(len(self.item_index_), -1, dtype=np.int64)
            position[history.ease_items] = np.arange(len(history.ease_items))
            a, b = position[watched], position[target]
            ok = (a >= 0) & (b >= 0)
            similarity = np.zeros(len(pair), dtype=np.float32)
            similarity[ok] = history.ease_weights[a[ok], b[ok]]
        elif history.als is not None:
            factors = np.asarray(history.als.item_factors)
            norms = np.maximum(np.linalg.norm(factors, axis=1), 1e-9)
            similarity = np.einsum("ij,ij->i", factors[watched], factors[target]) / (norms[watched] * norms[target])
        elif history.knn is not None:
            sim = history.knn.similarity.tocsr()
            sim_rows = np.repeat(np.arange(sim.shape[0]), np.diff(sim.indptr)).astype(np.int64)
            keys = sim_rows * sim.shape[1] + sim.indices
            similarity = _lookup(np.sort(keys), sim.data[np.argsort(keys)], watched * sim.shape[1] + target)
        else:
            return np.full(len(items), -1, dtype=np.int64)
        anchor = np.full(len(items), -1, dtype=np.int64)
        positive = similarity > 0
        if positive.any():
            order = np.lexsort((-similarity[positive], pair[positive]))
            first = np.unique(pair[positive][order], return_index=True)
            anchor[first[0]] = watched[positive][order][first[1]]
        return anchor

    def _recommend_popular(
        self, user_ids: pd.Index, users: np.ndarray, k: int, exclude_seen: bool
    ) -> pd.DataFrame:
        history = self.history_
        matrix = history.matrix[users]
        depth = min(len(self.item_index_), k + (int(np.diff(matrix.indptr).max()) if exclude_seen else 0))
        count = history.item_count
        popular = np.lexsort((np.arange(len(count)), -count))[:depth]
        grid = np.tile(popular, (len(users), 1))
        if exclude_seen:
            seen = np.asarray(matrix[:, popular].todense()) > 0
            grid = np.where(seen, -1, grid)
            grid = np.take_along_axis(grid, np.argsort(grid < 0, axis=1, kind="stable"), axis=1)
        grid = grid[:, :k]
        scores = np.where(grid >= 0, np.log1p(count[np.maximum(grid, 0)]), -np.inf)
        return self._frame(user_ids, grid, scores, users)

    def _recommend_cold(self, user_ids: pd.Index, users: np.ndarray, k: int) -> pd.DataFrame:
        frames = []
        segment = np.where(users >= 0, self.user_segment_[np.maximum(users, 0)], -1)
        for s in np.unique(segment):
            mask = segment == s
            items = self.segment_popular_.get(int(s), self.popular_items_) if s >= 0 else self.popular_items_
            if s >= 0 and int(s) in self.segment_popular_:
                reason = f"Among the most watched by viewers in your segment ({self.segments_[s]})"
            else:
                reason = "Among the most watched on the platform"
            if len(items) < k:  # pad a thin segment with the overall list
                items = np.concatenate([items, self.popular_items_[~np.isin(self.popular_items_, items)]])
            items = items[:k]
            grid = np.tile(items, (int(mask.sum()), 1))
            scores = np.tile(np.log1p(self.history_.item_count[items]).astype(float), (int(mask.sum()), 1))
            views = _counts_text(self.history_.item_count[items])
            reasons = np.tile(reason + ": " + views + " watched it.", int(mask.sum()))
            frames.append(self._frame(user_ids[mask], grid, scores, None, reasons=reasons))
        return pd.concat(frames, ignore_index=True)

    def _frame(
        self, user_ids: pd.Index, ids: np.ndarray, scores: np.ndarray, users=None, reasons=None
    ) -> pd.DataFrame:
        """Rows of a users x k grid of item indices (-1 = none), each row `_explain`-ed for the viewer
        indices ``users`` unless ``reasons`` (one per grid cell) are given."""
        rows = np.repeat(np.arange(len(user_ids)), ids.shape[1])
        rank = np.tile(np.arange(1, ids.shape[1] + 1), len(user_ids))
        ids, scores = ids.ravel(), np.asarray(scores, dtype=float).ravel()
        keep = ids >= 0
        if reasons is None:
            reason = self._explain(self.history_, users[rows[keep]], ids[keep].astype(np.int64))
        else:
            reason = np.asarray(reasons, dtype=object)[keep]
        return pd.DataFrame(
            {
                "user_id": user_ids.take(rows[keep]),
                "item_id": self.item_index_.take(ids[keep]),
                "score": scores[keep],
                "rank": rank[keep].astype(np.int64),
                "reason": reason,
            }
        )

    # ------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        """Write the fitted model (hyper-parameters, id maps, factors, ranker) to one file."""
        with open(path, "wb") as handle:
            pickle.dump({"format": _FORMAT, "model": self}, handle, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> Recommender:
        """Read a model written by `save` (a pickle: load only files you trust)."""
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        if (
            not isinstance(payload, dict)
            or payload.get("format") != _FORMAT
            or not isinstance(payload["model"], cls)
        ):
            raise ValueError(f"{path} is not a saved {cls.__name__} (format {_FORMAT})")
        return payload["model"]

    def get_params(self, deep: bool = True) -> dict:
        """Hyper-parameters, as scikit-learn's ``clone`` expects."""
        return {
            name: getattr(self, name)
            for name in inspect.signature(type(self).__init__).parameters
            if name != "self"
        }

    def set_params(self, **params) -> Recommender:
        """Change hyper-parameters (refit afterwards), as scikit-learn's search utilities expect."""
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"unknown hyper-parameter {name!r}")
            setattr(self, name, value)
        return self


@contextmanager
def _single_threaded_blas():
    """implicit parallelises over users itself; a BLAS thread pool inside each of its threads thrashes."""
    with threadpool_limits(1, "blas"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="OpenBLAS is configured", category=RuntimeWarning)
        yield


def _extended(index: pd.Index, *ids: pd.Series) -> pd.Index:
    """``index`` with the ids it lacks appended in order of appearance: known ids keep their positions."""
    candidates = pd.Index(pd.unique(pd.concat([pd.Series(i) for i in ids], ignore_index=True)))
    new = candidates[~candidates.isin(index)]
    return index.append(new) if len(new) else index


def _solve_against_kept_factors(als: AlternatingLeastSquares, matrix: sp.csr_matrix, new_items) -> None:
    """One least-squares step per side: every viewer against the kept video factors (new videos at zero),
    then the new videos against those viewers. Each solve is per row, so threads do not change results."""
    n_users, n_items = matrix.shape
    if als.item_factors.shape[0] < n_items:
        grown = np.zeros((n_items, als.item_factors.shape[1]), dtype=als.item_factors.dtype)
        grown[: als.item_factors.shape[0]] = als.item_factors
        als.item_factors = grown
        als._YtY, als._item_norms = None, None
    with _single_threaded_blas():
        als.partial_fit_users(np.arange(n_users), matrix)  # every row: new viewers' rows are appended
        if new_items is not None and len(new_items):
            als.partial_fit_items(np.asarray(new_items), matrix.T.tocsr()[np.asarray(new_items)])


def _als_top_n(
    history: _History, users: np.ndarray, matrix: sp.csr_matrix, n: int, exclude_seen: bool
) -> np.ndarray:
    """Each user's ``n`` best pool items by ALS score, best first; -1 where fewer remain after ``exclude_seen``.

    Same lists as implicit's ``recommend(..., items=pool)`` up to ties, faster (docs/recommendation.md):
    implicit slices the seen-matrix one user row at a time in Python, here one matrix product and
    one mask per chunk of users. Chunks keep the score matrix near 4M cells (16 MB).
    """
    pool = history.pool if history.pool is not None else np.arange(history.als.item_factors.shape[0])
    item_factors = history.als.item_factors[pool]
    position = np.full(history.als.item_factors.shape[0], -1, dtype=np.int64)
    position[pool] = np.arange(len(pool))
    chunk = max(1, 4_000_000 // len(pool))
    out = np.empty((len(users), n), dtype=np.int64)
    for start in range(0, len(users), chunk):
        stop = min(start + chunk, len(users))
        scores = history.als.user_factors[users[start:stop]] @ item_factors.T
        if exclude_seen:
            seen = matrix[start:stop]
            row = np.repeat(np.arange(stop - start), np.diff(seen.indptr))
            column = position[seen.indices]
            scores[row[column >= 0], column[column >= 0]] = -np.inf
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n] if n < len(pool) else np.argsort(-scores, axis=1)
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_scores = np.take_along_axis(top_scores, order, axis=1)
        out[start:stop] = np.where(np.isneginf(top_scores), -1, pool[top])
    return out


_PERCENT = np.asarray([f"{p}%" for p in range(101)], dtype=object)


def _counts_text(counts: np.ndarray) -> np.ndarray:
    """"1 viewer" / "1,234 viewers" per count, formatted once per distinct count."""
    values, inverse = np.unique(counts, return_inverse=True)
    texts = np.asarray([f"{v:,} viewer" + ("" if v == 1 else "s") for v in values.tolist()], dtype=object)
    return texts[inverse]


def _age_text(days: np.ndarray) -> np.ndarray:
    """", published 3 days ago" per age in days at the viewer's last visit (after it: "since your last
    visit"; NaN: ""), formatted once per distinct day."""
    whole = np.where(np.isnan(days), -2, np.where(days >= 0, np.floor(np.nan_to_num(days)), -1)).astype(np.int64)
    values, inverse = np.unique(whole, return_inverse=True)
    texts = np.asarray(
        ["" if v == -2 else ", published since your last visit" if v == -1 else ", published today" if v == 0
         else ", published yesterday" if v == 1 else f", published {v} days ago" for v in values.tolist()],
        dtype=object,
    )  # fmt: skip
    return texts[inverse]


def _names(items: pd.DataFrame, column: str, prefix: str, ids: pd.Index | None, quote: bool) -> np.ndarray:
    """Display names per item index from an optional ``item_features`` column, quoted titles; the
    fallback is ``prefix + id`` (``ids`` given) or empty."""
    if ids is not None:
        fallback = pd.Series([f"{prefix}{i}" for i in ids], index=items.index, dtype=object)
    else:
        fallback = pd.Series("", index=items.index, dtype=object)
    if column in items:
        given = items[column].astype("string")
        given = given.where(given.str.strip().str.len() > 0)
        named = ("\u201c" + given + "\u201d") if quote else given
        fallback = named.astype(object).where(given.notna(), fallback)
    return fallback.to_numpy(dtype=object)


def _fit_ease(
    matrix: sp.csr_matrix, item_count: np.ndarray, l2: float, max_items: int
) -> tuple[np.ndarray, np.ndarray]:
    """EASE (Steck, 2019) on the binarised matrix: B = I - P / diag(P), P = (X'X + lambda I)^-1, diag(B) = 0.

    Only the ``max_items`` most watched items are modelled (a dense items x items inverse);
    ``lambda = l2 * mean(diag(X'X))`` so that one setting carries over between data sizes.
    """
    watched = np.flatnonzero(item_count > 0)
    if len(watched) > max_items:
        order = np.lexsort((watched, -item_count[watched]))
        watched = np.sort(watched[order[:max_items]])
    x = matrix[:, watched].astype(bool).astype(np.float64)
    gram = (x.T @ x).toarray()
    diagonal = np.diag(gram).copy()
    penalty = max(float(l2) * float(diagonal.mean()) if len(diagonal) else 1.0, 1e-6)
    gram[np.diag_indices_from(gram)] += penalty
    precision = np.linalg.inv(gram)
    weights = precision / -np.diag(precision)
    weights[np.diag_indices_from(weights)] = 0.0
    return watched, weights.astype(np.float32)


def _ease_top_n(
    history: _History, matrix: sp.csr_matrix, n: int, exclude_seen: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each user's ``n`` best EASE items and scores, best first; -1 / -inf where fewer remain. ``matrix``:
    the users' rows of `_scoring_rows` (binarised here unless they carry recency weights)."""
    items, weights = history.ease_items, history.ease_weights
    n_out = min(n, len(items))
    out = np.full((matrix.shape[0], n), -1, dtype=np.int64)
    out_scores = np.full((matrix.shape[0], n), -np.inf)
    if n_out == 0:
        return out, out_scores
    x = matrix[:, items].astype(np.float32).tocsr()
    if history.recent is None:
        x.data[:] = 1.0
    chunk = max(1, 4_000_000 // len(items))
    for start in range(0, x.shape[0], chunk):
        stop = min(start + chunk, x.shape[0])
        scores = np.asarray(x[start:stop] @ weights)
        if exclude_seen:
            seen = x[start:stop]
            row = np.repeat(np.arange(stop - start), np.diff(seen.indptr))
            scores[row, seen.indices] = -np.inf
        top, top_scores = _top_columns(scores, n_out)
        out[start:stop, :n_out] = np.where(np.isneginf(top_scores), -1, items[top])
        out_scores[start:stop, :n_out] = top_scores
    return out, out_scores


def _scoring_rows(history: _History, users: np.ndarray) -> sp.csr_matrix:
    """The users' rows that item models score with: recency weights when on, else the watch weights."""
    return (history.recent if history.recent is not None else history.matrix)[users]


def _top_columns(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of each row's ``n`` largest scores, best first."""
    if n < scores.shape[1]:
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    else:
        top = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)


def _lookup(keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Values at ``queries`` in a sorted key array, 0 where absent (sparse matrix element lookup)."""
    if len(keys) == 0:
        return np.zeros(len(queries), dtype=np.float32)
    position = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return np.where(keys[position] == queries, values[position], 0.0).astype(np.float32)
