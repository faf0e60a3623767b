"""models_ml.creators: key moments found where they were planted, and nowhere on smooth curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models_ml.creators import KeyMomentConfig, detect_key_moments, key_moments, match_moments, second_tests


def _curve(video_id: int, n_views: int, duration: int, dips: dict[int, float], seed: int) -> pd.DataFrame:
    """Per-second at-risk/exit counts of views whose first pass ends uniformly over the video, with dips."""
    rng = np.random.default_rng(seed)
    watch = np.where(rng.random(n_views) < 0.3, float(duration), rng.uniform(0, duration, n_views))
    for second, drop in sorted(dips.items()):
        leave = (watch >= second + 1) & (rng.random(n_views) < drop)
        watch[leave] = second + 0.5
    ends = np.bincount(np.floor(watch).astype(int), minlength=duration + 1)
    at_risk = ends[::-1].cumsum()[::-1]
    exits = ends.copy()
    exits[-1] = 0
    return pd.DataFrame({"video_id": video_id, "second_index": np.arange(duration + 1),
                         "views_at_risk": at_risk, "exits": exits})


def test_planted_dips_are_found_and_only_they():
    planted = {1: {8: 0.2}, 2: {5: 0.15, 20: 0.25}, 3: {}}
    curves = pd.concat([_curve(v, 3000, 30, d, seed=v) for v, d in planted.items()])
    found = detect_key_moments(curves)
    dips = found[found["moment_type"] == "dip"]
    assert sorted(zip(dips["video_id"], dips["second_index"], strict=True)) == [(1, 8), (2, 5), (2, 20)]
    assert (found["moment_type"] == "hold").sum() == 0
    assert (dips["hazard_ratio"] > 3).all()


def test_few_viewers_are_not_enough_evidence():
    """The same relative dip behind 30 viewers is not significant; behind 3000 it is."""
    small = detect_key_moments(_curve(1, 30, 30, {8: 0.2}, seed=4))
    large = detect_key_moments(_curve(1, 3000, 30, {8: 0.2}, seed=4))
    assert small.empty
    assert list(large["second_index"]) == [8]


def _hazard_curve(video_id: int, n_views: int, hazards: np.ndarray, seed: int) -> pd.DataFrame:
    """A curve whose first-pass viewers leave second t with probability hazards[t] (the last: completion)."""
    rng = np.random.default_rng(seed)
    at_risk, exits = np.zeros(len(hazards), dtype=np.int64), np.zeros(len(hazards), dtype=np.int64)
    left = n_views
    for t, h in enumerate(hazards[:-1]):
        at_risk[t], exits[t] = left, rng.binomial(left, h)
        left -= exits[t]
    at_risk[-1] = left
    return pd.DataFrame({"video_id": video_id, "second_index": np.arange(len(hazards)),
                         "views_at_risk": at_risk, "exits": exits})


def _moments(curve: pd.DataFrame, min_hazard_ratio: float) -> list[tuple[int, str]]:
    found = detect_key_moments(curve, KeyMomentConfig(min_hazard_ratio=min_hazard_ratio))
    return list(zip(found["second_index"], found["moment_type"], strict=True))


def test_a_small_real_dip_behind_many_viewers_is_no_moment_with_the_effect_floor():
    """1.5x the baseline hazard behind 200k viewers is significant but below a floor of 2; 5x is above it."""
    hazards = np.full(31, 0.03)
    hazards[12], hazards[20] = 0.045, 0.15
    curve = _hazard_curve(1, 200_000, hazards, seed=5)
    assert _moments(curve, 1.0) == [(12, "dip"), (20, "dip")]
    assert _moments(curve, 2.0) == [(20, "dip")]


def test_the_effect_floor_of_a_hold_is_its_mirror():
    """A hold must leave more than r times slower: 1/1.5 of the baseline hazard is no hold at r = 2, 1/6 is."""
    hazards = np.full(31, 0.03)
    hazards[12], hazards[20] = 0.02, 0.005
    curve = _hazard_curve(1, 200_000, hazards, seed=6)
    assert _moments(curve, 1.0) == [(12, "hold"), (20, "hold")]
    assert _moments(curve, 2.0) == [(20, "hold")]


def test_each_test_is_centred_at_the_floor():
    """Each of the three tests alone, against a textbook version: the conditional binomial at success
    probability r n / (r n + N) (dip) or n / (n + r N) (hold), and the z test against r or 1/r times a
    weighted quadratic fitted to the neighbours' hazards (its variance scaled by r squared or 1/r squared)."""
    ratio = 2.0
    curve = _curve(1, 4000, 30, {12: 0.1}, seed=8)
    n, x = curve["views_at_risk"].to_numpy(), curve["exits"].to_numpy()
    tested = np.zeros(len(n), bool)
    tested[[8, 12, 16]] = True
    pooled_x, pooled_n = np.full(len(n), 300), np.full(len(n), 9000)
    p_dip, p_hold = key_moments._conditional_p(x, n, pooled_x, pooled_n, tested, ratio)
    for t in (8, 12, 16):
        assert p_dip[t] == pytest.approx(stats.binom.sf(x[t] - 1, x[t] + 300, ratio * n[t] / (ratio * n[t] + 9000)))
        assert p_hold[t] == pytest.approx(stats.binom.cdf(x[t], x[t] + 300, n[t] / (n[t] + ratio * 9000)))
    config = KeyMomentConfig(min_hazard_ratio=ratio)
    z_dip, z_hold, _ = key_moments._curvature_p(n, x, np.arange(len(n)), np.full(len(n), len(n) - 1), config, tested)
    offsets = np.r_[-5:-1, 2:6]
    for t in (8, 12, 16):
        design = np.vander(offsets, 3, increasing=True).astype(float)
        weights = n[t + offsets].astype(float)
        cov = np.linalg.inv(design.T @ (weights[:, None] * design))
        p0 = (cov @ design.T @ (weights * x[t + offsets] / n[t + offsets]))[0]
        fit_var = p0 * (1 - p0) * cov[0, 0]
        for scale, p, tail in ((ratio, z_dip, stats.norm.sf), (1 / ratio, z_hold, stats.norm.cdf)):
            centre = scale * p0
            z = (x[t] / n[t] - centre) / np.sqrt(centre * (1 - centre) / n[t] + scale**2 * fit_var)
            assert p[t] == pytest.approx(tail(z), rel=1e-6)


def test_a_dip_exactly_at_the_floor_is_rarely_a_moment():
    """The floor is the null's boundary, so BH at 5% still bounds the videos with a false moment there."""
    hazards = np.full(31, 0.03)
    hazards[12] = 0.06
    curves = pd.concat([_hazard_curve(v, 200_000, hazards, seed=200 + v) for v in range(40)])
    found = detect_key_moments(curves, KeyMomentConfig(min_hazard_ratio=2.0))
    assert found["video_id"].nunique() <= 4


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_p_values_are_at_least_the_conditional_binomial_tests_of_both_sides(ratio):
    """At ratio r the null of a dip is "r times the side's hazard": Binomial(x + X, r n / (r n + N))."""
    curve = _curve(1, 500, 20, {10: 0.3}, seed=2)
    n, x = curve["views_at_risk"].to_numpy(), curve["exits"].to_numpy()
    tests = second_tests(n, x, KeyMomentConfig(min_hazard_ratio=ratio))
    row = tests.iloc[10]
    p_dips, p_holds = [], []
    sides = [sorted(side, key=lambda i: x[i] / n[i])[1:-1] for side in ([5, 6, 7, 8], [12, 13, 14, 15])]
    for side in sides:
        big_n, big_x = n[side].sum(), x[side].sum()
        p_dips.append(stats.binom.sf(x[10] - 1, x[10] + big_x, ratio * n[10] / (ratio * n[10] + big_n)))
        p_holds.append(stats.binom.cdf(x[10], x[10] + big_x, n[10] / (n[10] + ratio * big_n)))
    both = sides[0] + sides[1]
    # the reported baseline and p-values are the strictest of the two sides and the quadratic trend
    assert row["baseline_hazard"] >= x[both].sum() / n[both].sum() - 1e-12
    assert max(p_dips) <= row["p_dip"] < 1e-3
    assert row["p_hold"] >= max(p_holds)
    assert tests.iloc[[12, 13, 14]]["p_dip"].min() > 0.01
    assert np.isnan(tests.iloc[-1]["p_dip"]) and np.isnan(tests.iloc[1]["p_dip"])  # completion, too early


def test_a_kink_in_the_curve_is_no_moment():
    """Nobody leaves in the first 5 s, then 3% a second: the onset is a change, not a dip."""
    at_risk = np.round(5000 * np.r_[np.ones(6), 0.97 ** np.arange(1, 25)]).astype(int)
    exits = np.r_[at_risk[:-1] - at_risk[1:], 0]
    assert detect_key_moments(pd.DataFrame({"video_id": 1, "second_index": np.arange(30), "views_at_risk": at_risk,
                                            "exits": exits})).empty


def test_smooth_curves_give_few_false_moments():
    """50 videos without a planted moment: BH at 5% per video allows about 5% of them a false moment."""
    false = sum(len(detect_key_moments(_curve(9, 3000, 30, {}, seed=100 + s))) > 0 for s in range(50))
    assert false <= 6


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(ValueError, match="exits <= views_at_risk"):
        second_tests(np.array([5, 3]), np.array([6, 0]))
    with pytest.raises(ValueError, match="without gaps"):
        detect_key_moments(pd.DataFrame({"video_id": [1, 1], "second_index": [0, 2], "views_at_risk": [2, 1],
                                         "exits": [1, 0]}))
    with pytest.raises(ValueError, match="alpha"):
        KeyMomentConfig(alpha=1.5)
    with pytest.raises(ValueError, match="min_hazard_ratio"):
        KeyMomentConfig(min_hazard_ratio=0.5)


def test_match_moments_counts_each_detection_once_within_tolerance():
    planted = pd.DataFrame({"video_id": [1, 1, 2], "second": [10, 20, 5]})
    detected = pd.DataFrame({"video_id": [1, 1, 1, 3], "second_index": [11, 12, 23, 5]})
    score = match_moments(detected, planted, tolerance=2)
    assert score["true_positives"] == 1  # 11 matches 10; 12 has no second partner; 23 is 3 s off
    assert score["precision"] == pytest.approx(1 / 4)
    assert score["recall"] == pytest.approx(1 / 3)


def test_many_videos_at_once_equal_one_at_a_time():
    """The vectorised pass over all videos must not let one video's seconds into another's baseline."""
    curves = [_curve(v, 2000, length, {6: 0.25}, seed=v) for v, length in ((1, 12), (2, 40), (3, 20))]
    together = detect_key_moments(pd.concat(curves).sample(frac=1, random_state=0))
    alone = pd.concat([detect_key_moments(c) for c in curves], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)
