"""Seeded generator of platform-like watch events, for unit tests and the benchmark.

It mimics what the recommender has to exploit on the real platform: users with Dirichlet
category interests (shifted by region and age band) choose videos by interest, by habit
(favourite creators) and by trend (Zipf popularity), always preferring fresh videos; how much
they enjoy a video drives completion, likes, shares, follows and the sentiment of comments.
The real simulator (`reelmart.simulate`) feeds the warehouse; this one stays small and fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .weights import interaction_weight

CATEGORIES = (
    "beauty", "gaming", "food", "travel", "music", "dance",
    "comedy", "sports", "tech", "pets", "fashion", "education",
)  # fmt: skip
REGIONS = ("na", "latam", "eu", "mena", "sea", "eas")
AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45+")
START = pd.Timestamp("2026-10-01", tz="UTC")
DAYS = 30
DAY = 86_400.0
FRESHNESS_DAYS = 3.0
CREATOR_SHARE = 0.12  # events where the viewer goes back to a favourite creator
TREND_SHARE = 0.18  # events pushed by the trending feed, regardless of interest


def make_interactions(
    n_users: int = 2_000, n_items: int = 500, n_events: int = 20_000, random_state: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Simulate about ``n_events`` watch events (one per user and video, so a few duplicates are dropped).

    Returns ``(interactions, item_features, user_features)``: interactions have ``user_id, item_id,
    weight, ts`` plus the raw signals ``completion_ratio, liked, shared, followed, comment_sentiment``
    (NaN when the viewer did not comment); ``weight`` is `interaction_weight` of those signals.
    Ids are integers; ``ts`` and ``published_ts`` are UTC timestamps.
    """
    rng = np.random.default_rng(random_state)
    n_cat = len(CATEGORIES)

    # creators: a main category and a style (how watchable their videos are)
    n_creators = max(n_cat, n_items // 25)
    creator_category = rng.integers(0, n_cat, n_creators)
    creator_style = rng.normal(0.0, 0.5, n_creators)

    # items
    item_creator = rng.integers(0, n_creators, n_items)
    item_category = np.where(
        rng.random(n_items) < 0.85, creator_category[item_creator], rng.integers(0, n_cat, n_items)
    )
    quality = creator_style[item_creator] + rng.normal(0.0, 0.3, n_items)
    popularity = (1.0 / (1.0 + rng.permutation(n_items)) ** 0.9) * np.exp(0.5 * quality)
    published = rng.uniform(0.0, DAYS * DAY, n_items)
    duration = np.clip(rng.lognormal(np.log(35.0), 0.7, n_items), 5.0, 600.0)

    # users: segment-shifted Dirichlet interests; the profile is a noisy view of them
    region = rng.integers(0, len(REGIONS), n_users)
    age = rng.choice(len(AGE_BANDS), n_users, p=[0.15, 0.3, 0.27, 0.16, 0.12])
    region_fav = rng.integers(0, n_cat, (len(REGIONS), 2))
    age_fav = rng.integers(0, n_cat, (len(AGE_BANDS), 2))
    alpha = np.full((n_users, n_cat), 0.25)
    for k in range(2):
        alpha[np.arange(n_users), region_fav[region, k]] += 0.5
        alpha[np.arange(n_users), age_fav[age, k]] += 0.5
    theta = rng.gamma(alpha)
    theta /= theta.sum(axis=1, keepdims=True)
    noise = rng.dirichlet(np.ones(n_cat), n_users)
    profile = np.round(0.6 * theta + 0.4 * noise, 4)

    # favourite creators: three per user, drawn from the user's interests
    by_category = np.argsort(creator_category, kind="stable")
    cat_start = np.searchsorted(creator_category[by_category], np.arange(n_cat))
    cat_count = np.bincount(creator_category, minlength=n_cat)
    fav_cat = _categorical(rng, np.repeat(theta, 3, axis=0))
    fav_cat = np.where(cat_count[fav_cat] > 0, fav_cat, creator_category[0])
    offset = (rng.random(n_users * 3) * cat_count[fav_cat]).astype(np.int64)
    favourites = by_category[cat_start[fav_cat] + offset].reshape(n_users, 3)

    # events: how many per user (heavy-tailed activity), when, and why
    activity = rng.lognormal(0.0, 0.8, n_users)
    counts = rng.poisson(activity / activity.sum() * n_events * 1.05)
    user = np.repeat(np.arange(n_users), counts)
    n = len(user)
    ts = rng.uniform(1.0 * DAY, DAYS * DAY, n)
    day = np.minimum((ts // DAY).astype(np.int64), DAYS - 1)
    mode = rng.random(n)
    item = np.full(n, -1, dtype=np.int64)

    creator_mode = mode < CREATOR_SHARE
    chosen = favourites[user[creator_mode], rng.integers(0, 3, creator_mode.sum())]
    item[creator_mode] = _latest_by_creator(rng, item_creator, published, chosen, ts[creator_mode])

    trend_mode = (mode >= CREATOR_SHARE) & (mode < CREATOR_SHARE + TREND_SHARE)
    group = np.full(n, -1, dtype=np.int64)
    group[trend_mode] = n_cat * DAYS + day[trend_mode]  # one pool per day: all categories
    interest = item < 0
    interest &= ~trend_mode
    group[interest] = _categorical(rng, theta[user[interest]]) * DAYS + day[interest]
    item_by_group = _sample_items(rng, group, item_category, popularity, published, n_cat)
    item = np.where(item >= 0, item, item_by_group)

    keep = item >= 0
    user, item, ts, creator_mode = user[keep], item[keep], ts[keep], creator_mode[keep]
    ts = np.maximum(ts, published[item] + 60.0)
    order = np.lexsort((ts, item, user))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (user[order][1:] != user[order][:-1]) | (item[order][1:] != item[order][:-1])
    pick = order[first]
    user, item, ts, creator_mode = user[pick], item[pick], ts[pick], creator_mode[pick]
    n = len(user)

    # enjoyment drives every signal
    favourite = (favourites[user] == item_creator[item][:, None]).any(axis=1)
    affinity = theta[user, item_category[item]] * n_cat
    z = 1.2 * np.log(affinity + 0.05) + quality[item] + 0.8 * favourite + rng.normal(0.0, 0.6, n) - 0.3
    enjoy = 1.0 / (1.0 + np.exp(-z))
    completion = np.clip(
        1.1 * enjoy - 0.05 - 0.1 * np.log(duration[item] / 35.0) + rng.normal(0.0, 0.15, n), 0.0, 1.0
    )
    liked = rng.random(n) < 0.6 * enjoy**2
    shared = rng.random(n) < 0.12 * enjoy**3
    followed = rng.random(n) < 0.06 * enjoy**2
    commented = rng.random(n) < 0.08 + 0.25 * np.abs(2.0 * enjoy - 1.0)
    sentiment = np.clip(np.tanh(2.5 * (enjoy - 0.5)) + rng.normal(0.0, 0.25, n), -1.0, 1.0)
    sentiment = np.where(commented, np.round(sentiment, 3), np.nan)

    interactions = pd.DataFrame(
        {
            "user_id": user,
            "item_id": item,
            "weight": interaction_weight(completion, liked, shared, followed, sentiment),
            "ts": START + pd.to_timedelta(np.round(ts), unit="s"),
            "completion_ratio": np.round(completion, 3),
            "liked": liked,
            "shared": shared,
            "followed": followed,
            "comment_sentiment": sentiment,
        }
    ).sort_values(["ts", "user_id"], kind="stable", ignore_index=True)

    sums = np.bincount(item, weights=np.nan_to_num(sentiment), minlength=n_items)
    comments = np.bincount(item, weights=commented, minlength=n_items)
    views = np.bincount(item, minlength=n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_sentiment = np.where(comments > 0, sums / comments, np.nan)
        completion_rate = np.where(
            views > 0, np.bincount(item, weights=completion, minlength=n_items) / views, np.nan
        )
    item_features = pd.DataFrame(
        {
            "item_id": np.arange(n_items),
            "category": np.asarray(CATEGORIES)[item_category],
            "creator_id": item_creator,
            "published_ts": START + pd.to_timedelta(np.round(published), unit="s"),
            "duration_s": np.round(duration, 1),
            "mean_sentiment": mean_sentiment,
            "completion_rate": completion_rate,
        }
    )
    user_features = pd.DataFrame(
        {
            "user_id": np.arange(n_users),
            "region": np.asarray(REGIONS)[region],
            "age_band": np.asarray(AGE_BANDS)[age],
        }
    )
    for j, name in enumerate(CATEGORIES):
        user_features[f"affinity_{name}"] = profile[:, j]
    return interactions, item_features, user_features


def _categorical(rng: np.random.Generator, probabilities: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
    """One category per row of a probability matrix, in chunks to bound memory."""
    out = np.empty(len(probabilities), dtype=np.int64)
    for start in range(0, len(probabilities), chunk):
        block = probabilities[start : start + chunk]
        cum = np.cumsum(block, axis=1)
        u = rng.random(len(block))[:, None] * cum[:, -1:]
        out[start : start + chunk] = np.minimum((cum < u).sum(axis=1), block.shape[1] - 1)
    return out


def _latest_by_creator(
    rng: np.random.Generator,
    item_creator: np.ndarray,
    published: np.ndarray,
    creators: np.ndarray,
    ts: np.ndarray,
) -> np.ndarray:
    """A recent video of each given creator published before ``ts`` (-1 when there is none)."""
    order = np.lexsort((published, item_creator))
    keys = item_creator[order].astype(np.float64) * 1e8 + published[order]
    position = np.searchsorted(keys, creators * 1e8 + ts) - 1 - rng.geometric(0.5, len(ts)) + 1
    first = np.searchsorted(item_creator[order], creators)
    valid = (position >= first) & (position >= 0)
    return np.where(valid, order[np.clip(position, 0, len(order) - 1)], -1)


def _sample_items(
    rng: np.random.Generator,
    group: np.ndarray,
    item_category: np.ndarray,
    popularity: np.ndarray,
    published: np.ndarray,
    n_cat: int,
) -> np.ndarray:
    """Sample a video per event from its (category, day) pool, weighted by popularity x freshness.

    Group ``c * DAYS + d`` is category ``c`` on day ``d``; ``n_cat * DAYS + d`` is every category.
    Only videos published by the middle of the day can be watched that day.
    """
    out = np.full(len(group), -1, dtype=np.int64)
    wanted = np.flatnonzero(group >= 0)
    order = wanted[np.argsort(group[wanted], kind="stable")]
    bounds = np.searchsorted(group[order], np.arange((n_cat + 1) * DAYS + 1))
    for g in range(len(bounds) - 1):
        events = order[bounds[g] : bounds[g + 1]]
        if len(events) == 0:
            continue
        category, day = divmod(g, DAYS)
        pool = (
            np.arange(len(item_category)) if category == n_cat else np.flatnonzero(item_category == category)
        )
        noon = (day + 0.5) * DAY
        age = (noon - published[pool]) / DAY
        weight = np.where(age >= 0, popularity[pool] * np.exp(-np.maximum(age, 0.0) / FRESHNESS_DAYS), 0.0)
        if weight.sum() <= 0:
            continue
        cum = np.cumsum(weight)
        idx = np.searchsorted(cum, rng.random(len(events)) * cum[-1], side="right")
        out[events] = pool[np.minimum(idx, len(pool) - 1)]
    return out
