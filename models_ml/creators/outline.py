"""A script outline per category from what holds viewers there, each line with its evidence.

Lines: the hook (title terms whose videos hold more viewers past 3 s, creator-adjusted and shrunk like
the term table), the length (the length bucket whose videos are watched furthest, against the category
mean, with a normal interval), where viewers leave (the position of the category's significant dips in
the video: first, middle or last third), and the words to use (the top of fct_category_terms). The
export has no script text, shot list or call-to-action marker, so wording comes from titles and the
call-to-action position is not advised. No I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from models_ml.creators.text import TermConfig, _creator_adjusted, _lift_table, shrink_normal, video_terms

OUTLINE_COLUMNS = ["category", "line_order", "topic", "advice", "evidence", "videos", "effect", "effect_lower",
                   "effect_upper"]
LENGTH_ORDER = ["under 15 s", "15-29 s", "30-59 s", "60-179 s", "180 s and over"]

__all__ = ["LENGTH_ORDER", "OUTLINE_COLUMNS", "script_outline"]


def _logit(p: pd.Series) -> pd.Series:
    p = p.astype(float).clip(0.005, 0.995)
    return np.log(p / (1 - p))


def _hook_line(category: str, part: pd.DataFrame, terms: pd.DataFrame, z: float, min_videos: int) -> dict | None:
    incidence = terms[terms["video_id"].isin(part["video_id"])].assign(category=category)
    lifts = _lift_table(part.assign(category=category), incidence, "hold")
    lifts = lifts[(lifts["n_with"] >= min_videos) & (lifts["n_without"] >= min_videos) & lifts["se"].notna()]
    if lifts.empty:
        return None
    mean, sd, _ = shrink_normal(lifts["raw"].to_numpy(), lifts["se"].to_numpy())
    best = int(np.argmax(mean))
    if mean[best] - z * sd[best] <= 0:
        return {"topic": "hook", "advice": "No title word holds viewers past 3 s measurably better here.",
                "evidence": f"{len(lifts)} words tested on {len(part)} videos; none with an interval above 0",
                "videos": len(part), "effect": None, "effect_lower": None, "effect_upper": None}
    row = lifts.iloc[best]
    return {"topic": "hook", "advice": f"Open with '{row['term']}': its videos keep more viewers past 3 s.",
            "evidence": f"{int(row['n_with'])} videos with it vs {int(row['n_without'])} without; 3-s hold lift "
                        f"{mean[best]:+.2f} [{mean[best] - z * sd[best]:+.2f}, {mean[best] + z * sd[best]:+.2f}] "
                        "(logit, creator-adjusted, shrunk)",
            "videos": int(row["n_with"]), "effect": float(mean[best]), "effect_lower": float(mean[best] - z * sd[best]),
            "effect_upper": float(mean[best] + z * sd[best])}


def _length_line(part: pd.DataFrame, z: float, min_videos: int) -> dict | None:
    overall = part["watched"].mean()
    groups = part.groupby("length_bucket")["watched"].agg(["mean", "std", "size"])
    groups = groups[groups["size"] >= max(min_videos, 3)]
    if len(groups) < 2:
        return None
    groups["se"] = groups["std"] / np.sqrt(groups["size"])
    best = groups["mean"].idxmax()
    g = groups.loc[best]
    diff = g["mean"] - overall
    advice = (f"Keep it {best}: videos this long are watched furthest here." if diff - z * g["se"] > 0 else
              f"No length is watched measurably further than the rest here (best: {best}).")
    return {"topic": "length", "advice": advice,
            "evidence": f"{int(g['size'])} videos of {best} watched {g['mean']:.0%} on the first pass vs "
                        f"{overall:.0%} for the category's {len(part)} videos "
                        f"({diff:+.0%} [{diff - z * g['se']:+.0%}, {diff + z * g['se']:+.0%}])",
            "videos": int(g["size"]), "effect": float(diff), "effect_lower": float(diff - z * g["se"]),
            "effect_upper": float(diff + z * g["se"])}


def _leave_line(category_dips: pd.DataFrame) -> dict | None:
    if category_dips.empty:
        return None
    position = pd.cut(category_dips["second_index"] / category_dips["duration_seconds"], [0, 1 / 3, 2 / 3, 1],
                      labels=["first third", "middle third", "last third"], include_lowest=True)
    counts = position.value_counts()
    where = counts.idxmax()
    n, videos = len(category_dips), category_dips["video_id"].nunique()
    share = counts[where] / n
    ci = stats.binomtest(int(counts[where]), n).proportion_ci(0.95)
    advice = (f"Viewers leave most in the {where} of a video: put the payoff before it, cut slow shots there."
              if ci.low > 1 / 3 else "Significant dips are not concentrated in one part of the video here.")
    return {"topic": "where viewers leave", "advice": advice,
            "evidence": f"{counts[where]} of {n} significant dips on {videos} videos fall in the {where} "
                        f"({share:.0%} [{ci.low:.0%}, {ci.high:.0%}])",
            "videos": int(videos), "effect": float(share), "effect_lower": float(ci.low), "effect_upper": float(ci.high)}


def _words_line(category_terms: pd.DataFrame) -> dict | None:
    good = category_terms[category_terms["engagement_lift_lower"] > 0].sort_values("rank_in_category").head(3)
    if good.empty:
        return None
    parts = [f"{r.term} {r.engagement_lift:+.2f} [{r.engagement_lift_lower:+.2f}, {r.engagement_lift_upper:+.2f}] "
             f"on {r.videos_with} videos" for r in good.itertuples()]
    top = good.iloc[0]
    return {"topic": "words", "advice": "Use " + ", ".join(f"'{t}'" for t in good["term"]) + " in the title and hashtags.",
            "evidence": "watch-through lift (fct_category_terms): " + "; ".join(parts),
            "videos": int(top["videos_with"]), "effect": float(top["engagement_lift"]),
            "effect_lower": float(top["engagement_lift_lower"]), "effect_upper": float(top["engagement_lift_upper"])}


def script_outline(videos: pd.DataFrame, dips: pd.DataFrame, category_terms: pd.DataFrame,
                   config: TermConfig | None = None, terms: pd.DataFrame | None = None) -> pd.DataFrame:
    """videos: video_id, creator_id, category, title, hashtags, length_bucket, views, hold_3s,
    first_pass_percentage_viewed; dips: video_id, second_index, duration_seconds (significant dips);
    category_terms: fct_category_terms; terms: the videos' `video_terms` when tokenised elsewhere (per
    video, e.g. in Spark executors). One row per category x outline line that has evidence."""
    config = config or TermConfig()
    z = stats.norm.ppf(0.5 + config.level / 2)
    eligible = videos[videos["views"] >= config.min_views].copy()
    eligible["hold"] = _creator_adjusted(_logit(eligible["hold_3s"]), eligible["creator_id"],
                                         config.creator_prior_videos)
    eligible["watched"] = eligible["first_pass_percentage_viewed"].astype(float)
    terms = video_terms(eligible) if terms is None else terms[terms["video_id"].isin(eligible["video_id"])]
    terms = terms[terms["term_type"] == "title_term"]
    dips = dips.merge(videos[["video_id", "category"]], on="video_id")
    rows = []
    for category, part in eligible.groupby("category", sort=True):
        lines = [_hook_line(category, part, terms, z, config.min_videos), _length_line(part, z, config.min_videos),
                 _leave_line(dips[dips["category"] == category]),
                 _words_line(category_terms[category_terms["category"] == category])]
        for order, line in enumerate((line for line in lines if line), start=1):
            rows.append({"category": category, "line_order": order, **line})
    out = pd.DataFrame(rows, columns=OUTLINE_COLUMNS)
    effects = ["effect", "effect_lower", "effect_upper"]
    out[effects] = out[effects].astype(float)  # a line without a measured effect holds NaN, not None
    return out
