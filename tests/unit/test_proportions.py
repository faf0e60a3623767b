"""models_ml.experiments.wilson_interval against scipy's Wilson interval (binomtest.proportion_ci)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest, norm

from models_ml.experiments import wilson_interval


def test_wilson_interval_matches_scipy():
    k = np.array([0, 1, 3, 50, 199, 200, 7])
    n = np.array([10, 1, 400, 1000, 200, 200, 12])
    for level in (0.8, 0.9, 0.95, 0.99):
        lower, upper = wilson_interval(k, n, norm.ppf(0.5 + level / 2))
        for i in range(len(k)):
            ci = binomtest(int(k[i]), int(n[i])).proportion_ci(confidence_level=level, method="wilson")
            assert lower[i] == pytest.approx(ci.low, rel=1e-12, abs=1e-15)
            assert upper[i] == pytest.approx(ci.high, rel=1e-12, abs=1e-15)


def test_wilson_interval_is_undefined_without_trials_and_refuses_bad_input():
    lower, upper = wilson_interval([0, 2], [0, 4], 1.96)
    assert np.isnan(lower[0]) and np.isnan(upper[0]) and 0 < lower[1] < 0.5 < upper[1] < 1
    with pytest.raises(ValueError, match="0 <= successes <= trials"):
        wilson_interval([5], [4], 1.96)
    with pytest.raises(ValueError, match="z must be a positive number"):
        wilson_interval([1], [4], 0.0)
