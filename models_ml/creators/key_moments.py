"""Key moments of a retention curve: per-second hazard tests against both sides' seconds, BH FDR.

At second t of a video, n_t views are still on their first pass ("at risk") and x_t of them end
within [t, t + 1): the hazard x_t / n_t is the per-second leave rate. Its left baseline pools the
exits X and views at risk N of the seconds t-w..t-g, its right baseline those of t+g..t+w (each
side without its highest- and lowest-hazard second, so a dip nearby does not lift it). Under
"same hazard as that side", exits are Poisson with exposures n_t and N, so given the x_t + X exits,
x_t ~ Binomial(x_t + X, n_t / (n_t + N)): the exact conditional test of two rates, which accounts for
the noise of the baseline as well as of the second (a test against a baseline taken as known called
about one false moment per two null videos). A third test compares the hazard with a quadratic in
time fitted to both sides (normal approximation, the fit's variance added). A dip must leave faster
than both sides and than the quadratic (an intersection-union test: p = the largest of the three
one-sided p-values), so a steadily rising or falling stretch, such as the onset of leaving after the
first seconds, and a smooth hump of the hazard are no moments; a hold must leave slower than all three. The p-values of one video (both kinds, every tested second) form
one family, adjusted with Benjamini-Hochberg; a key moment has q < alpha. The test knows how many
viewers stand behind each point: ten leavers out of twenty is weak evidence, ten out of a hundred
against a 2% baseline is strong.

With many viewers every real deviation becomes significant, however small, so each test is a
minimum-effect test: the null is "hazard at most r times the baseline" for a dip (r = min_hazard_ratio),
"at least 1/r times" for a hold, tested at its boundary (the conditional binomial with success
probability r n / (r n + N), or n / (n + r N); the quadratic's z test centred at r or 1/r times the fit).
The null is composite, and the boundary is its least favourable point, so BH still controls the false
discoveries of "a dip at least r times its surroundings"; a post-hoc filter on the ratio would not.
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
    """alpha: the FDR level per video. window / gap: each side's pool is the seconds gap..window away.
    min_neighbours: seconds with fewer neighbours on either side are not tested (with the defaults: the
    first 2 and the last 4 seconds). min_views_at_risk: seconds with fewer first-pass viewers are not
    tested (no test has power there). The last second of a video is never tested: a viewer who reaches
    it is completing, not leaving. min_hazard_ratio: the smallest effect worth a creator's edit; a dip
    must leave significantly more than this many times faster than around it, a hold this many times
    slower (1 tests plain difference; why the default: docs/creator-studio.md, "Key moments")."""

    alpha: float = 0.05
    window: int = 5
    gap: int = 2
    min_neighbours: int = 2
    min_views_at_risk: int = 10
    min_hazard_ratio: float = 1.5

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        if not 1 <= self.gap <= self.window:
            raise ValueError(f"need 1 <= gap <= window, got gap={self.gap}, window={self.window}")
        if self.min_neighbours < 1 or self.min_views_at_risk < 1:
            raise ValueError("min_neighbours and min_views_at_risk must be positive")
        if not 1 <= self.min_hazard_ratio < np.inf:
            raise ValueError(f"min_hazard_ratio must be a finite number >= 1, got {self.min_hazard_ratio}")


def _neighbours(second: np.ndarray, last: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index of each second's neighbour at each offset, and whether it exists: same video (rows of a
    video are contiguous, seconds 0..last) and not the video's last second (completion)."""
    target = second[:, None] + offsets[None, :]
    valid = (target >= 0) & (target < last[:, None])
    index = np.clip(np.arange(len(second))[:, None] + offsets[None, :], 0, len(second) - 1)
    return index, valid


def _side_pool(at_risk, exits, second, last, offsets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per second: exits and views at risk pooled over the seconds at `offsets` (one side), leaving out
    the side's highest- and lowest-hazard second when it has four or more (so that a dip nearby does not
    lift the baseline and make its neighbour a hold), and how many seconds the side has. The last second
    (completion) is nobody's neighbour."""
    index, valid = _neighbours(second, last, offsets)
    count = valid.sum(axis=1)
    hazard = np.where(valid, exits[index] / np.maximum(at_risk[index], 1), np.inf)
    rank = np.argsort(np.argsort(hazard, axis=1, kind="stable"), axis=1, kind="stable")
    trim = (count >= 4)[:, None]
    keep = valid & ~(trim & ((rank == 0) | (rank == count[:, None] - 1)))
    return (np.where(keep, exits[index], 0).sum(axis=1), np.where(keep, at_risk[index], 0).sum(axis=1), count)


def _conditional_p(exits, at_risk, pooled_exits, pooled_at_risk, tested, ratio: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """One-sided p-values (more exits, fewer exits) of the second's share of its own and the pool's
    exits: Binomial(x + X, r n / (r n + N)) when the second's hazard is r times the pool's (dip), and
    Binomial(x + X, n / (n + r N)) when it is 1/r times (hold); r = 1 is equal hazards."""
    total = exits + pooled_exits
    n, pooled_n = at_risk.astype(float), pooled_at_risk.astype(float)
    dip_share = np.where(tested, ratio * n / np.maximum(ratio * n + pooled_n, 1), 0.5)
    hold_share = np.where(tested, n / np.maximum(n + ratio * pooled_n, 1), 0.5)
    return (np.where(tested, stats.binom.sf(exits - 1, total, dip_share), np.nan),
            np.where(tested, stats.binom.cdf(exits, total, hold_share), np.nan))


def _curvature_p(at_risk, exits, second, last, config, tested) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided p-values of the second's hazard against a quadratic in the offset fitted (weighted by
    views at risk) to the hazards of both sides' seconds, evaluated at the second (p0), and that fit:
    a dip's z is centred at r p0, a hold's at p0 / r (r = min_hazard_ratio); its variance adds the
    fit's own variance, scaled by r squared (1 / r squared), to the second's binomial variance there."""
    right = np.arange(config.gap, config.window + 1)
    offsets = np.concatenate([-right[::-1], right]).astype(float)
    index, valid = _neighbours(second, last, offsets.astype(int))
    valid &= tested[:, None]
    weight = np.where(valid, at_risk[index], 0).astype(float)
    hazard = np.where(valid, exits[index] / np.maximum(at_risk[index], 1), 0.0)
    design = np.stack([np.ones_like(offsets), offsets, offsets**2], axis=1)  # (k, 3)
    xtwx = np.einsum("sk,ki,kj->sij", weight, design, design) + np.eye(3) * 1e-9
    xtwy = np.einsum("sk,ki,sk->si", weight, design, hazard)
    coef = np.linalg.solve(xtwx, xtwy[..., None])[..., 0]
    p0 = np.clip(coef[:, 0], 1e-6, 1 - 1e-6)
    fit_var = p0 * (1 - p0) * np.linalg.inv(xtwx)[:, 0, 0]
    hazard = exits / np.maximum(at_risk, 1)

    def z(scale: float) -> np.ndarray:
        """z of the second's hazard against `scale` times the fit."""
        centre = np.clip(scale * p0, 1e-6, 1 - 1e-6)
        own_var = centre * (1 - centre) / np.maximum(at_risk, 1)
        return (hazard - centre) / np.sqrt(own_var + scale**2 * fit_var)

    ratio = config.min_hazard_ratio
    return (np.where(tested, stats.norm.sf(z(ratio)), np.nan), np.where(tested, stats.norm.cdf(z(1 / ratio)), np.nan),
            np.where(tested, p0, np.nan))


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
    n = len(at_risk)
    return _tests(at_risk, exits, np.arange(n), np.full(n, n - 1), config)


def _tests(at_risk, exits, second, last, config: KeyMomentConfig) -> pd.DataFrame:
    """second_tests over the rows of many videos at once (rows of a video contiguous, in second order)."""
    right = np.arange(config.gap, config.window + 1)
    left_x, left_n, left_k = _side_pool(at_risk, exits, second, last, -right)
    right_x, right_n, right_k = _side_pool(at_risk, exits, second, last, right)
    tested = ((np.minimum(left_k, right_k) >= config.min_neighbours) & (at_risk >= config.min_views_at_risk)
              & (exits + left_x > 0) & (exits + right_x > 0))
    tested &= second < last
    with np.errstate(all="ignore"):
        hazard = np.where(at_risk > 0, exits / np.maximum(at_risk, 1), np.nan)
        baseline = np.where(tested, (left_x + right_x) / np.maximum(left_n + right_n, 1), np.nan)
    dip_left, hold_left = _conditional_p(exits, at_risk, left_x, left_n, tested, config.min_hazard_ratio)
    dip_right, hold_right = _conditional_p(exits, at_risk, right_x, right_n, tested, config.min_hazard_ratio)
    dip_curve, hold_curve, curve_baseline = _curvature_p(at_risk, exits, second, last, config, tested)
    # intersection-union: a dip must beat both sides (so a rising or falling stretch is no moment) and
    # the local quadratic trend through them (so a smooth hump of the hazard is none either)
    p_dip = np.maximum(np.maximum(dip_left, dip_right), dip_curve)
    p_hold = np.maximum(np.maximum(hold_left, hold_right), hold_curve)
    baseline = np.where(tested, np.maximum(baseline, curve_baseline), np.nan)
    return pd.DataFrame({"second_index": second, "views_at_risk": at_risk, "exits": exits,
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
    curves = curves.sort_values(["video_id", "second_index"], kind="stable")
    if curves.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY_TYPES.items()})
    second = curves["second_index"].to_numpy().astype(np.int64)
    video = curves["video_id"].to_numpy()
    start = np.r_[True, video[1:] != video[:-1]]
    row_in_video = np.arange(len(video)) - np.maximum.accumulate(np.where(start, np.arange(len(video)), 0))
    if not np.array_equal(second, row_in_video):
        bad = video[np.flatnonzero(second != row_in_video)[0]]
        raise ValueError(f"video {bad}: seconds must run 0..n-1 without gaps")
    last = curves.groupby("video_id", sort=False)["second_index"].transform("max").to_numpy().astype(np.int64)
    at_risk = curves["views_at_risk"].to_numpy().astype(np.int64)
    exits = curves["exits"].to_numpy().astype(np.int64)
    if np.any(exits < 0) or np.any(exits > at_risk):
        raise ValueError("need 0 <= exits <= views_at_risk at every second")
    tests = _tests(at_risk, exits, second, last, config)
    tests["video_id"] = video
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
