"""Seeded synthetic campaign with a randomised holdout and a known per-user effect.

Used by the tests and the benchmark until the platform simulator provides campaign exposures;
the feature names are the ones ``dim_users`` will carry, so code written against this data
runs unchanged on the warehouse's.

The design is deliberately hard for an S-learner and for response models: the baseline
conversion rate varies a lot with activity, tenure, region and age (measured in docs/uplift.md),
while the campaign moves it by only a few points,
up for users with high affinity to the campaign's category (which does not move the baseline)
and for young users, down for heavy users (ad fatigue). Under a tight boosting budget, trees
that must spend their splits on the baseline rarely split on the treatment flag, so the
S-learner shrinks the effect toward zero.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["FEATURES", "NIE_WAGER_SETUPS", "SemiSyntheticData", "UpliftData", "make_nie_wager_data", "make_uplift_data"]

FEATURES = ["age_band", "region", "device_os", "activity_level", "category_affinity", "tenure_days"]

_AGE_BANDS = ["13-17", "18-24", "25-34", "35-44", "45-54", "55+"]
_AGE_SHARE = [0.12, 0.30, 0.27, 0.15, 0.10, 0.06]
_AGE_BASELINE = np.array([-0.6, 0.0, 0.3, 0.2, 0.0, -0.3])  # logit shift of conversion without ads
_AGE_EFFECT = np.array([0.010, 0.020, 0.012, 0.0, -0.005, -0.010])  # probability points from ads

_REGIONS = ["north", "south", "east", "west", "central"]
_REGION_SHARE = [0.25, 0.25, 0.2, 0.2, 0.1]
_REGION_BASELINE = np.array([0.3, -0.3, 0.1, 0.0, -0.5])

_OS = ["android", "ios", "other"]
_OS_SHARE = [0.60, 0.37, 0.03]
_OS_BASELINE = np.array([0.0, 0.4, -0.4])
_OS_EFFECT = np.array([0.0, 0.008, -0.01])


class UpliftData(NamedTuple):
    """One simulated campaign: user features, treatment flag, conversion, and the true effect."""

    X: pd.DataFrame
    treatment: np.ndarray
    y: np.ndarray
    true_cate: np.ndarray


def make_uplift_data(
    n: int, random_state: int | None = 0, treatment_share: float = 0.5, effect_scale: float = 1.0
) -> UpliftData:
    """Simulate ``n`` users of one campaign with a randomised holdout.

    Returns ``X`` (DataFrame with ``FEATURES``; age_band, region and device_os as pandas
    categories; activity_level in sessions per day; category_affinity in [0, 1] = share of
    watch time in the campaign's category; tenure_days), ``treatment`` (1 = eligible to see the
    ads, drawn independently with probability ``treatment_share``), ``y`` (1 = converted) and
    ``true_cate`` (the conversion probability if treated minus if held out, per user).
    ``effect_scale`` multiplies the campaign's effect (below 1: smaller effect, same baseline).
    """
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    if not 0.0 < treatment_share < 1.0:
        raise ValueError(f"treatment_share must be in (0, 1), got {treatment_share}")
    rng = np.random.default_rng(random_state)
    age = rng.choice(len(_AGE_BANDS), size=n, p=_AGE_SHARE)
    region = rng.choice(len(_REGIONS), size=n, p=_REGION_SHARE)
    device = rng.choice(len(_OS), size=n, p=_OS_SHARE)
    activity = rng.lognormal(mean=np.log(3.0), sigma=0.8, size=n)
    affinity = rng.beta(2.0 + (age <= 2), 4.0, size=n)
    tenure = np.minimum(rng.exponential(400.0, size=n), 3650).astype(np.int64)

    log_activity = np.log(activity)
    baseline_logit = (
        -2.7
        + 1.1 * (log_activity - np.log(3.0))
        + 0.35 * np.log1p(tenure / 100.0)
        + _AGE_BASELINE[age]
        + _REGION_BASELINE[region]
        + _OS_BASELINE[device]
    )
    p_control = 1.0 / (1.0 + np.exp(-baseline_logit))
    effect = (
        0.08 * (affinity - 0.3)
        + _AGE_EFFECT[age]
        + _OS_EFFECT[device]
        - 0.03 * (activity > 8.0)  # heavy users tire of ads
        + 0.01 * (tenure < 60)  # new users still discovering
    )
    p_treated = np.clip(p_control + effect_scale * effect, 0.001, 0.999)
    true_cate = p_treated - p_control

    treatment = (rng.random(n) < treatment_share).astype(np.int64)
    y = (rng.random(n) < np.where(treatment == 1, p_treated, p_control)).astype(np.int64)
    X = pd.DataFrame(
        {
            "age_band": pd.Categorical.from_codes(age, categories=_AGE_BANDS),
            "region": pd.Categorical.from_codes(region, categories=_REGIONS),
            "device_os": pd.Categorical.from_codes(device, categories=_OS),
            "activity_level": activity.round(2),
            "category_affinity": affinity.round(3),
            "tenure_days": tenure,
        }
    )
    return UpliftData(X, treatment, y, true_cate)


class SemiSyntheticData(NamedTuple):
    """One draw of a setup with known effects: features, treatment, outcome, true CATE and propensity."""

    X: np.ndarray
    treatment: np.ndarray
    y: np.ndarray
    true_cate: np.ndarray
    propensity: np.ndarray


NIE_WAGER_SETUPS = {
    "A": "difficult nuisance, easy effect: confounded, e(x) = sin(pi x1 x2) trimmed to [0.1, 0.9]",
    "B": "randomised trial (e = 1/2), rough baseline, smooth effect",
    "C": "easy propensity, difficult baseline, constant effect tau = 1",
    "D": "unrelated arms: tau = max(x1 + x2 + x3, 0) - max(x4 + x5, 0), confounded",
}


def make_nie_wager_data(
    setup: str, n: int, d: int = 6, sigma: float = 1.0, random_state: int | None = 0
) -> SemiSyntheticData:
    """Setups A-D of Nie & Wager (2021), "Quasi-oracle estimation of heterogeneous treatment effects", sec. 6.

    ``y = b(x) + (t - 1/2) * tau(x) + sigma * eps`` with ``t ~ Bernoulli(e(x))``, eps standard normal,
    and per setup (x1..x5 the first five of ``d`` features):

    - A: x ~ U(0, 1)^d; b = sin(pi x1 x2) + 2 (x3 - 1/2)^2 + x4 + x5 / 2; e = trim_0.1(sin(pi x1 x2));
      tau = (x1 + x2) / 2.
    - B: x ~ N(0, I_d); b = max(x1 + x2, x3, 0) + max(x4 + x5, 0); e = 1/2; tau = x1 + log(1 + e^x2).
    - C: x ~ N(0, I_d); b = 2 log(1 + e^(x1 + x2 + x3)); e = 1 / (1 + e^(x2 + x3)); tau = 1.
    - D: x ~ N(0, I_d); b = (max(x1 + x2 + x3, 0) + max(x4 + x5, 0)) / 2;
      e = 1 / (1 + e^-x1 + e^-x2); tau = max(x1 + x2 + x3, 0) - max(x4 + x5, 0).

    The paper's grid is n in {500, 1000}, d in {6, 12}, sigma in {0.5, 1, 2, 4}.
    """
    setup = str(setup).upper()
    if setup not in NIE_WAGER_SETUPS:
        raise ValueError(f"setup must be one of {sorted(NIE_WAGER_SETUPS)}, got {setup!r}")
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    if d < 5:
        raise ValueError(f"the setups use five features: d must be at least 5, got {d}")
    if sigma < 0:
        raise ValueError(f"sigma must be non-negative, got {sigma}")
    rng = np.random.default_rng(random_state)
    X = rng.random((n, d)) if setup == "A" else rng.standard_normal((n, d))
    x1, x2, x3, x4, x5 = X[:, :5].T
    if setup == "A":
        b = np.sin(np.pi * x1 * x2) + 2.0 * (x3 - 0.5) ** 2 + x4 + 0.5 * x5
        e = np.clip(np.sin(np.pi * x1 * x2), 0.1, 0.9)
        tau = (x1 + x2) / 2.0
    elif setup == "B":
        b = np.maximum.reduce([x1 + x2, x3, np.zeros(n)]) + np.maximum(x4 + x5, 0.0)
        e = np.full(n, 0.5)
        tau = x1 + np.log1p(np.exp(x2))
    elif setup == "C":
        b = 2.0 * np.log1p(np.exp(x1 + x2 + x3))
        e = 1.0 / (1.0 + np.exp(x2 + x3))
        tau = np.ones(n)
    else:
        b = (np.maximum(x1 + x2 + x3, 0.0) + np.maximum(x4 + x5, 0.0)) / 2.0
        e = 1.0 / (1.0 + np.exp(-x1) + np.exp(-x2))
        tau = np.maximum(x1 + x2 + x3, 0.0) - np.maximum(x4 + x5, 0.0)
    t = (rng.random(n) < e).astype(np.int64)
    y = b + (t - 0.5) * tau + sigma * rng.standard_normal(n)
    return SemiSyntheticData(X, t, y, tau, e)
