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


# ---- per audience ------------------------------------------------------------------------------------
AUDIENCE_COLUMNS = ["category", "audience", "bucket_start_hour", "bucket_end_hour", "videos", "audience_views",
                    "audience_completed_views", "other_views", "other_completed_views", "raw_lift", "lift_se",
                    "pooled_lift", "pooled_lift_se", "prior_sd", "lift", "lift_lower", "lift_upper", "p_value",
                    "q_value", "is_best_time"]


_MH_SUMS = ["r", "s", "pr", "ps_qr", "qs"]


def _mh_terms(x1, n1, x0, n0) -> pd.DataFrame:
    """Per stratum, the additive terms of the Mantel-Haenszel odds ratio and its RBG variance (_MH_SUMS).
    A stratum with one side empty has all terms 0."""
    x1, n1, x0, n0 = (np.asarray(a, dtype=float) for a in (x1, n1, x0, n0))
    n = np.where((n1 > 0) & (n0 > 0), n1 + n0, np.inf)
    a, b, c, d = x1, n1 - x1, x0, n0 - x0
    r, s, p, q = a * d / n, b * c / n, (a + d) / n, (b + c) / n
    return pd.DataFrame({"r": r, "s": s, "pr": p * r, "ps_qr": p * s + q * r, "qs": q * s})


def _mh_from_sums(sums: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    r, s = sums["r"].to_numpy(float), sums["s"].to_numpy(float)
    ok = (r > 0) & (s > 0)
    r, s = np.where(ok, r, np.nan), np.where(ok, s, np.nan)
    var = sums["pr"] / (2 * r**2) + sums["ps_qr"] / (2 * r * s) + sums["qs"] / (2 * s**2)
    return np.log(r / s), var.to_numpy(float)


def mantel_haenszel_log_odds_ratio(x1, n1, x0, n0) -> tuple[float, float]:
    """Mantel-Haenszel log odds ratio over strata (here: videos) of exposed (n1 views, x1 events) against
    unexposed (n0, x0), and its variance by Robins, Breslow & Greenland (1986), valid with many sparse
    strata as well as few large ones (Rothman, Greenland & Lash, Modern Epidemiology, 3rd ed., ch. 15).
    Strata with one side empty, or all events or none, carry no information and drop out. Returns
    (nan, nan) when the odds ratio is not defined (no informative stratum, or 0 or infinite)."""
    est, var = _mh_from_sums(_mh_terms(x1, n1, x0, n0).sum().to_frame().T)
    return float(est[0]), float(var[0])


def between_group_variance(lift: np.ndarray, se: np.ndarray, group: np.ndarray) -> float:
    """DerSimonian-Laird tau^2 shared by several groups: the method-of-moments variance of true lifts around
    their group's mean, from Cochran's Q summed over groups (each group's inverse-variance mean)."""
    frame = pd.DataFrame({"lift": lift, "w": 1 / np.asarray(se, dtype=float) ** 2, "group": group})
    frame["wl"] = frame["w"] * frame["lift"]
    frame["w2"] = frame["w"] ** 2
    g = frame.groupby("group").agg(sw=("w", "sum"), swl=("wl", "sum"), sw2=("w2", "sum"), k=("w", "size"))
    mean = frame["group"].map(g["swl"] / g["sw"])
    q = float((frame["w"] * (frame["lift"] - mean) ** 2).sum())
    df = float((g["k"] - 1).sum())
    c = float((g["sw"] - g["sw2"] / g["sw"]).sum())
    return max(0.0, (q - df) / c) if c > 0 else 0.0


def audience_posting_effects(views: pd.DataFrame, bucket_hours: int = 4, fdr_alpha: float = 0.05,
                             level: float = 0.95, skip_audiences: tuple[str, ...] = ("unknown",)) -> pd.DataFrame:
    """Best time to post per category and audience: one row per category x audience x publish window.

    `views`: one row per video x audience (the viewers' segment, e.g. country) with the video's category,
    publish hour (UTC) and that audience's early views and early completed views. Within each video the
    audience's completion odds are compared with the video's other viewers' (Mantel-Haenszel log odds ratio
    over the videos, so a video's own quality cancels, and a window whose videos are better for everyone
    does not move it); a window's raw lift is that log odds ratio over the window's videos minus the same
    over the category's other windows (the audience's usual gap). Lifts of one
    audience and window are pooled across categories by empirical Bayes (random-effects mean, a
    DerSimonian-Laird tau^2 shared by every audience x window), each category's shrunk toward that mean.
    One-sided p-values of the shrunk lifts, Benjamini-Hochberg over every row; is_best_time marks the
    highest shrunk lift of a category x audience when its q-value is below `fdr_alpha`. Viewers of
    `skip_audiences` count among a video's other viewers but get no rows (an unknown country has no time)."""
    from models_ml.experiments import adjust_p_values

    if bucket_hours <= 0 or 24 % bucket_hours:
        raise ValueError(f"bucket_hours must divide 24, got {bucket_hours}")
    needed = {"video_id", "category", "publish_hour", "audience", "early_views", "early_completed_views"}
    if missing := needed - set(views.columns):
        raise ValueError(f"audience_posting_effects: missing columns {sorted(missing)}")
    v = views.loc[views["early_views"] > 0, sorted(needed)].copy()
    if v.empty:
        return pd.DataFrame(columns=AUDIENCE_COLUMNS)
    v["bucket_start_hour"] = (v["publish_hour"].astype(int) // bucket_hours * bucket_hours).astype(int)
    totals = v.groupby("video_id")[["early_views", "early_completed_views"]].transform("sum")
    v["other_views"] = totals["early_views"] - v["early_views"]
    v["other_completed_views"] = totals["early_completed_views"] - v["early_completed_views"]
    v = v.loc[~v["audience"].isin(skip_audiences)].reset_index(drop=True)
    v = pd.concat([v, _mh_terms(v["early_completed_views"], v["early_views"], v["other_completed_views"],
                                v["other_views"])], axis=1)
    v["videos"] = (v["other_views"] > 0).astype(int)
    counts = ["videos", "early_views", "early_completed_views", "other_views", "other_completed_views"]
    t = v.groupby(["category", "audience", "bucket_start_hour"], sort=True)[counts + _MH_SUMS].sum().reset_index()
    pair = t.groupby(["category", "audience"])[_MH_SUMS].transform("sum")
    inside, var_in = _mh_from_sums(t)
    outside, var_out = _mh_from_sums(pair - t[_MH_SUMS])  # the category's other windows, same audience
    t["raw_lift"], t["lift_se"] = inside - outside, np.sqrt(var_in + var_out)
    t = t.loc[np.isfinite(t["raw_lift"]) & (t["lift_se"] > 0)].reset_index(drop=True)
    t = t.rename(columns={"early_views": "audience_views", "early_completed_views": "audience_completed_views"})
    if t.empty:
        return pd.DataFrame(columns=AUDIENCE_COLUMNS)
    key = t["audience"].astype(str) + "|" + t["bucket_start_hour"].astype(str)
    tau2 = between_group_variance(t["raw_lift"].to_numpy(), t["lift_se"].to_numpy(), key.to_numpy())
    w = 1 / (t["lift_se"] ** 2 + tau2)
    pooled = (w * t["raw_lift"]).groupby(key).transform("sum") / w.groupby(key).transform("sum")
    pooled_var = 1 / w.groupby(key).transform("sum")
    shrink = tau2 / (tau2 + t["lift_se"] ** 2)  # the weight of a category's own estimate
    t["pooled_lift"], t["pooled_lift_se"], t["prior_sd"] = pooled, np.sqrt(pooled_var), np.sqrt(tau2)
    t["lift"] = pooled + shrink * (t["raw_lift"] - pooled)
    sd = np.sqrt(shrink * t["lift_se"] ** 2 + (1 - shrink) ** 2 * pooled_var)
    z = norm.ppf(0.5 + level / 2)
    t["lift_lower"], t["lift_upper"] = t["lift"] - z * sd, t["lift"] + z * sd
    t["p_value"] = norm.sf(t["lift"] / sd)
    t["q_value"] = adjust_p_values(t["p_value"].to_numpy(), "bh")
    t["bucket_end_hour"] = t["bucket_start_hour"] + bucket_hours
    top = t.groupby(["category", "audience"])["lift"].transform("max")
    t["is_best_time"] = (t["lift"] == top) & (t["q_value"] < fdr_alpha)
    return t[AUDIENCE_COLUMNS].sort_values(["category", "audience", "bucket_start_hour"]).reset_index(drop=True)


def score_audience_windows(table: pd.DataFrame, good_start_hour: dict[str, int]) -> dict:
    """Recovery of planted per-audience good windows (truth key audience_posting_times: audience -> window
    start): flags right and wrong over category x audience rows, and how many category x audience pairs
    have the planted window on top of their shrunk lifts."""
    if table.empty:
        return {"pairs": 0, "flagged": 0, "flagged right": 0, "top right": 0, "audiences": 0,
                "audiences top pooled right": 0}
    planted = table["audience"].map(good_start_hour)
    flagged = table["is_best_time"].astype(bool)
    top = table.loc[table.groupby(["category", "audience"])["lift"].idxmax()]
    pooled = table.drop_duplicates(["audience", "bucket_start_hour"])
    pooled_top = pooled.loc[pooled.groupby("audience")["pooled_lift"].idxmax()]
    return {"pairs": int(len(top)), "flagged": int(flagged.sum()),
            "flagged right": int((flagged & (table["bucket_start_hour"] == planted)).sum()),
            "top right": int((top["bucket_start_hour"] == top["audience"].map(good_start_hour)).sum()),
            "audiences": int(len(pooled_top)),
            "audiences top pooled right": int((pooled_top["bucket_start_hour"]
                                               == pooled_top["audience"].map(good_start_hour)).sum())}
