"""Key moments of a retention curve: per-second hazard tests against the neighbouring seconds, BH FDR.

At second t of a video, n_t views are still on their first pass ("at risk") and x_t of them end
within [t, t + 1): the hazard x_t / n_t is the per-second leave rate. The baseline pools the exits X
and views at risk N of the neighbouring seconds t-w..t-g and t+g..t+w (w shrunk near the ends so
both sides are equal and a trend cancels), leaving out the highest- and
lowest-hazard neighbour so that one dip nearby does not lift the baseline (and make its neighbours
look like holds). Under "same hazard as the neighbours", exits are Poisson with exposures n_t and N,
so given the x_t + X exits, x_t ~ Binomial(x_t + X, n_t / (n_t + N)): the exact conditional test of
two rates, which accounts for the noise of the baseline as well as of the second (a test against a
baseline taken as known called about one false moment per two null videos). Each second gets both
one-sided tests: dip (more leave) and hold (fewer leave). The p-values of one video (both tails,
every tested second) form one family, adjusted with Benjamini-Hochberg; a key moment has q < alpha.
The test knows how many viewers stand behind each point: ten leavers out of twenty is weak
evidence, ten out of a hundred against a 2% baseline is strong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from models_ml.experiments.corrections import adjust_p_values

CURVE_COLUMNS = ["video_id", "second_index", "views_at_risk", "exits"]
MOMENT_COLUMNS = ["video_id", "second_index", "moment_type", "views_at_risk", "exits", "hazard",
                  "baseline_hazard", "hazard_ratio", "p_value", "q_value"]

__all__ = ["CURVE_COLUMNS", "MOMENT_COLUMNS", "KeyMomentConfig", "detect_key_moments", "match_moments",
           "second_tests"]


@dataclass(frozen=True)
class KeyMomentConfig:
    """alpha: the FDR level per video. window / gap: the baseline uses seconds gap..window away on each
    side; trim: that many highest- and lowest-hazard neighbours are left out (so one dip nearby does not
    lift the baseline). min_neighbours: seconds with fewer neighbours left after trimming are not tested
    (with the defaults: the first 4 and the last 5 seconds). min_views_at_risk: seconds
    with fewer first-pass viewers are not tested (no test has power there). The last second of a video
    is never tested: a viewer who reaches it is completing, not leaving."""

    alpha: float = 0.05
    window: int = 5
    gap: int = 2
    min_neighbours: int = 3
    trim: int = 1
    min_views_at_risk: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        if not 1 <= self.gap <= self.window:
            raise ValueError(f"need 1 <= gap <= window, got gap={self.gap}, window={self.window}")
        if self.min_neighbours < 1 or self.min_views_at_risk < 1 or self.trim < 0:
            raise ValueError("min_neighbours and min_views_at_risk must be positive")


def _neighbour_pool(at_risk: np.ndarray, exits: np.ndarray, config: KeyMomentConfig
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per second: exits and views at risk pooled over the neighbouring seconds (gap..window away on
    each side, as far on both sides, the highest- and lowest-hazard neighbours trimmed), and the number
    of neighbours kept."""
    n = len(at_risk)
    offsets = np.concatenate([np.arange(-config.window, -config.gap + 1), np.arange(config.gap, config.window + 1)])
    index = np.arange(n)[:, None] + offsets[None, :]
    # as many seconds on each side (fewer near the ends), so that a trending hazard cancels out;
    # the last second (completion) is no neighbour
    reach = np.minimum(np.minimum(np.arange(n), n - 2 - np.arange(n)), config.window)
    valid = (np.abs(offsets)[None, :] <= reach[:, None]) & (index >= 0) & (index < n - 1)
    index = np.clip(index, 0, n - 1)
    valid &= at_risk[index] > 0
    hazard = np.where(valid, exits[index] / np.maximum(at_risk[index], 1), np.nan)
    count = valid.sum(axis=1)
    order = np.argsort(np.where(valid, hazard, np.inf), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(order.shape[1])[None, :].repeat(n, axis=0), axis=1)
    enough = count >= config.min_neighbours + 2 * config.trim
    keep = valid & enough[:, None] & (rank >= config.trim) & (rank < count[:, None] - config.trim)
    pooled_exits = np.where(keep, exits[index], 0).sum(axis=1)
    pooled_at_risk = np.where(keep, at_risk[index], 0).sum(axis=1)
    return pooled_exits, pooled_at_risk, keep.sum(axis=1)


def second_tests(at_risk: np.ndarray, exits: np.ndarray, config: KeyMomentConfig | None = None) -> pd.DataFrame:
    """Per second of one video: hazard, baseline hazard and the two one-sided p-values (NaN = untested).

    `at_risk[t]` and `exits[t]` are indexed by second from 0 to the video's last second."""
    config = config or KeyMomentConfig()
    at_risk = np.asarray(at_risk, dtype=np.int64)
    exits = np.asarray(exits, dtype=np.int64)
    if at_risk.shape != exits.shape or at_risk.ndim != 1:
        raise ValueError("at_risk and exits must be 1-d arrays of the same length")
    if np.any(exits < 0) or np.any(exits > at_risk):
        raise ValueError("need 0 <= exits <= views_at_risk at every second")
    pooled_exits, pooled_at_risk, kept = _neighbour_pool(at_risk, exits, config)
    tested = (kept >= config.min_neighbours) & (at_risk >= config.min_views_at_risk) & (pooled_exits + exits > 0)
    tested[-1:] = False
    with np.errstate(all="ignore"):
        hazard = np.where(at_risk > 0, exits / np.maximum(at_risk, 1), np.nan)
        baseline = np.where(tested, pooled_exits / np.maximum(pooled_at_risk, 1), np.nan)
    # exits of the second among all exits of it and its neighbours, given equal hazards
    total = exits + pooled_exits
    share = np.where(tested, at_risk / np.maximum(at_risk + pooled_at_risk, 1), 0.5)
    p_dip = np.where(tested, stats.binom.sf(exits - 1, total, share), np.nan)
    p_hold = np.where(tested, stats.binom.cdf(exits, total, share), np.nan)
    return pd.DataFrame({"second_index": np.arange(len(at_risk)), "views_at_risk": at_risk, "exits": exits,
                         "hazard": hazard, "baseline_hazard": baseline,
                         "p_dip": p_dip, "p_hold": p_hold})


def detect_key_moments(curves: pd.DataFrame, config: KeyMomentConfig | None = None) -> pd.DataFrame:
    """Key moments of many videos: one row per (video, second) whose dip or hold is significant.

    `curves` has CURVE_COLUMNS, one row per video and second (seconds 0..last, no gaps). Returns
    MOMENT_COLUMNS; moment_type is 'dip' (viewers leave faster than around it) or 'hold'."""
    config = config or KeyMomentConfig()
    missing = [c for c in CURVE_COLUMNS if c not in curves.columns]
    if missing:
        raise ValueError(f"curves lacks columns {missing}")
    frames = []
    for video_id, curve in curves.sort_values(["video_id", "second_index"]).groupby("video_id", sort=False):
        seconds = curve["second_index"].to_numpy()
        if not np.array_equal(seconds, np.arange(len(seconds))):
            raise ValueError(f"video {video_id}: seconds must run 0..n-1 without gaps")
        tests = second_tests(curve["views_at_risk"].to_numpy(), curve["exits"].to_numpy(), config)
        tests["video_id"] = video_id
        frames.append(tests)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY_TYPES.items()})
    tests = pd.concat(frames, ignore_index=True)
    long = pd.concat([tests.assign(moment_type="dip", p_value=tests["p_dip"]),
                      tests.assign(moment_type="hold", p_value=tests["p_hold"])], ignore_index=True)
    codes = pd.factorize(long["video_id"])[0]
    long["q_value"] = adjust_p_values(long["p_value"].to_numpy(), "bh", groups=codes)
    found = long[long["q_value"] < config.alpha].copy()
    found["hazard_ratio"] = found["hazard"] / found["baseline_hazard"]
    return found.sort_values(["video_id", "second_index", "moment_type"])[MOMENT_COLUMNS].reset_index(drop=True)


_EMPTY_TYPES = {"video_id": "int64", "second_index": "int64", "moment_type": "object", "views_at_risk": "int64",
                "exits": "int64", "hazard": "float64", "baseline_hazard": "float64", "hazard_ratio": "float64",
                "p_value": "float64", "q_value": "float64"}


def match_moments(detected: pd.DataFrame, planted: pd.DataFrame, tolerance: int = 2) -> dict[str, float]:
    """Precision, recall and F1 of detected dips against planted ones (columns video_id, second).

    A planted dip is recovered when a detected dip of the same video lies within `tolerance` seconds;
    each detection matches at most one planted dip (greedy by distance), the rest are false positives."""
    tp = 0
    n_detected = len(detected)
    planted_by_video = {v: sorted(g["second"].tolist()) for v, g in planted.groupby("video_id")}
    for video_id, group in detected.groupby("video_id"):
        free = list(planted_by_video.get(video_id, []))
        pairs = sorted((abs(d - p), d, p) for d in group["second_index"].tolist() for p in free
                       if abs(d - p) <= tolerance)
        used_d: set[int] = set()
        used_p: set[int] = set()
        for _, d, p in pairs:
            if d not in used_d and p not in used_p:
                used_d.add(d)
                used_p.add(p)
                tp += 1
    precision = tp / n_detected if n_detected else 1.0
    recall = tp / len(planted) if len(planted) else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_positives": tp, "detected": n_detected, "planted": len(planted), "precision": precision,
            "recall": recall, "f1": f1}
