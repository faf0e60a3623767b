"""Best time to post: per category and publish window, the early watch-through of the videos published
then, shrunk toward the category's mean by empirical Bayes (the normal-normal helper of
models_ml.creators.text, one home for the shrinkage). Method and measured recovery:
docs/creator-studio.md, "Best time to post"."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from models_ml.creators.text import shrink_normal

COLUMNS = ["category", "bucket_start_hour", "bucket_end_hour", "videos", "early_views",
           "early_completed_views", "raw_watch_through", "category_watch_through", "raw_lift", "lift_se",
           "lift", "lift_lower", "lift_upper", "watch_through", "watch_through_lower", "watch_through_upper",
           "prior_sd", "is_best_time"]


def posting_time_effects(videos: pd.DataFrame, bucket_hours: int = 4, min_views: int = 3,
                         level: float = 0.95) -> pd.DataFrame:
    """One row per category x publish window of `bucket_hours`. A video's outcome is the share of its
    first-48h views that completed (videos with fewer than `min_views` early views are left out); a
    window's raw lift is its videos' mean outcome minus the category's, with the standard error of a mean
    under the category's pooled sd. Lifts are shrunk toward 0 with one prior over every window of every
    category; the best window of a category is flagged only where its interval is above the category mean."""
    if bucket_hours <= 0 or 24 % bucket_hours:
        raise ValueError(f"bucket_hours must divide 24, got {bucket_hours}")
    v = videos.loc[videos["early_views"] >= min_views, ["category", "publish_hour", "early_views",
                                                        "early_completed_views"]].copy()
    if v.empty:
        return pd.DataFrame(columns=COLUMNS)
    v["bucket_start_hour"] = (v["publish_hour"] // bucket_hours * bucket_hours).astype(int)
    v["outcome"] = v["early_completed_views"] / v["early_views"]
    cat = v.groupby("category")["outcome"].agg(category_watch_through="mean", category_sd="std", n="size")
    g = (v.groupby(["category", "bucket_start_hour"])
         .agg(videos=("outcome", "size"), early_views=("early_views", "sum"),
              early_completed_views=("early_completed_views", "sum"), raw_watch_through=("outcome", "mean"))
         .reset_index().join(cat, on="category"))
    g = g[g["n"] >= 2].copy()  # a category with one video has no spread to judge a window by
    if g.empty:
        return pd.DataFrame(columns=COLUMNS)
    sd = g["category_sd"].fillna(0).clip(lower=1e-3)
    g["raw_lift"] = g["raw_watch_through"] - g["category_watch_through"]
    g["lift_se"] = sd / np.sqrt(g["videos"])
    lift, post_sd, tau = shrink_normal(g["raw_lift"].to_numpy(), g["lift_se"].to_numpy())
    z = norm.ppf(0.5 + level / 2)
    g["lift"], g["lift_lower"], g["lift_upper"] = lift, lift - z * post_sd, lift + z * post_sd
    for name, col in (("watch_through", "lift"), ("watch_through_lower", "lift_lower"),
                      ("watch_through_upper", "lift_upper")):
        g[name] = g["category_watch_through"] + g[col]
    g["prior_sd"] = tau
    g["bucket_end_hour"] = g["bucket_start_hour"] + bucket_hours
    top = g.groupby("category")["lift"].transform("max")
    g["is_best_time"] = (g["lift"] == top) & (g["lift_lower"] > 0)
    return g[COLUMNS].sort_values(["category", "bucket_start_hour"]).reset_index(drop=True)


def score_planted_windows(table: pd.DataFrame, good_start_hour: dict[str, int]) -> dict:
    """Recovery of planted good windows (truth key posting_times): how many categories' flags are right, and
    whether the top shrunk lift and the top raw mean (the unshrunk "best hour" a dashboard shows) sit on
    the planted window."""
    flagged = table.loc[table["is_best_time"].astype(bool)]
    categories = [c for c in good_start_hour if c in set(table["category"])]
    top_shrunk = table.loc[table.groupby("category")["lift"].idxmax()].set_index("category")["bucket_start_hour"]
    top_raw = table.loc[table.groupby("category")["raw_watch_through"].idxmax()].set_index("category")[
        "bucket_start_hour"]
    hits = int(sum(good_start_hour.get(c) == h for c, h in zip(flagged["category"], flagged["bucket_start_hour"],
                                                               strict=True)))
    return {"categories": len(categories), "flagged": len(flagged), "flagged right": hits,
            "top shrunk right": int(sum(top_shrunk.get(c) == good_start_hour[c] for c in categories)),
            "top raw right": int(sum(top_raw.get(c) == good_start_hour[c] for c in categories))}
